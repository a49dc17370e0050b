import type { Knex } from 'knex';
import type { OfferingKind } from '../../domain/offering-kind';
import { OFFERING_TABLES } from './offering-tables';

/**
 * `LATERAL (…)`: a row (`one`) where the user holds an active (not cancelled) registration for
 * the item whose id `itemId` names (SQL of the enclosing query), none otherwise. It reads the
 * partial unique index of active registrations (user, item) for that one item, so its cost is
 * bounded however many registrations the user has; the status is a literal, which the index's
 * predicate must match.
 */
export function activeRegistrationOf(db: Knex, kind: OfferingKind, userId: number, itemId: string): Knex.Raw {
  const { registrations, itemColumn } = OFFERING_TABLES[kind];
  return db.raw(`lateral (select 1 as one from ?? as r where r.user_id = ? and r.?? = ${itemId} and r.status <> 'cancelled' limit 1)`, [registrations, userId, itemColumn]);
}

/**
 * The rows of `rows` with `is_registered`: whether the user holds an active registration for the
 * row's item, whose id `itemId` names (see `activeRegistrationOf`).
 */
export function withActiveRegistrationOf(db: Knex, rows: Knex.QueryBuilder, kind: OfferingKind, userId: number, itemId: string): Knex.QueryBuilder {
  return rows.select(db.raw('active.one IS NOT NULL AS is_registered')).joinRaw('LEFT JOIN ? AS active ON true', [activeRegistrationOf(db, kind, userId, itemId)]);
}
