import { type AppContainer, type ContainerOverrides, createContainer } from '../../infrastructure/container/create-container';
import type { Config } from '../../infrastructure/config/config';
import { LOGGER, type Logger } from '../../infrastructure/logging/logger';
import { METRICS_REGISTRY } from '../../infrastructure/metrics/metrics-registry';
import { WorkerMetrics } from '../../infrastructure/metrics/worker-metrics';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { KNEX } from '../../infrastructure/knex/create-knex';
import { REDIS, assertSelectedDatabase } from '../../infrastructure/redis/create-redis';
import { withinScrapeTimeout } from '../../infrastructure/metrics/scrape-timeout';
import { type HealthChecks, type MetricsListener, listenForScrapes } from '../metrics/metrics-listener';
import { startHousekeeping } from './housekeeping-worker';
import { startSearchSyncWorker } from './search-sync-worker';

export interface RunningWorkerProcess {
  readonly app: AppContainer;
  /** The port of the metrics listener; null when metrics are not served. */
  readonly metricsPort: number | null;
  /** Lets the jobs in progress finish, then stops and closes the connections. */
  close(): Promise<void>;
}

/**
 * The worker process: the search sync and the housekeeping on their queues, and its metrics
 * (queues, outbox, jobs) and its health (`/healthz`: Redis answers, every consumer runs) on
 * `WORKER_METRICS_PORT`.
 */
export async function startWorker(config: Config, overrides: ContainerOverrides = {}): Promise<RunningWorkerProcess> {
  const app = createContainer(config, overrides);
  // PostgreSQL and Redis first: a worker that cannot reach them says so and stops, rather than
  // starting queues that would only log connection errors.
  await Promise.all([app.container.get<Knex>(KNEX).raw('SELECT 1'), connected(app.container.get<Redis>(REDIS))]).catch(async (error: unknown) => {
    await app.dispose();
    throw error;
  });
  const searchSync = await startSearchSyncWorker(app.container);
  const housekeeping = await startHousekeeping(app.container);
  const stopJobs = () => Promise.all([searchSync.close(), housekeeping.close()]);

  const metrics = app.container.get(WorkerMetrics);
  metrics.watch(searchSync.queue, searchSync.worker);
  metrics.watch(housekeeping.queue, housekeeping.worker);
  let listener: MetricsListener | null = null;
  if (config.metrics.workerPort) {
    const redis = app.container.get<Redis>(REDIS);
    const consumers = [searchSync.worker, housekeeping.worker];
    // Alive when Redis answers and every queue still has its consumer running.
    const health = async (): Promise<HealthChecks> => ({
      redis: (await withinScrapeTimeout(async () => {
        await assertSelectedDatabase(redis);
        return redis.ping();
      })) === 'PONG' ? 'up' : 'down',
      consumers: consumers.every((worker) => worker.isRunning()) ? 'up' : 'down',
    });
    const options = { port: config.metrics.workerPort, token: config.metrics.token, health };
    listener = await listenForScrapes(app.container.get(METRICS_REGISTRY), options, app.container.get<Logger>(LOGGER)).catch(async (error: unknown) => {
      await stopJobs();
      await app.dispose();
      throw error;
    });
  }
  return {
    app,
    metricsPort: listener?.port ?? null,
    async close() {
      await listener?.close();
      await stopJobs();
      await app.dispose();
    },
  };
}

/** Resolves once the client is connected; rejects with its first connection error (one naming a database the server does not have included). */
function connected(redis: Redis): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  return new Promise((resolve, reject) => {
    const ready = () => {
      redis.off('error', failed);
      resolve();
    };
    const failed = (error: Error) => {
      redis.off('ready', ready);
      reject(error);
    };
    redis.once('ready', ready);
    redis.once('error', failed);
  });
}
