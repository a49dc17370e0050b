/**
 * A distributed lock. It spares the database the contention of identical concurrent requests;
 * it is not what guarantees correctness (the database constraints and row locks are).
 */
export interface LockPort {
  /**
   * Runs `work` while holding the lock on `resource`, waiting a bounded time for it. Throws
   * `LockBusy` when the wait runs out and `DependencyUnavailable` when the lock service is down.
   */
  withLock<T>(resource: string, work: () => Promise<T>): Promise<T>;
}

export const LOCK_PORT = Symbol.for('LockPort');
