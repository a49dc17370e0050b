export interface RateLimitState {
  readonly blocked: boolean;
  /** Seconds until the current window ends; 0 when not blocked. */
  readonly retryAfterSeconds: number;
}

/** Fixed-window counters shared by every instance of the service. */
export interface RateLimiter {
  /** Counts one event for `key`; blocked when this event is over `limit` in the window. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitState>;
  reset(key: string): Promise<void>;
  /** Takes one event back (never below zero), for an event counted before it was known not to count. */
  release(key: string): Promise<void>;
  /** Notes `key` for `seconds` (again from now if it was noted before). */
  note(key: string, seconds: number): Promise<void>;
  /** Whether `key` is noted. */
  isNoted(key: string): Promise<boolean>;
}

export const RATE_LIMITER = Symbol.for('RateLimiter');
