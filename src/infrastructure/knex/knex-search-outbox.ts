import { setTimeout } from 'node:timers/promises';
import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { DrainOutcome, OutboxBacklog, OutboxEntry, SearchOutbox } from '../../application/ports/search-outbox';
import type { OfferingKind } from '../../domain/offering-kind';
import { KNEX } from './create-knex';

interface OutboxRow {
  id: number;
  item_kind: OfferingKind;
  item_id: number;
  attempts: number;
}

/** An arbitrary, fixed advisory lock key for "draining the search outbox". */
const DRAIN_LOCK_KEY = 7_220_815_001;
/** How long `exclusive` waits for a drain to finish: longer than a drain may take (its engine calls give up after 2 min). */
const EXCLUSIVE_WAIT_MS = 5 * 60_000;
/** How often `exclusive` tries the drains' lock while a drain holds it. */
const EXCLUSIVE_RETRY_MS = 100;

@injectable()
export class KnexSearchOutbox implements SearchOutbox {
  constructor(@inject(KNEX) private readonly db: Knex) {}

  async drain(limit: number, maxAttempts: number, apply: (entries: readonly OutboxEntry[]) => Promise<DrainOutcome>): Promise<number> {
    return this.db.transaction(async (trx) => {
      // One drain at a time across all workers: two drains writing the same item concurrently
      // could let the older read reach the index last.
      const { rows: [lock] } = await trx.raw('SELECT pg_try_advisory_xact_lock(?) AS acquired', [DRAIN_LOCK_KEY]);
      if (!lock.acquired) return 0;
      const rows = await trx<OutboxRow>('search_outbox')
        .select('id', 'item_kind', 'item_id', 'attempts')
        .where('attempts', '<', maxAttempts)
        .orderBy('id')
        .limit(limit)
        .forUpdate();
      if (rows.length === 0) return 0;

      const outcome = await apply(rows.map((row) => ({ id: row.id, kind: row.item_kind, itemId: row.item_id, attempts: row.attempts })));
      const failed = new Set(outcome.failedEntryIds);
      const done = rows.filter((row) => !failed.has(row.id));
      if (done.length > 0) {
        await trx('search_outbox').whereIn('id', done.map((row) => row.id)).delete();
        // An item written now has its current state in the index: its dead letters are history.
        await trx('search_outbox')
          .whereIn(['item_kind', 'item_id'], done.map((row) => [row.item_kind, row.item_id]))
          .where('attempts', '>=', maxAttempts)
          .delete();
      }
      if (failed.size > 0) {
        await trx('search_outbox')
          .whereIn('id', [...failed])
          .update({ attempts: trx.raw('attempts + 1'), last_error: outcome.lastError ?? null });
      }
      return rows.length;
    });
  }

  exclusive<T>(work: () => Promise<T>): Promise<T> {
    // The drains' own lock, held by a transaction that does nothing else. A drain may hold it
    // while the engine works through its queue (the tasks it waits for can sit behind a rebuild's
    // own loads), far longer than the statement timeout: it is tried again until a bound of its
    // own, beyond a drain's longest, each try a statement of its own.
    return this.db.transaction(async (trx) => {
      const giveUpAt = Date.now() + EXCLUSIVE_WAIT_MS;
      for (;;) {
        const { rows } = await trx.raw<{ rows: { taken: boolean }[] }>('SELECT pg_try_advisory_xact_lock(?) AS taken', [DRAIN_LOCK_KEY]);
        if (rows[0].taken) break;
        if (Date.now() >= giveUpAt) throw new Error(`a drain of the search outbox held its lock for more than ${EXCLUSIVE_WAIT_MS / 60_000} minutes`);
        await setTimeout(EXCLUSIVE_RETRY_MS);
      }
      return work();
    });
  }

  async backlog(maxAttempts: number): Promise<OutboxBacklog> {
    // One pass over a table that drains empty: small unless the sync has stopped.
    const { rows: [row] } = await this.db.raw<{ rows: { pending: number; dead_letters: number }[] }>(
      'SELECT count(*) FILTER (WHERE attempts < :max) AS pending, count(*) FILTER (WHERE attempts >= :max) AS dead_letters FROM search_outbox',
      { max: maxAttempts },
    );
    return { pending: Number(row.pending), deadLetters: Number(row.dead_letters) };
  }
}
