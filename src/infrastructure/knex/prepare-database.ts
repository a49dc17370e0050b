import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { createKnex } from './create-knex';
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
    if (options.demoData) await seedDemoIfEmpty(db, logger);
  } finally {
    await db.destroy();
  }
}
