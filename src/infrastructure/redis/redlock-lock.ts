import { inject, injectable } from 'inversify';
import type { Redis } from 'ioredis';
import Redlock from 'redlock';
import type { LockPort } from '../../application/ports/lock-port';
import { DependencyUnavailable, LockBusy } from '../../domain/errors';
import { REDIS } from './create-redis';

export interface LockSettings {
  /** How long a request waits for a held lock before answering `lock_busy`. */
  readonly waitMs: number;
  /** Lease of the lock; redlock extends it automatically while the work runs. */
  readonly leaseMs: number;
}

export const LOCK_SETTINGS = Symbol.for('LockSettings');

const RETRY_DELAY_MS = 50;

/** The lock port on Redis with redlock: bounded wait, automatic lease extension. */
@injectable()
export class RedlockLock implements LockPort {
  private readonly redlock: Redlock;

  constructor(
    @inject(REDIS) private readonly redis: Redis,
    @inject(LOCK_SETTINGS) private readonly settings: LockSettings,
  ) {
    this.redlock = new Redlock([redis], {
      retryCount: Math.max(1, Math.ceil(settings.waitMs / RETRY_DELAY_MS)),
      retryDelay: RETRY_DELAY_MS,
      retryJitter: RETRY_DELAY_MS / 2,
      automaticExtensionThreshold: Math.min(500, settings.leaseMs / 2),
    });
    // Failed attempts while waiting are expected; they surface as the error of `using`.
    this.redlock.on('error', () => undefined);
  }

  async withLock<T>(resource: string, work: () => Promise<T>): Promise<T> {
    // Without Redis every attempt would fail slowly: answer at once instead.
    if (this.redis.status !== 'ready') throw new DependencyUnavailable('The lock service is unavailable.');
    let started = false;
    try {
      return await this.redlock.using([`lock:${resource}`], this.settings.leaseMs, async () => {
        started = true;
        return work();
      });
    } catch (error) {
      if (started) throw error;
      if (isLockContention(error)) {
        if (this.redis.status !== 'ready') throw new DependencyUnavailable('The lock service is unavailable.');
        throw new LockBusy();
      }
      throw error;
    }
  }
}

/**
 * redlock reports a lock held elsewhere as `ResourceLockedError` or, once its retries are spent,
 * as `ExecutionError`. Matched by name: the classes differ between its CommonJS and ESM builds.
 */
function isLockContention(error: unknown): boolean {
  const name = (error as Error | null)?.name;
  return name === 'ResourceLockedError' || name === 'ExecutionError';
}
