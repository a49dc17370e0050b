import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Runs a query as a named prepared statement: each pooled connection parses and plans it once,
 * then only binds values, which roughly halves PostgreSQL's work for the small, frequent reads.
 * A reused plan is generic, so this is only for queries whose best plan does not depend on the
 * values bound: lookups by key, and lists without full-text search or range filters.
 */
export async function runPrepared<Row>(db: Knex, query: Knex.QueryBuilder): Promise<Row[]> {
  const { sql, bindings } = query.toSQL();
  const result: { rows: Row[] } = await db.raw(sql, bindings).options({ name: statementName(sql) });
  return result.rows;
}

/** The service's queries come in a bounded number of shapes; this only guards against surprises. */
const MAX_REMEMBERED_NAMES = 1_000;
const names = new Map<string, string>();

/** One name per distinct SQL text, as PostgreSQL requires of a connection's named statements. */
function statementName(sql: string): string {
  let name = names.get(sql);
  if (!name) {
    if (names.size >= MAX_REMEMBERED_NAMES) names.clear();
    name = `q_${createHash('sha1').update(sql).digest('base64url')}`;
    names.set(sql, name);
  }
  return name;
}
