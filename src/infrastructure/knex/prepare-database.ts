import type { Config } from '../config/config';
import type { Logger } from '../logging/logger';
import { createKnex } from './create-knex';
import { ensureDatabaseExists, migrateToLatest } from './database-bootstrap';

/** Creates the configured database if missing and applies pending migrations. */
export async function prepareDatabase(config: Config, logger: Logger): Promise<void> {
  await ensureDatabaseExists(config.databaseUrl);
  const db = createKnex(config.databaseUrl, 1);
  try {
    const applied = await migrateToLatest(db);
    if (applied.length > 0) logger.info({ migrations: applied }, 'migrations applied');
  } finally {
    await db.destroy();
  }
}
