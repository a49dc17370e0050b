import { Redis } from 'ioredis';

export const REDIS = Symbol.for('Redis');

/**
 * How long a command may go unanswered. A Redis that stops answering without closing its
 * connections (paused, partitioned away, failing over) leaves the client connected: without
 * this bound every command, and every request waiting on one, would wait as long as it does.
 * Commands take well under a millisecond; a second is room for a loaded event loop.
 */
export const REDIS_COMMAND_TIMEOUT_MS = 1_000;

/**
 * How long after a command went unanswered (its timeout) Redis is taken as not answering, unless
 * a command is answered meanwhile: what can do without Redis (read limits, kept counts) does so
 * then, rather than each of its commands waiting out the timeout; the first to ask after this is
 * sent again, and finds whether Redis answers.
 */
const UNANSWERING_FOR_MS = 2_000;

/** When each client's last command went unanswered, until one is answered. */
const lastUnanswered = new WeakMap<Redis, number>();

/** A client that notes when Redis leaves its commands unanswered (see `isAnswering`). */
class WatchedRedis extends Redis {
  override sendCommand(...args: Parameters<Redis['sendCommand']>): unknown {
    const [command] = args;
    command.promise.then(
      () => lastUnanswered.delete(this),
      (error: unknown) => {
        if ((error as Error | null)?.message === COMMAND_TIMED_OUT) lastUnanswered.set(this, Date.now());
      },
    );
    return super.sendCommand(...args);
  }
}

/** What ioredis rejects a command with when it went unanswered past `commandTimeout`. */
const COMMAND_TIMED_OUT = 'Command timed out';

/**
 * Whether Redis may be asked: the client is connected, and no command went unanswered in the
 * last two seconds without one being answered since. Where Redis is optional, a caller passes by
 * it when not.
 */
export function isAnswering(redis: Redis): boolean {
  if (redis.status !== 'ready') return false;
  const unanswered = lastUnanswered.get(redis);
  return unanswered === undefined || Date.now() - unanswered >= UNANSWERING_FOR_MS;
}

/**
 * Commands fail fast while Redis is unreachable or unresponsive (no offline queue, one retry per
 * request, a bound on each command's wait) and the client keeps reconnecting in the background,
 * so the service recovers by itself. Every key carries the deployment's prefix.
 */
export function createRedis(url: string, keyPrefix = ''): Redis {
  return new WatchedRedis(url, {
    keyPrefix,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: REDIS_COMMAND_TIMEOUT_MS,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}

/**
 * Waits until the client is connected, at most `timeoutMs`. Without an offline queue, commands
 * sent before the first connection would fail; a Redis that is down at start is not waited for
 * longer, since the reads that need no Redis should be served meanwhile.
 */
export async function waitForRedis(redis: Redis, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off('ready', onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once('ready', onReady);
  });
}

/**
 * Throws unless the client works in the database its URL names. Redis refuses to select a
 * database past its `databases` setting, and the client then goes on in database 0, where the
 * throttles, caches, locks and queues of the deployment would not be where its other processes
 * look for them. Servers older than 6.2 cannot say (no `CLIENT INFO`) and are trusted.
 */
export async function assertSelectedDatabase(redis: Redis): Promise<void> {
  const wanted = redis.options.db ?? 0;
  if (wanted === 0) return;
  const info = await (redis.call('CLIENT', 'INFO') as Promise<string>).catch(() => null);
  const selected = info === null ? null : Number(/\bdb=(\d+)/.exec(info)?.[1]);
  if (selected !== null && selected !== wanted) {
    throw new Error(`REDIS_URL names database ${wanted}, which this Redis does not have (its databases setting is lower); the client is on database ${selected}`);
  }
}
