import { type Queue, Worker } from 'bullmq';
import type { Container } from 'inversify';
import { SyncSearchIndexHandler, type SyncResult } from '../../application/commands/sync-search-index/sync-search-index-handler';
import { SEARCH_INDEX, type SearchIndex } from '../../application/ports/search-index';
import { SEARCH_OUTBOX, type SearchOutbox } from '../../application/ports/search-outbox';
import { SEARCH_INDEX_NAMING, type SearchIndexNaming, liveIndexName } from '../../application/search/index-names';
import { ALL_OFFERING_KINDS } from '../../domain/offering-kind';
import { SEARCH_SYNC_TRIGGER, type SearchSyncTrigger } from '../../application/ports/search-sync-trigger';
import { CONFIG } from '../../infrastructure/config/config-token';
import type { Config } from '../../infrastructure/config/config';
import { isDependencyFailure } from '../../infrastructure/errors/dependency-failure';
import { withLogContext } from '../../infrastructure/logging/log-context';
import { LOGGER, type Logger } from '../../infrastructure/logging/logger';
import { repeatLimited } from '../../infrastructure/logging/repeat-limited';
import { keepScheduled } from '../../infrastructure/queue/kept-schedules';
import {
  SEARCH_SYNC_QUEUE,
  SEARCH_SYNC_QUEUE_NAME,
  createQueueConnection,
  queuePrefix,
  scheduleDrain,
} from '../../infrastructure/queue/search-sync-queue';
import { explainFailure } from '../explain-failure';

const HEALTH_LOG_INTERVAL_MS = 30_000;

/** Creates the live indexes with their settings, once they could be: later calls do nothing. */
function liveIndexesEnsurer(container: Container): () => Promise<void> {
  let ensured = container.get<Config>(CONFIG).searchEngine !== 'meilisearch';
  return async () => {
    if (ensured) return;
    const index = container.get<SearchIndex>(SEARCH_INDEX);
    const naming = container.get<SearchIndexNaming>(SEARCH_INDEX_NAMING);
    for (const kind of ALL_OFFERING_KINDS) await index.ensure(liveIndexName(naming, kind));
    ensured = true;
  };
}

export interface RunningWorker {
  readonly queue: Queue;
  readonly worker: Worker;
  /** Lets the job in progress finish, then stops. */
  close(): Promise<void>;
}

/** The BullMQ worker that drains the search outbox into the index. */
export async function startSearchSyncWorker(container: Container): Promise<RunningWorker> {
  const config = container.get<Config>(CONFIG);
  const logger = container.get<Logger>(LOGGER);
  const handler = container.get(SyncSearchIndexHandler);
  const trigger = container.get<SearchSyncTrigger>(SEARCH_SYNC_TRIGGER);
  const outbox = container.get<SearchOutbox>(SEARCH_OUTBOX);
  const queue = container.get<Queue>(SEARCH_SYNC_QUEUE);

  // The live indexes exist with their settings before the first document is written: created
  // implicitly by a write, an index would have the engine's defaults (no sorts, no filters). A
  // Meilisearch out of reach at start does not stop the worker, whose housekeeping and payment
  // reconciliation need no search engine: the drains wait for it, each job trying again.
  const ensureIndexes = liveIndexesEnsurer(container);
  await ensureIndexes().catch((error: unknown) => {
    if (!isDependencyFailure(error)) throw error;
    logger.warn({ err: explainFailure(error, config) }, 'search engine out of reach at start: the search sync waits for it, retrying; housekeeping and payment reconciliation go on');
  });

  const connection = createQueueConnection(config.redisUrl);
  const connectionFailed = repeatLimited((fields, message) => logger.warn(fields, message));
  connection.on('error', (error: Error) => connectionFailed('search sync worker connection error', error.message));
  const worker = new Worker<unknown, SyncResult>(
    SEARCH_SYNC_QUEUE_NAME,
    (job) =>
      withLogContext({ queue: SEARCH_SYNC_QUEUE_NAME, job_id: job.id }, async () => {
        await ensureIndexes();
        const result = await handler.execute();
        for (const index of result.recreatedIndexes) {
          logger.warn({ index }, 'search index was missing: created again with its settings; it holds only what changed since until `npm run reindex` rebuilds it');
        }
        if (result.more) await trigger.nudge();
        return result;
      }),
    { connection, prefix: queuePrefix(config.redisKeyPrefix), concurrency: config.searchSync.workerConcurrency, autorun: true },
  );
  worker.on('failed', (job, error) =>
    logger.warn({ queue: SEARCH_SYNC_QUEUE_NAME, job_id: job?.id, attempts: job?.attemptsMade, err: error.message }, 'search sync job failed; it will be retried'),
  );
  const workerFailed = repeatLimited((fields, message) => logger.error(fields, message));
  worker.on('error', (error) => workerFailed('search sync worker error', error.message));
  await worker.waitUntilReady();
  const schedules = await keepScheduled(
    () => scheduleDrain(queue, config.searchSync.intervalMs),
    (error) => logger.warn({ err: (error as Error).message }, 'search sync schedule not written; tried again shortly'),
  );

  const health = setInterval(() => {
    outbox
      .backlog(config.searchSync.maxAttempts)
      .then(({ pending, deadLetters }) => logger.info({ pending_outbox: pending, dead_letters: deadLetters, running: worker.isRunning() }, 'search sync worker alive'))
      .catch((error: Error) => logger.warn({ err: error.message }, 'search sync worker cannot read the outbox'));
  }, HEALTH_LOG_INTERVAL_MS);
  health.unref();

  return {
    queue,
    worker,
    async close() {
      clearInterval(health);
      schedules.stop();
      await worker.close();
      connection.disconnect();
    },
  };
}
