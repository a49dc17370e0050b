export interface RateLimitState {
  readonly blocked: boolean;
  /** Seconds until the current window ends; 0 when not blocked. */
  readonly retryAfterSeconds: number;
}

/** Fixed-window counters shared by every instance of the service. */
export interface RateLimiter {
  /** Counts one event for `key`; blocked when this event is over `limit` in the window. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitState>;
  /** Without counting: blocked when `key` has already reached `limit`, so one more would be over. */
  peek(key: string, limit: number): Promise<RateLimitState>;
  reset(key: string): Promise<void>;
}

export const RATE_LIMITER = Symbol.for('RateLimiter');
