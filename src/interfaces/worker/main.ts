import 'reflect-metadata';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createLogger } from '../../infrastructure/logging/logger';
import { explainFailure } from '../explain-failure';
import { startWorker } from './start-worker';

async function main(): Promise<void> {
  loadEnvFile();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const running = await startWorker(config, { logger });
  logger.info(
    {
      search_engine: config.searchEngine,
      concurrency: config.searchSync.workerConcurrency,
      interval_ms: config.searchSync.intervalMs,
      metrics_port: running.metricsPort,
    },
    'worker started: search sync and housekeeping',
  );

  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker shutting down: finishing the current job');
    await running.close();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((error: unknown) => {
  process.stderr.write(`worker failed to start: ${explainFailure(error)}\n`);
  process.exit(1);
});
