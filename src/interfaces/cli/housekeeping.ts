import 'reflect-metadata';
import { PurgeExpiredRecordsHandler } from '../../application/commands/purge-expired-records/purge-expired-records-handler';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createContainer } from '../../infrastructure/container/create-container';
import { createLogger } from '../../infrastructure/logging/logger';
import { explainFailure } from '../explain-failure';
import { exitOnUsageError, parseArgs } from './cli-args';

const USAGE = 'usage: npm run housekeeping\nDeletes expired idempotency records and refresh tokens once (the worker does it on a schedule).';

/** Runs the worker's housekeeping once, by hand: deletes expired idempotency records and refresh tokens. */
async function main(): Promise<void> {
  if (parseArgs(process.argv.slice(2), ['help']).has('help')) return void console.log(USAGE);
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
  exitOnUsageError(error, 'housekeeping', USAGE);
  console.error(`housekeeping failed: ${explainFailure(error)}`);
  process.exit(1);
});
