import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { RegistrationLookup } from '../../application/ports/registration-lookup';
import type { OfferingKind } from '../../domain/offering-kind';
import { KNEX } from './create-knex';
import { activeRegistrationOf } from './active-registration';
import { hiddenPlaceholder } from './hidden-from-planner';
import { PreparedRead } from './prepared-statement';

/**
 * Which of some items the user holds an active registration for: each id is looked up on its own
 * (see `activeRegistrationOf`), so the cost is bounded by the items asked about. No value bound
 * changes the plan, so PostgreSQL keeps one generic plan instead of planning every call: the ids
 * are one array parameter, hidden from the planner (it estimated a short array cheaper than the
 * generic plan, and planned every call that had one). (Written as `user_id = ? AND item = ANY(?)
 * AND status <> ?`, the lookup was planned anew on every call and read all of the user's
 * registrations.)
 */
@injectable()
export class KnexRegistrationLookup implements RegistrationLookup {
  private readonly lookup: PreparedRead<[OfferingKind, number, readonly number[]]>;

  constructor(@inject(KNEX) db: Knex) {
    this.lookup = new PreparedRead<[OfferingKind, number, readonly number[]]>(db, {
      shape: (kind) => kind,
      build: (kind, userId, itemIds) =>
        db
          .select('wanted.id as item_id')
          .from(db.raw(`unnest(${hiddenPlaceholder('?::bigint[]')}) as wanted(id)`, [[...itemIds]]))
          .joinRaw('cross join ? as active', [activeRegistrationOf(db, kind, userId, 'wanted.id')]),
      values: (_kind, userId, itemIds) => [[...itemIds], userId],
    });
  }

  async activeAmong(kind: OfferingKind, userId: number, itemIds: readonly number[]): Promise<Set<number>> {
    if (itemIds.length === 0) return new Set();
    const rows = await this.lookup.run<{ item_id: number }>(kind, userId, itemIds);
    return new Set(rows.map((row) => row.item_id));
  }

  /** The SQL of one lookup; also for EXPLAIN. */
  query(kind: OfferingKind, userId: number, itemIds: readonly number[]): Knex.QueryBuilder {
    return this.lookup.query(kind, userId, itemIds);
  }
}
