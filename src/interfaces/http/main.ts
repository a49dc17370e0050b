import 'reflect-metadata';
import { apiConfigurationWarnings, loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { prepareDatabase } from '../../infrastructure/knex/prepare-database';
import { createLogger } from '../../infrastructure/logging/logger';
import { exitOnUsageError, parseArgs } from '../cli/cli-args';
import { explainFailure } from '../explain-failure';
import { stopOnSignals } from '../stop-on-signals';
import { startServer } from './server';

/**
 * How long a stop may take: in-flight requests get `SHUTDOWN_GRACE_MS` (10 s) to finish, then the
 * pools close once their statements have ended, which a PostgreSQL that does not answer delays
 * until each statement's deadline (`DB_STATEMENT_TIMEOUT` and 5 s). Past this, or at a second
 * signal, the process exits anyway.
 */
const STOP_DEADLINE_MS = 30_000;

const USAGE = 'usage: npm start\nMigrates the database, then serves the API; configured by the environment (docs/configuration.md).';

async function main(): Promise<void> {
  if (parseArgs(process.argv.slice(2), ['help']).has('help')) return void process.stdout.write(`${USAGE}\n`);
  loadEnvFile();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  for (const warning of apiConfigurationWarnings(config)) logger.warn(warning);
  await prepareDatabase(config, logger, { demoData: config.demoData });
  const running = await startServer(config, { logger });
  logger.info({ port: running.port, metrics_port: running.metricsPort, search_engine: config.searchEngine }, 'api listening');

  stopOnSignals({ finishing: 'finishing in-flight requests', deadlineMs: STOP_DEADLINE_MS, lateBecause: 'is PostgreSQL reachable?', logger, close: () => running.close() });
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'api', USAGE);
  // The logger may not exist yet (configuration errors), so report plainly and exit.
  process.stderr.write(`api failed to start: ${explainFailure(error)}${portInUse(error)}\n`);
  process.exit(1);
});

/** Which setting names a port that is taken, when that is why the service could not listen. */
function portInUse(error: unknown): string {
  const { code, port } = (error ?? {}) as { code?: string; port?: number };
  if (code !== 'EADDRINUSE') return '';
  return ` (port ${port} is taken by another process: see ${String(port) === process.env.METRICS_PORT ? 'METRICS_PORT' : 'PORT'})`;
}
