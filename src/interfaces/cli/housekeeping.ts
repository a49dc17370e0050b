import 'reflect-metadata';
import { PurgeExpiredRecordsHandler } from '../../application/commands/purge-expired-records/purge-expired-records-handler';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createContainer } from '../../infrastructure/container/create-container';
import { createLogger } from '../../infrastructure/logging/logger';
import { explainFailure } from '../explain-failure';

/** Runs the worker's housekeeping once, by hand: deletes expired idempotency records and refresh tokens. */
async function main(): Promise<void> {
  loadEnvFile();
  const app = createContainer(loadConfig(), { logger: createLogger('warn') });
  try {
    const purged = await app.container.get(PurgeExpiredRecordsHandler).execute();
    console.log(`purged ${purged.idempotencyRecords} expired idempotency records and ${purged.refreshTokens} expired refresh tokens`);
  } finally {
    await app.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(`housekeeping failed: ${explainFailure(error)}`);
  process.exit(1);
});
