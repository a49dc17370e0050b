import 'reflect-metadata';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createLogger } from '../../infrastructure/logging/logger';
import { exitOnUsageError, parseArgs } from '../cli/cli-args';
import { explainFailure } from '../explain-failure';
import { stopOnSignals } from '../stop-on-signals';
import { startWorker } from './start-worker';

/**
 * How long a stop may take: the current job finishes first, but a job's end is written to Redis,
 * and with Redis out of reach that write waits for it. Past this, or at a second signal, the
 * process exits anyway; the job's transaction has committed or rolled back, and BullMQ gives a
 * job whose worker vanished to another.
 */
const STOP_DEADLINE_MS = 60_000;

const USAGE = 'usage: npm run worker\nDrains the search outbox, runs the housekeeping and reconciles payments; configured by the environment (docs/configuration.md).';

async function main(): Promise<void> {
  if (parseArgs(process.argv.slice(2), ['help']).has('help')) return void process.stdout.write(`${USAGE}\n`);
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

  stopOnSignals({ name: 'worker', finishing: 'finishing the current job', deadlineMs: STOP_DEADLINE_MS, lateBecause: 'is Redis reachable?', logger, close: () => running.close() });
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'worker', USAGE);
  process.stderr.write(`worker failed to start: ${explainFailure(error)}\n`);
  process.exit(1);
});
