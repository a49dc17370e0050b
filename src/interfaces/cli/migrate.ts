import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { prepareDatabase } from '../../infrastructure/knex/prepare-database';
import { createLogger } from '../../infrastructure/logging/logger';
import { explainFailure } from '../explain-failure';
import { exitOnUsageError, parseArgs } from './cli-args';

const USAGE = 'usage: npm run migrate\nCreates the database if needed and applies the pending migrations.';

async function main(): Promise<void> {
  if (parseArgs(process.argv.slice(2), ['help']).has('help')) return void console.log(USAGE);
  loadEnvFile();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  await prepareDatabase(config, logger);
  logger.info('database is up to date');
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'migrate', USAGE);
  process.stderr.write(`migration failed: ${explainFailure(error)}\n`);
  process.exit(1);
});
