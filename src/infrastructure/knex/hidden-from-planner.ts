import type { Knex } from 'knex';

/**
 * Bound values read through a sub-select, so that the planner does not see them: for prepared
 * reads whose best plan does not depend on their values. Planned with the values, such a read
 * often looked cheaper than its generic plan, and PostgreSQL then planned it anew on every call
 * (`pg_prepared_statements.generic_plans` stayed 0).
 */

/** A placeholder such as `?::bigint`, hidden, for SQL written as text. */
export const hiddenPlaceholder = (placeholder: string): string => `(select ${placeholder})`;

/** One value, hidden, as a raw fragment for the query builder. */
export const hiddenFromPlanner = (db: Knex, value: string | number, type: 'bigint' | 'text' | 'date'): Knex.Raw =>
  db.raw(hiddenPlaceholder(`?::${type}`), [value]);
