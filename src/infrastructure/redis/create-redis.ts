import { Redis } from 'ioredis';

export const REDIS = Symbol.for('Redis');

/**
 * Commands fail fast while Redis is unreachable (no offline queue, one retry per request) and
 * the client keeps reconnecting in the background, so the service recovers by itself.
 */
export function createRedis(url: string): Redis {
  return new Redis(url, {
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2_000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
  });
}
