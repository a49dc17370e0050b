import type { Knex } from 'knex';

/**
 * A bound value read through a sub-select, so that the planner does not see it: for prepared
 * reads whose best plan does not depend on their values. Planned with the values, such a read
 * often looked cheaper than its generic plan, and PostgreSQL then planned it anew on every call
 * (`pg_prepared_statements.generic_plans` stayed 0).
 */
export const hiddenFromPlanner = (db: Knex, value: string | number, type: 'bigint' | 'text' | 'date'): Knex.Raw =>
  db.raw(`(select ?::${type})`, [value]);
