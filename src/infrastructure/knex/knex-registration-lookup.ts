import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { RegistrationLookup } from '../../application/ports/registration-lookup';
import type { OfferingKind } from '../../domain/offering-kind';
import { KNEX } from './create-knex';
import { OFFERING_TABLES } from './offering-tables';
import { runPrepared } from './prepared-statement';

/** One prepared query per page, on the partial unique index of active registrations (user, item). */
@injectable()
export class KnexRegistrationLookup implements RegistrationLookup {
  constructor(@inject(KNEX) private readonly db: Knex) {}

  async activeAmong(kind: OfferingKind, userId: number, itemIds: readonly number[]): Promise<Set<number>> {
    if (itemIds.length === 0) return new Set();
    const rows = await runPrepared<{ item_id: number }>(this.db, this.query(kind, userId, itemIds));
    return new Set(rows.map((row) => row.item_id));
  }

  /** The SQL of one lookup; also for EXPLAIN. */
  query(kind: OfferingKind, userId: number, itemIds: readonly number[]): Knex.QueryBuilder {
    const { registrations, itemColumn } = OFFERING_TABLES[kind];
    return this.db(registrations)
      .select(`${itemColumn} as item_id`)
      .where('user_id', userId)
      // One array parameter, so that every page size shares one prepared statement.
      .whereRaw(`${itemColumn} = ANY(?::bigint[])`, [[...itemIds]])
      .whereNot('status', 'cancelled');
  }
}
