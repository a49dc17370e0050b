/**
 * A distributed lock. It spares the database the contention of identical concurrent requests;
 * it is not what guarantees correctness (the database constraints and row locks are).
 */
export interface LockPort {
  /**
   * Runs `work` while holding the lock on `resource`, waiting a bounded time for it. Throws
   * `LockBusy` when the wait runs out and `DependencyUnavailable` when the lock service is down.
   * Once `work` has finished, its result is the answer: a lock that can no longer be released
   * (its lease ran out, the lock service went away) is reported, not thrown.
   */
  withLock<T>(resource: string, work: (lease: LockLease) => Promise<T>): Promise<T>;
}

/** The lock as the work holds it. */
export interface LockLease {
  /**
   * Throws `LockLost` when the lock can no longer be counted on (its lease could not be
   * extended), before a step that must not run twice, such as a charge.
   */
  assertHeld(): void;
}

export const LOCK_PORT = Symbol.for('LockPort');
