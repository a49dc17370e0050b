import { inject, injectable } from 'inversify';
import type { Redis } from 'ioredis';
import Redlock, { type Lock } from 'redlock';
import type { LockLease, LockPort } from '../../application/ports/lock-port';
import { DependencyUnavailable, LockBusy, LockLost } from '../../domain/errors';
import { LOGGER, type Logger } from '../logging/logger';
import { REDIS } from './create-redis';

export interface LockSettings {
  /** How long a request waits for a held lock before answering `lock_busy`. */
  readonly waitMs: number;
  /** Lease of the lock; extended while the work runs. */
  readonly leaseMs: number;
}

export const LOCK_SETTINGS = Symbol.for('LockSettings');

const RETRY_DELAY_MS = 50;

/** The lock port on Redis with redlock: bounded wait, the lease extended while the work runs. */
@injectable()
export class RedlockLock implements LockPort {
  private readonly redlock: Redlock;

  constructor(
    @inject(REDIS) private readonly redis: Redis,
    @inject(LOCK_SETTINGS) private readonly settings: LockSettings,
    @inject(LOGGER) private readonly logger: Logger,
  ) {
    this.redlock = new Redlock([redis], {
      retryCount: Math.max(1, Math.ceil(settings.waitMs / RETRY_DELAY_MS)),
      retryDelay: RETRY_DELAY_MS,
      retryJitter: RETRY_DELAY_MS / 2,
    });
    // Failed attempts while waiting are expected; they surface as the error of `acquire`.
    this.redlock.on('error', () => undefined);
  }

  async withLock<T>(resource: string, work: (lease: LockLease) => Promise<T>): Promise<T> {
    // Without Redis every attempt would fail slowly: answer at once instead.
    if (this.redis.status !== 'ready') throw new DependencyUnavailable('The lock service is unavailable.');
    let lock: Lock;
    try {
      lock = await this.redlock.acquire([`lock:${resource}`], this.settings.leaseMs);
    } catch (error) {
      if (!isLockContention(error)) throw error;
      if (this.redis.status !== 'ready') throw new DependencyUnavailable('The lock service is unavailable.');
      throw new LockBusy();
    }
    // The lease is extended halfway through each period while the work runs; one failed
    // extension and the lock can no longer be counted on.
    let lost = false;
    const extender = setInterval(() => {
      this.redlock.extend(lock, this.settings.leaseMs, { retryCount: EXTEND_RETRIES }).then(
        (extended) => (lock = extended),
        () => {
          lost = true;
          clearInterval(extender);
        },
      );
    }, this.settings.leaseMs / 2);
    const lease: LockLease = {
      assertHeld: () => {
        if (lost || Date.now() >= lock.expiration) throw new LockLost();
      },
    };
    try {
      return await work(lease);
    } finally {
      clearInterval(extender);
      // Once the work has finished its answer stands: a lock that cannot be released (its lease
      // ran out, Redis went away) expires by itself, and is reported rather than thrown.
      await this.redlock.release(lock, { retryCount: 0 }).catch((error: unknown) => {
        this.logger.warn({ err: error, resource }, 'lock could not be released after the work finished');
      });
    }
  }
}

/** Extensions are retried briefly: a lease that cannot be extended soon is lost anyway. */
const EXTEND_RETRIES = 2;

/**
 * redlock reports a lock held elsewhere as `ResourceLockedError` or, once its retries are spent,
 * as `ExecutionError`. Matched by name: the classes differ between its CommonJS and ESM builds.
 */
function isLockContention(error: unknown): boolean {
  const name = (error as Error | null)?.name;
  return name === 'ResourceLockedError' || name === 'ExecutionError';
}
