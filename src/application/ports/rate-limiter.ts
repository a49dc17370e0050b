export interface RateLimitState {
  readonly blocked: boolean;
  /** Seconds until the current window ends; 0 when not blocked. */
  readonly retryAfterSeconds: number;
}

/** Fixed-window counters shared by every instance of the service. */
export interface RateLimiter {
  /** Counts one event for `key` and tells whether the limit is now exceeded. */
  hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitState>;
  /** Tells whether `key` has reached `limit` without counting anything. */
  peek(key: string, limit: number): Promise<RateLimitState>;
  reset(key: string): Promise<void>;
}

export const RATE_LIMITER = Symbol.for('RateLimiter');
