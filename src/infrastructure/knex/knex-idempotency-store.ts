import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import { IDEMPOTENCY_LIFETIME_MS, type IdempotencyClaim, type IdempotencyStore, type StoredResponse } from '../../application/ports/idempotency-store';
import { KNEX } from './create-knex';
import { purgeExpiredRows } from './purge-expired';

/** Responses are replayed for 24 hours. */
/** A claim still in progress after this long belongs to a request that died; it may be taken over. */
const ABANDONED_AFTER_MS = 60 * 1000;

interface IdempotencyRow {
  user_id: number;
  key: string;
  request_hash: string;
  state: 'in_progress' | 'completed';
  response_status: number | null;
  /** The answer's body as it was given (records written before it was kept so hold `response_body`). */
  response_json: unknown;
  response_body: unknown;
  response_headers: Record<string, string> | null;
  created_at: Date;
  expires_at: Date;
}

@injectable()
export class KnexIdempotencyStore implements IdempotencyStore {
  constructor(@inject(KNEX) private readonly db: Knex) {}

  async claim(userId: number, key: string, requestHash: string, now: Date, sameRequestHashes: readonly string[] = []): Promise<IdempotencyClaim> {
    const inserted = await this.db('idempotency_records')
      .insert({ user_id: userId, key, request_hash: requestHash, state: 'in_progress', created_at: now, expires_at: new Date(now.getTime() + IDEMPOTENCY_LIFETIME_MS) })
      .onConflict(['user_id', 'key'])
      .ignore()
      .returning('key');
    if (inserted.length === 1) return { outcome: 'claimed', claimedAt: now };

    const row = await this.db<IdempotencyRow>('idempotency_records').where({ user_id: userId, key }).first();
    if (!row) return this.claim(userId, key, requestHash, now, sameRequestHashes);
    const expired = row.expires_at <= now;
    const sameRequest = row.request_hash === requestHash || sameRequestHashes.includes(row.request_hash);
    // An abandoned claim is taken over by a retry of its request only: another request under the
    // key is refused, as it would have been had the first one finished.
    if (!expired && !sameRequest) return { outcome: 'mismatch' };
    if (expired || (row.state === 'in_progress' && now.getTime() - row.created_at.getTime() > ABANDONED_AFTER_MS)) {
      // Take the record over only if nobody else did meanwhile.
      const taken = await this.db('idempotency_records')
        .where({ user_id: userId, key, state: row.state, created_at: row.created_at })
        .update({ request_hash: requestHash, state: 'in_progress', response_status: null, response_json: null, response_body: null, response_headers: null, created_at: now, expires_at: new Date(now.getTime() + IDEMPOTENCY_LIFETIME_MS) });
      return taken === 1 ? { outcome: 'claimed', claimedAt: now } : this.claim(userId, key, requestHash, now, sameRequestHashes);
    }
    if (row.state === 'in_progress') return { outcome: 'in_progress' };
    return { outcome: 'replay', response: { status: row.response_status as number, body: row.response_json ?? row.response_body, headers: row.response_headers ?? {} } };
  }

  /**
   * Keeps the answer as written (`response_json`), and in `response_body` too, which processes of
   * the version before read while a rolling deploy replaces them.
   */
  async complete(userId: number, key: string, claimedAt: Date, response: StoredResponse): Promise<void> {
    await this.db('idempotency_records')
      .where({ user_id: userId, key, state: 'in_progress', created_at: claimedAt })
      .update({ state: 'completed', response_status: response.status, response_json: JSON.stringify(response.body), response_body: JSON.stringify(response.body), response_headers: JSON.stringify(response.headers) });
  }

  async release(userId: number, key: string, claimedAt: Date): Promise<void> {
    await this.db('idempotency_records').where({ user_id: userId, key, state: 'in_progress', created_at: claimedAt }).delete();
  }

  purgeExpired(now: Date, limit: number): Promise<number> {
    return purgeExpiredRows(this.db, 'idempotency_records', ['user_id', 'key'], now, limit);
  }
}
