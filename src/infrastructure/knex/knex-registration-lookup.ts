import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { RegistrationLookup } from '../../application/ports/registration-lookup';
import type { OfferingKind } from '../../domain/offering-kind';
import { KNEX } from './create-knex';
import { OFFERING_TABLES } from './offering-tables';
import { PreparedRead } from './prepared-statement';

/** One prepared query per page, on the partial unique index of active registrations (user, item). */
@injectable()
export class KnexRegistrationLookup implements RegistrationLookup {
  private readonly lookup: PreparedRead<[OfferingKind, number, readonly number[]]>;

  constructor(@inject(KNEX) db: Knex) {
    this.lookup = new PreparedRead<[OfferingKind, number, readonly number[]]>(db, {
      shape: (kind) => kind,
      build: (kind, userId, itemIds) => {
        const { registrations, itemColumn } = OFFERING_TABLES[kind];
        return db(registrations)
          .select(`${itemColumn} as item_id`)
          .where('user_id', userId)
          // One array parameter, so that every page size shares one prepared statement.
          .whereRaw(`${itemColumn} = ANY(?::bigint[])`, [[...itemIds]])
          .whereNot('status', 'cancelled');
      },
      values: (_kind, userId, itemIds) => [userId, [...itemIds], 'cancelled'],
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
