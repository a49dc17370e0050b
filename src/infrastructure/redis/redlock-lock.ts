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
    // Attempts to take the lock are made one at a time here (`acquire`), so that a Redis that
    // fails is told from a lock held elsewhere; the delays are those of an extension's retries.
    this.redlock = new Redlock([redis], { retryCount: 0, retryDelay: RETRY_DELAY_MS, retryJitter: RETRY_DELAY_MS / 2 });
    // Failed attempts while waiting are expected; they surface as the error of `acquire`.
    this.redlock.on('error', () => undefined);
  }

  async withLock<T>(resource: string, work: (lease: LockLease) => Promise<T>): Promise<T> {
    let lock = await this.acquire(resource);
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

  /**
   * Takes the lock, trying again every `RETRY_DELAY_MS` (with jitter) while it is held elsewhere,
   * for at most the configured wait: then `LockBusy`. An attempt that fails otherwise (Redis
   * down, or not answering within its command timeout) ends the wait at once with
   * `DependencyUnavailable`: waiting on would only fail slowly.
   */
  private async acquire(resource: string): Promise<Lock> {
    const giveUpAt = Date.now() + this.settings.waitMs;
    for (;;) {
      if (this.redis.status !== 'ready') throw new DependencyUnavailable('The lock service is unavailable.');
      try {
        return await this.redlock.acquire([`lock:${resource}`], this.settings.leaseMs);
      } catch (error) {
        if (!(await isHeldElsewhere(error))) {
          if (isRedlockError(error)) throw new DependencyUnavailable('The lock service is unavailable.');
          throw error;
        }
      }
      if (Date.now() >= giveUpAt) throw new LockBusy();
      await delay(RETRY_DELAY_MS + Math.floor((Math.random() - 0.5) * RETRY_DELAY_MS));
    }
  }
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Extensions are retried briefly: a lease that cannot be extended soon is lost anyway. */
const EXTEND_RETRIES = 2;

/**
 * Whether a failed attempt found the lock held elsewhere: redlock reports an attempt as an
 * `ExecutionError` whose votes against are each Redis' refusal (`ResourceLockedError`), or else
 * the error of the command (a timeout, a lost connection). Matched by name: the classes differ
 * between its CommonJS and ESM builds.
 */
async function isHeldElsewhere(error: unknown): Promise<boolean> {
  if ((error as Error | null)?.name === 'ResourceLockedError') return true;
  if ((error as Error | null)?.name !== 'ExecutionError') return false;
  const { attempts } = error as RedlockExecutionError;
  const last = attempts.length > 0 ? await attempts[attempts.length - 1] : undefined;
  const reasons = last ? [...last.votesAgainst.values()] : [];
  return reasons.length > 0 && reasons.every((reason) => reason.name === 'ResourceLockedError');
}

/** What `ExecutionError` carries: each attempt's votes, those against with their reasons. */
interface RedlockExecutionError extends Error {
  readonly attempts: readonly Promise<{ readonly votesAgainst: ReadonlyMap<unknown, Error> }>[];
}

const isRedlockError = (error: unknown): boolean => (error as Error | null)?.name === 'ExecutionError';
