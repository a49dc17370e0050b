const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);
// admin_shutdown, crash_shutdown, cannot_connect_now
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03']);
// Meilisearch unreachable, or not answering within the client's timeout.
const ERROR_NAMES = new Set(['KnexTimeoutError', 'MaxRetriesPerRequestError', 'MeilisearchRequestError', 'MeilisearchRequestTimeOutError']);
const MESSAGES = [
  /Connection terminated/i,
  // node-postgres, when a server took the connection but did not answer its start in time.
  /^timeout expired$/,
  /Connection is closed/i,
  /enableOfflineQueue options is false/i,
  /Client has encountered a connection error/i,
  // ioredis, when Redis leaves a command unanswered past the client's command timeout.
  /^Command timed out$/,
  // knex, once its pool is closed (a process stopping): a statement that was waiting for a
  // connection, and one asked for after.
  /^aborted$/,
  /^Unable to acquire a connection$/,
];

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
}

/**
 * Tells whether an error means that PostgreSQL or Redis could not be reached (a 503 the client
 * may retry), as opposed to a fault in the service itself.
 */
export function isDependencyFailure(error: unknown): boolean {
  const e = error as ErrorLike | null;
  if (!e || typeof e !== 'object') return false;
  if (e.name && ERROR_NAMES.has(e.name)) return true;
  if (e.code && (NETWORK_CODES.has(e.code) || POSTGRES_UNAVAILABLE.has(e.code) || e.code.startsWith('08'))) return true;
  return typeof e.message === 'string' && MESSAGES.some((pattern) => pattern.test(e.message as string));
}
