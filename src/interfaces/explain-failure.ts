import { type Config, loadConfig } from '../infrastructure/config/config';
import { loadEnvFile } from '../infrastructure/config/load-env-file';

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  address?: string;
  port?: number;
  cause?: unknown;
}

/**
 * What an operator can act on when a command fails: which dependency could not be reached, at
 * which address, and the setting that names it; the error's own message otherwise. The stack
 * trace only with LOG_LEVEL=debug. The configuration is read from the environment unless given.
 */
export function explainFailure(error: unknown, config: Config | null = configOrNull()): string {
  const e = (error ?? {}) as ErrorLike;
  const reason = rootCode(e) ?? e.message ?? String(error);
  let text = e.message ?? String(error);
  if (e.name === 'MeilisearchRequestError' || e.name === 'MeilisearchRequestTimeOutError') {
    text = `Meilisearch at ${config?.meilisearchUrl ?? 'MEILISEARCH_URL'} did not answer (${reason}); is it running? See MEILISEARCH_URL.`;
  } else if (config && isUnansweredConnection(e)) {
    text = `PostgreSQL at ${hostOf(config.databaseUrl)} took the connection but did not answer in time; is it PostgreSQL, and running? See DATABASE_URL.`;
  } else if (config && isConnectionFailure(e) && matches(e, config.databaseUrl)) {
    text = `PostgreSQL at ${hostOf(config.databaseUrl)} could not be reached (${reason}); is it running? See DATABASE_URL.`;
  } else if (config && (isConnectionFailure(e) || e.name === 'MaxRetriesPerRequestError') && (matches(e, config.redisUrl) || e.name === 'MaxRetriesPerRequestError')) {
    text = `Redis at ${hostOf(config.redisUrl)} could not be reached (${reason}); is it running? See REDIS_URL.`;
  }
  return config?.logLevel === 'debug' && error instanceof Error && error.stack ? `${text}\n${error.stack}` : text;
}

/** The system error code at the bottom of the cause chain (ECONNREFUSED…), if any. */
function rootCode(e: ErrorLike): string | undefined {
  let code: string | undefined;
  for (let current: ErrorLike | undefined = e, depth = 0; current && depth < 5; current = current.cause as ErrorLike | undefined, depth += 1) {
    if (typeof current.code === 'string') code = current.code;
  }
  return code;
}

/** The driver giving up a connection the server took but never answered (paused, or not PostgreSQL), or knex giving up waiting for one. */
function isUnansweredConnection(e: ErrorLike): boolean {
  return /^(Connection terminated due to connection timeout|timeout expired)$/.test(e.message ?? '') || e.name === 'KnexTimeoutError';
}

function isConnectionFailure(e: ErrorLike): boolean {
  return ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN'].includes(e.code ?? '') || e.name === 'AggregateError';
}

/** Whether the error is about the host and port of this URL (or names no address at all). */
function matches(e: ErrorLike, url: string): boolean {
  const { hostname, port } = new URL(url);
  const addresses = [e, ...((e as { errors?: ErrorLike[] }).errors ?? [])];
  return addresses.some((a) => a.port === undefined || String(a.port) === (port || defaultPort(url))) && (!e.address || e.address === hostname || hostname === 'localhost');
}

const defaultPort = (url: string): string => (url.startsWith('redis') ? '6379' : '5432');

function hostOf(url: string): string {
  const { hostname, port } = new URL(url);
  return `${hostname}:${port || defaultPort(url)}`;
}

function configOrNull(): Config | null {
  try {
    loadEnvFile();
    return loadConfig();
  } catch {
    return null;
  }
}
