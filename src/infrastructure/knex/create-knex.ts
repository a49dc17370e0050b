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
  /**
   * With a statement timeout: how long after it a statement PostgreSQL has not answered is given
   * up (see `cutUnansweredStatements`).
   */
  readonly unansweredGraceMs?: number;
}

/** How long PostgreSQL is given, past `statement_timeout`, to report a statement it stopped. */
const UNANSWERED_GRACE_MS = 5_000;
const MAX_TIMER_MS = 2_147_483_647;

/**
 * JIT compilation is off for every connection: PostgreSQL compiles a query whose estimated cost
 * crosses `jit_above_cost`, which a bounded catalogue read's estimate does (its walk is costed as
 * if it read the whole index), and the compilation alone took 40–80 ms for reads that run in a
 * few milliseconds. The session's time zone is UTC whatever the server's or the database's is, so
 * that dates and instants mean the same on every deployment (and arrive as `+00`).
 */
const SESSION_OPTIONS = '-c jit=off -c timezone=UTC';

export function createKnex(databaseUrl: string, poolMax: number, { log, statementTimeoutMs, workMem, unansweredGraceMs = UNANSWERED_GRACE_MS }: KnexOptions = {}): Knex {
  // Node's timers take at most 2^31 - 1 ms (a longer one fires at once): beyond, no deadline.
  const unansweredAfterMs = statementTimeoutMs && statementTimeoutMs + unansweredGraceMs <= MAX_TIMER_MS ? statementTimeoutMs + unansweredGraceMs : null;
  return knex({
    client: 'pg',
    connection: {
      connectionString: databaseUrl,
      options: workMem ? `${SESSION_OPTIONS} -c work_mem=${workMem}` : SESSION_OPTIONS,
      ...(statementTimeoutMs ? { statement_timeout: statementTimeoutMs } : {}),
      // A server that takes the connection and never answers it would hold a pool's creation.
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    },
    pool: {
      min: 0,
      max: poolMax,
      afterCreate: (connection: DriverConnection, done: (error: Error | null, connection: DriverConnection) => void) => {
        if (unansweredAfterMs) cutUnansweredStatements(connection, unansweredAfterMs);
        done(null, connection);
      },
    },
    acquireConnectionTimeout: 10_000,
    log: knexLog(log ?? FIRST_LINES_TO_STDERR),
  });
}

/**
 * How long opening a connection may take before it is given up (the driver's
 * `connectionTimeoutMillis`): less than knex's wait for a connection (10 s), so that the driver's
 * error, which says why, comes first.
 */
const CONNECT_TIMEOUT_MS = 5_000;

/** What `cutUnansweredStatements` needs of the driver's client (knex sends statements with a callback, prepared reads without). */
interface DriverConnection {
  query(...args: unknown[]): unknown;
  readonly connection: { readonly stream: { destroy(): void } };
}

/**
 * `statement_timeout` is applied by PostgreSQL: a server that does not answer at all (paused, or
 * cut off by the network with its connections left open) never applies it, and a statement would
 * wait forever, holding its request and its pooled connection. A statement left unanswered past
 * `deadlineMs` has its connection cut: it fails as a lost connection does (a 503
 * `dependency_unavailable`), and knex, which marks a connection that ended as disposed, has the
 * pool open a new one. (The driver's own `query_timeout` fails the statement but leaves the
 * connection waiting for its answer, and the pool would hand it out again.) The driver's arguments
 * are passed on as they came; a statement the driver refuses at once leaves no deadline behind.
 */
function cutUnansweredStatements(client: DriverConnection, deadlineMs: number): void {
  const send = client.query.bind(client);
  client.query = (...args: unknown[]) => {
    const deadline = setTimeout(() => client.connection.stream.destroy(), deadlineMs);
    const answered = () => clearTimeout(deadline);
    const callback = args.at(-1);
    if (typeof callback === 'function') {
      args[args.length - 1] = (...answer: unknown[]) => {
        answered();
        (callback as (...answer: unknown[]) => void)(...answer);
      };
    }
    let sent: unknown;
    try {
      sent = send(...args);
    } catch (error) {
      answered();
      throw error;
    }
    if (sent instanceof Promise) sent.then(answered, answered);
    else if (typeof callback !== 'function') answered();
    return sent;
  };
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
