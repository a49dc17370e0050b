import { createHash } from 'node:crypto';
import type { Knex } from 'knex';

/**
 * Runs a query as a named prepared statement: each pooled connection parses and plans it once,
 * then only binds values, which roughly halves PostgreSQL's work for the small, frequent reads.
 * A reused plan is generic, so this is only for queries whose best plan does not depend on the
 * values bound: lookups by key, the catalogue's statistics, the bounds of a status at an instant.
 */
export async function runPrepared<Row>(db: Knex, query: Knex.QueryBuilder | Knex.Raw): Promise<Row[]> {
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

interface PgConnection {
  query<Row>(config: { readonly name: string; readonly text: string; readonly values: readonly unknown[] }): Promise<{ rows: Row[] }>;
}

/** How a `PreparedRead` is made: its SQL by shape, built once, and each call's values. */
export interface PreparedReadSpec<Args extends readonly unknown[]> {
  /** What the SQL depends on (the table, the sort, whether a cursor is given…), as a key. */
  readonly shape: (...args: Args) => string;
  /** The query builder's query for these arguments: run once per shape, to get its SQL. */
  readonly build: (...args: Args) => Knex.QueryBuilder;
  /** The values bound, in the order the builder places them (checked when a shape is built). */
  readonly values: (...args: Args) => readonly unknown[];
}

/**
 * A read on the hot path as a named prepared statement whose SQL is built once per shape, not on
 * every call: each call only binds its values and runs on a pooled connection directly. Like
 * `runPrepared`, only for queries whose best plan does not depend on the values bound.
 */
export class PreparedRead<Args extends readonly unknown[]> {
  private readonly statements = new Map<string, { readonly name: string; readonly text: string }>();

  constructor(
    private readonly db: Knex,
    private readonly spec: PreparedReadSpec<Args>,
  ) {}

  async run<Row>(...args: Args): Promise<Row[]> {
    const shape = this.spec.shape(...args);
    const statement = this.statements.get(shape) ?? this.compile(shape, args);
    const connection = (await this.db.client.acquireConnection()) as PgConnection;
    try {
      return (await connection.query<Row>({ ...statement, values: this.spec.values(...args) })).rows;
    } finally {
      this.db.client.releaseConnection(connection);
    }
  }

  /** The SQL of one call, as the query builder writes it; also for EXPLAIN. */
  query(...args: Args): Knex.QueryBuilder {
    return this.spec.build(...args);
  }

  private compile(shape: string, args: Args): { readonly name: string; readonly text: string } {
    const { sql, bindings } = this.spec.build(...args).toSQL().toNative();
    const values = this.spec.values(...args);
    // The values must be the builder's, in its order: a mismatch is a programming error.
    if (JSON.stringify(bindings) !== JSON.stringify(values)) {
      throw new Error(`prepared read "${shape}": values ${JSON.stringify(values)} differ from the query's ${JSON.stringify(bindings)}`);
    }
    const statement = { name: statementName(sql), text: sql };
    this.statements.set(shape, statement);
    return statement;
  }
}
