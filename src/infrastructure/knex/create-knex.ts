import knex, { type Knex } from 'knex';
import pg from 'pg';
import { parseTimestamptz } from './timestamptz-parser';

export const KNEX = Symbol.for('Knex');

// bigint ids and counts fit a JS number for every value this service stores; numeric (money)
// stays a string so that it is never rounded through a float.
pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
/** The driver's own reading of a timestamptz, kept for the forms the faster parser leaves to it. */
export const driverTimestamptzParser: (text: string) => unknown = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ);
pg.types.setTypeParser(pg.types.builtins.TIMESTAMPTZ, (text: string) => parseTimestamptz(text, driverTimestamptzParser));

/** Where knex reports (a lost connection, a deprecation); by default it would print to the console. */
export interface KnexLog {
  warn(message: string): void;
  error(message: string): void;
}

export interface KnexOptions {
  readonly log?: KnexLog;
  /** Every statement on these connections is stopped after this long (PostgreSQL's statement_timeout). */
  readonly statementTimeoutMs?: number;
  /**
   * PostgreSQL's `work_mem` on these connections. A search's bitmap over a large table needs
   * room for one entry per table page: beyond `work_mem` it turns lossy, and every row of its
   * lossy pages is tested again (measured at five million items: 1.6 s instead of 0.3 s).
   */
  readonly workMem?: string;
}

/**
 * JIT compilation is off for every connection: PostgreSQL compiles a query whose estimated cost
 * crosses `jit_above_cost`, which a bounded catalogue read's estimate does (its walk is costed as
 * if it read the whole index), and the compilation alone took 40–80 ms for reads that run in a
 * few milliseconds. The session's time zone is UTC whatever the server's or the database's is, so
 * that dates and instants mean the same on every deployment (and arrive as `+00`).
 */
const SESSION_OPTIONS = '-c jit=off -c timezone=UTC';

export function createKnex(databaseUrl: string, poolMax: number, { log, statementTimeoutMs, workMem }: KnexOptions = {}): Knex {
  return knex({
    client: 'pg',
    connection: {
      connectionString: databaseUrl,
      options: workMem ? `${SESSION_OPTIONS} -c work_mem=${workMem}` : SESSION_OPTIONS,
      ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
    },
    pool: { min: 0, max: poolMax },
    acquireConnectionTimeout: 10_000,
    log: knexLog(log ?? FIRST_LINES_TO_STDERR),
  });
}

/** The first line of a driver's message, without the stack trace that follows it. */
export const firstLine = (text: string): string => text.split('\n', 1)[0];

/** Without a logger of the service's, knex's messages go to stderr, their first line only. */
const FIRST_LINES_TO_STDERR: KnexLog = {
  warn: (message) => void process.stderr.write(`${firstLine(message)}\n`),
  error: (message) => void process.stderr.write(`${firstLine(message)}\n`),
};

/**
 * Knex's messages to `log`, but for a connection it could not acquire: knex reports that with its
 * stack, and also rejects the statement that asked for it, whose caller says what to fix
 * (`explainFailure`, or a 503 `dependency_unavailable`), so the message would only repeat it.
 */
function knexLog(log: KnexLog): Knex.Config['log'] {
  const warn = (message: string) => {
    if (!message.startsWith('Acquire connection error')) log.warn(message);
  };
  return { warn, error: (message: string) => log.error(message), deprecate: warn, debug: () => undefined };
}
