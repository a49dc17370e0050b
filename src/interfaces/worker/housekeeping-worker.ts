import { Queue, Worker } from 'bullmq';
import type { Container } from 'inversify';
import { PurgeExpiredRecordsHandler, type PurgeResult } from '../../application/commands/purge-expired-records/purge-expired-records-handler';
import { ReconcilePaymentsHandler } from '../../application/commands/reconcile-payments/reconcile-payments-handler';
import type { Knex } from 'knex';
import { ALL_OFFERING_KINDS } from '../../domain/offering-kind';
import { CONFIG } from '../../infrastructure/config/config-token';
import type { Config } from '../../infrastructure/config/config';
import { withLogContext } from '../../infrastructure/logging/log-context';
import { KNEX } from '../../infrastructure/knex/create-knex';
import { LOGGER, type Logger } from '../../infrastructure/logging/logger';
import { repeatLimited } from '../../infrastructure/logging/repeat-limited';
import { keepScheduled } from '../../infrastructure/queue/kept-schedules';
import { createQueueConnection, queuePrefix } from '../../infrastructure/queue/search-sync-queue';
import { type KeptWindows, OpenWindowIndexes } from '../../infrastructure/search/postgres/open-window-indexes';
import { type ListedWords, PostingLists } from '../../infrastructure/search/postgres/posting-lists';

export const HOUSEKEEPING_QUEUE_NAME = 'housekeeping';
export const PURGE_SCHEDULER_ID = 'housekeeping-purge-expired';
export const RECONCILE_SCHEDULER_ID = 'housekeeping-reconcile-payments';
export const POSTING_LISTS_SCHEDULER_ID = 'housekeeping-search-postings';
export const OPEN_WINDOWS_SCHEDULER_ID = 'housekeeping-open-windows';
const PURGE_JOB = 'purge-expired';
const RECONCILE_JOB = 'reconcile-payments';
export const POSTING_LISTS_JOB = 'search-postings';
export const OPEN_WINDOWS_JOB = 'open-windows';

export interface RunningHousekeeping {
  readonly queue: Queue;
  readonly worker: Worker;
  /** Lets the job in progress finish, then stops. */
  close(): Promise<void>;
}

/**
 * Periodic housekeeping on BullMQ's job schedulers (one job at a time across every worker
 * process): payments a crash left unsettled are reconciled with the gateway, expired
 * idempotency records and refresh tokens are deleted, so that no table grows without bound, and
 * the search words that the statistics now count between rare and common get their postings
 * (see `PostingLists`), and the sort indexes their copies for the items open around now (see
 * `OpenWindowIndexes`).
 */
export async function startHousekeeping(container: Container): Promise<RunningHousekeeping> {
  const config = container.get<Config>(CONFIG);
  const logger = container.get<Logger>(LOGGER);
  const purge = container.get(PurgeExpiredRecordsHandler);
  const reconcile = container.get(ReconcilePaymentsHandler);
  const postingLists = new PostingLists(container.get<Knex>(KNEX));
  const openWindowIndexes = new OpenWindowIndexes(container.get<Knex>(KNEX));
  const connection = createQueueConnection(config.redisUrl);
  const prefix = queuePrefix(config.redisKeyPrefix);
  // Without listeners, ioredis and BullMQ print every reconnection failure to the console.
  const connectionFailed = repeatLimited((fields, message) => logger.warn(fields, message));
  connection.on('error', (error: Error) => connectionFailed('housekeeping queue connection error', error.message));
  const queue = new Queue(HOUSEKEEPING_QUEUE_NAME, { connection, prefix });
  queue.on('error', (error) => logger.debug({ err: error.message }, 'housekeeping queue error'));
  const worker = new Worker<unknown, PurgeResult | number | ListedWords[] | KeptWindows[]>(
    HOUSEKEEPING_QUEUE_NAME,
    (job) =>
      withLogContext({ queue: HOUSEKEEPING_QUEUE_NAME, job_id: job.id, job: job.name }, async () => {
        if (job.name === RECONCILE_JOB) {
          const entries = await reconcile.execute();
          for (const entry of entries) logger.info({ event: 'payment.reconciled', payment_id: entry.paymentId, decision: entry.decision, reason: entry.reason }, 'payment reconciled');
          return entries.length;
        }
        if (job.name === POSTING_LISTS_JOB) {
          const listed = await Promise.all(ALL_OFFERING_KINDS.map((kind) => postingLists.listWords(kind)));
          logger.info({ event: 'search.postings_listed', words: listed.map((kind) => kind.words), postings: listed.map((kind) => kind.postings) }, 'search words listed for postings');
          return listed;
        }
        if (job.name === OPEN_WINDOWS_JOB) {
          const kept = await Promise.all(ALL_OFFERING_KINDS.map((kind) => openWindowIndexes.keep(kind)));
          logger.info({ event: 'search.open_windows_kept', built: kept.flatMap((kind) => kind.built), dropped: kept.flatMap((kind) => kind.dropped) }, 'window indexes kept');
          return kept;
        }
        const purged = await purge.execute();
        logger.info({ event: 'housekeeping.purged', ...purged }, 'expired records purged');
        return purged;
      }),
    { connection, prefix, concurrency: 1 },
  );
  worker.on('failed', (job, error) =>
    logger.warn({ queue: HOUSEKEEPING_QUEUE_NAME, job_id: job?.id, job: job?.name, err: error.message }, 'housekeeping job failed; it runs again at its next time'),
  );
  // Without a listener BullMQ prints these to the console; they go to the log like everything else.
  const workerFailed = repeatLimited((fields, message) => logger.error(fields, message));
  worker.on('error', (error) => workerFailed('housekeeping worker error', error.message));
  await worker.waitUntilReady();
  const opts = { removeOnComplete: true, removeOnFail: 10 };
  const schedules = await keepScheduled(
    () =>
      Promise.all([
        queue.upsertJobScheduler(PURGE_SCHEDULER_ID, { every: config.housekeepingIntervalMs }, { name: PURGE_JOB, opts }),
        queue.upsertJobScheduler(RECONCILE_SCHEDULER_ID, { every: config.reconcile.everyMs }, { name: RECONCILE_JOB, opts }),
        queue.upsertJobScheduler(POSTING_LISTS_SCHEDULER_ID, { every: config.housekeepingIntervalMs }, { name: POSTING_LISTS_JOB, opts }),
        queue.upsertJobScheduler(OPEN_WINDOWS_SCHEDULER_ID, { every: config.housekeepingIntervalMs }, { name: OPEN_WINDOWS_JOB, opts }),
      ]),
    (error) => logger.warn({ err: (error as Error).message }, 'housekeeping schedules not written; tried again shortly'),
  );
  return {
    queue,
    worker,
    async close() {
      schedules.stop();
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
