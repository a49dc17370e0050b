import type { Knex } from 'knex';
import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { createKnex } from './create-knex';
import { SUSPENDED_SCHEMA_TABLE } from '../seed/bulk-load-schema';
import { seedDemoIfEmpty } from '../seed/seed-demo-if-empty';
import { ensureDatabaseExists, migrateToLatest } from './database-bootstrap';

/**
 * Creates the configured database if missing and applies pending migrations; with `demoData`,
 * also loads the demo data set into an empty catalogue.
 */
export async function prepareDatabase(config: Config, logger: Logger, options: { demoData?: boolean } = {}): Promise<void> {
  await ensureDatabaseExists(config.databaseUrl);
  const db = createKnex(config.databaseUrl, 2);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
    const setAside = await setAsideBySeed(db);
    if (setAside > 0) {
      logger.warn({ set_aside: setAside }, 'a seed run was interrupted with indexes and foreign keys set aside: run the seed again to put them back');
    }
    if (options.demoData) await seedDemoIfEmpty(db, logger);
  } finally {
    await db.destroy();
  }
}

/** Indexes and foreign keys a seed set aside and did not put back (it was killed). */
async function setAsideBySeed(db: Knex): Promise<number> {
  const [{ n }] = await db(SUSPENDED_SCHEMA_TABLE).count<{ n: string }[]>({ n: '*' });
  return Number(n);
}
