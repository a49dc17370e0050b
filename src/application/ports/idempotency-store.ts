export interface StoredResponse {
  readonly status: number;
  readonly body: unknown;
  /** The headers a replay gives again, by name. */
  readonly headers: Readonly<Record<string, string>>;
}

export type IdempotencyClaim =
  /** `claimedAt` names this claim: a claim taken over after it was abandoned is another one. */
  | { readonly outcome: 'claimed'; readonly claimedAt: Date }
  | { readonly outcome: 'replay'; readonly response: StoredResponse }
  | { readonly outcome: 'in_progress' }
  | { readonly outcome: 'mismatch' };

/** Durable record of requests made with an `Idempotency-Key`, per user. */
export interface IdempotencyStore {
  /**
   * Claims `key` for this request: `claimed` the first time (or once an earlier record expired or
   * was abandoned), `replay` with the stored response for the same request, `in_progress` while
   * the first is still running, `mismatch` when the key was used for a different request. A record
   * holding one of `sameRequestHashes` is of the same request too (hashed as it was sent, as the
   * service hashed requests before it compared what they mean).
   */
  claim(userId: number, key: string, requestHash: string, now: Date, sameRequestHashes?: readonly string[]): Promise<IdempotencyClaim>;
  /** Stores the response of the claim made at `claimedAt`; nothing if it was taken over since. */
  complete(userId: number, key: string, claimedAt: Date, response: StoredResponse): Promise<void>;
  /** Forgets a claim whose outcome must not be replayed (the client should retry); nothing if it was taken over since. */
  release(userId: number, key: string, claimedAt: Date): Promise<void>;
  /** Deletes up to `limit` records that expired before `now`; returns how many it deleted. */
  purgeExpired(now: Date, limit: number): Promise<number>;
}

export const IDEMPOTENCY_STORE = Symbol.for('IdempotencyStore');

/** How long the answer to a request under an `Idempotency-Key` is kept for its retries. */
export const IDEMPOTENCY_LIFETIME_MS = 24 * 3600 * 1000;
