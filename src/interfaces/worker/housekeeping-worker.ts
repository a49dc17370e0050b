import { Queue, Worker } from 'bullmq';
import type { Container } from 'inversify';
import { PurgeExpiredRecordsHandler, type PurgeResult } from '../../application/commands/purge-expired-records/purge-expired-records-handler';
import { CONFIG } from '../../infrastructure/config/config-token';
import type { Config } from '../../infrastructure/config/config';
import { LOGGER, type Logger } from '../../infrastructure/logging/logger';
import { createQueueConnection } from '../../infrastructure/queue/search-sync-queue';

export const HOUSEKEEPING_QUEUE_NAME = 'housekeeping';
export const PURGE_SCHEDULER_ID = 'housekeeping-purge-expired';
const PURGE_JOB = 'purge-expired';

export interface RunningHousekeeping {
  /** Lets the job in progress finish, then stops. */
  close(): Promise<void>;
}

/**
 * Periodic housekeeping on BullMQ's job scheduler (one run at a time across every worker
 * process): expired idempotency records and refresh tokens are deleted, so that no table grows
 * without bound.
 */
export async function startHousekeeping(container: Container): Promise<RunningHousekeeping> {
  const config = container.get<Config>(CONFIG);
  const logger = container.get<Logger>(LOGGER);
  const handler = container.get(PurgeExpiredRecordsHandler);
  const connection = createQueueConnection(config.redisUrl);
  const queue = new Queue(HOUSEKEEPING_QUEUE_NAME, { connection });
  const worker = new Worker<unknown, PurgeResult>(
    HOUSEKEEPING_QUEUE_NAME,
    async () => {
      const purged = await handler.execute();
      logger.info({ event: 'housekeeping.purged', ...purged }, 'expired records purged');
      return purged;
    },
    { connection, concurrency: 1 },
  );
  worker.on('failed', (_job, error) => logger.warn({ err: error.message }, 'housekeeping job failed; it runs again at its next time'));
  await worker.waitUntilReady();
  await queue.upsertJobScheduler(PURGE_SCHEDULER_ID, { every: config.housekeepingIntervalMs }, { name: PURGE_JOB, opts: { removeOnComplete: true, removeOnFail: 10 } });
  return {
    async close() {
      await worker.close();
      await queue.close();
      connection.disconnect();
    },
  };
}
