import { inject, injectable } from 'inversify';
import { Redis } from 'ioredis';
import { type JobsOptions, Queue } from 'bullmq';
import type { SearchSyncTrigger } from '../../application/ports/search-sync-trigger';
import { LOGGER, type Logger } from '../logging/logger';

export const SEARCH_SYNC_QUEUE = Symbol.for('SearchSyncQueue');
export const SEARCH_SYNC_QUEUE_NAME = 'search-sync';
export const DRAIN_JOB = 'drain';
export const DRAIN_SCHEDULER_ID = 'search-sync-drain';
const NUDGE_TIMEOUT_MS = 500;

/** Failed drains are retried with exponential backoff; finished jobs are not kept. */
export const DRAIN_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1_000 },
  removeOnComplete: true,
  removeOnFail: 100,
};

/** BullMQ needs a connection of its own that retries commands indefinitely. */
export function createQueueConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableOfflineQueue: true });
}

/** BullMQ's own key prefix for a deployment (BullMQ refuses ioredis' `keyPrefix`). */
export const queuePrefix = (redisKeyPrefix: string): string => `${redisKeyPrefix}bull`;

export function createSearchSyncQueue(connection: Redis, redisKeyPrefix: string): Queue {
  return new Queue(SEARCH_SYNC_QUEUE_NAME, { connection, prefix: queuePrefix(redisKeyPrefix) });
}

/**
 * Nudges are coalesced: while one drain job waits, further nudges add nothing, and while one
 * runs, at most one more is queued behind it.
 */
@injectable()
export class BullSearchSyncTrigger implements SearchSyncTrigger {
  constructor(
    @inject(SEARCH_SYNC_QUEUE) private readonly queue: Queue,
    @inject(LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Never fails and never waits long: the change is already committed to the outbox, and the
   * periodic drain picks it up if this nudge is lost (for instance while Redis is down).
   */
  async nudge(): Promise<void> {
    const add = this.queue.add(DRAIN_JOB, {}, { ...DRAIN_JOB_OPTIONS, deduplication: { id: DRAIN_JOB, keepLastIfActive: true } });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), NUDGE_TIMEOUT_MS);
    });
    try {
      if ((await Promise.race([add, timeout])) === 'timeout') this.logger.warn('search sync nudge timed out');
    } catch (error) {
      this.logger.warn({ err: error }, 'search sync nudge failed');
    } finally {
      clearTimeout(timer);
    }
  }
}

/** The periodic drain that picks up whatever no nudge announced. */
export async function scheduleDrain(queue: Queue, everyMs: number): Promise<void> {
  await queue.upsertJobScheduler(DRAIN_SCHEDULER_ID, { every: everyMs }, { name: DRAIN_JOB, opts: DRAIN_JOB_OPTIONS });
}
