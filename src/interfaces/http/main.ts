import 'reflect-metadata';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { prepareDatabase } from '../../infrastructure/knex/prepare-database';
import { createLogger } from '../../infrastructure/logging/logger';
import { exitOnUsageError, parseArgs } from '../cli/cli-args';
import { explainFailure } from '../explain-failure';
import { startServer } from './server';

const USAGE = 'usage: npm start\nMigrates the database, then serves the API; configured by the environment (docs/configuration.md).';

async function main(): Promise<void> {
  if (parseArgs(process.argv.slice(2), ['help']).has('help')) return void process.stdout.write(`${USAGE}\n`);
  loadEnvFile();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  await prepareDatabase(config, logger, { demoData: config.demoData });
  const running = await startServer(config, { logger });
  logger.info({ port: running.port, metrics_port: running.metricsPort, search_engine: config.searchEngine }, 'api listening');

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await running.close();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
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
