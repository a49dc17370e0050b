import { Redis } from 'ioredis';

export const REDIS = Symbol.for('Redis');

/**
 * Commands fail fast while Redis is unreachable (no offline queue, one retry per request) and
 * the client keeps reconnecting in the background, so the service recovers by itself. Every key
 * carries the deployment's prefix.
 */
export function createRedis(url: string, keyPrefix = ''): Redis {
  return new Redis(url, {
    keyPrefix,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
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
