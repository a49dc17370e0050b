import knex, { type Knex } from 'knex';
import pg from 'pg';

export const KNEX = Symbol.for('Knex');

// bigint ids and counts fit a JS number for every value this service stores; numeric (money)
// stays a string so that it is never rounded through a float.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));

/** Where knex reports (a lost connection, a deprecation); by default it would print to the console. */
export interface KnexLog {
  warn(message: string): void;
  error(message: string): void;
}

export interface KnexOptions {
  readonly log?: KnexLog;
  /** Every statement on these connections is stopped after this long (PostgreSQL's statement_timeout). */
  readonly statementTimeoutMs?: number;
}

export function createKnex(databaseUrl: string, poolMax: number, { log, statementTimeoutMs }: KnexOptions = {}): Knex {
  return knex({
    client: 'pg',
    connection: statementTimeoutMs ? { connectionString: databaseUrl, statement_timeout: statementTimeoutMs } : databaseUrl,
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
    ...(log
      ? { log: { warn: (m: string) => log.warn(m), error: (m: string) => log.error(m), deprecate: (m: string) => log.warn(m), debug: () => undefined } }
      : {}),
  });
}
