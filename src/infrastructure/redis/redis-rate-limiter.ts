import { inject, injectable } from 'inversify';
import type { Redis } from 'ioredis';
import type { RateLimiter, RateLimitState } from '../../application/ports/rate-limiter';
import { DependencyUnavailable } from '../../domain/errors';
import { REDIS, isAnswering } from './create-redis';

const PREFIX = 'rate:';

// INCR and set the window's expiry on the first hit, atomically.
const HIT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return {count, redis.call('TTL', KEYS[1])}`;

// DECR only an existing, positive counter, keeping its expiry.
const RELEASE = `
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
if count > 0 then redis.call('DECR', KEYS[1]) end
return count`;

@injectable()
export class RedisRateLimiter implements RateLimiter {
  constructor(@inject(REDIS) private readonly redis: Redis) {}

  async hit(key: string, limit: number, windowSeconds: number): Promise<RateLimitState> {
    // A limit that lets requests through without Redis does so at once, not after a timeout.
    if (!isAnswering(this.redis)) throw new DependencyUnavailable('The rate limiter is unavailable.');
    const [count, ttl] = (await this.redis.eval(HIT, 1, PREFIX + key, windowSeconds)) as [number, number];
    return state(count > limit, ttl);
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(PREFIX + key);
  }

  async release(key: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, PREFIX + key);
  }

  async note(key: string, seconds: number): Promise<void> {
    await this.redis.set(PREFIX + key, '1', 'EX', seconds);
  }

  async isNoted(key: string): Promise<boolean> {
    return (await this.redis.exists(PREFIX + key)) === 1;
  }
}

function state(blocked: boolean, ttl: number): RateLimitState {
  return { blocked, retryAfterSeconds: blocked ? Math.max(ttl, 1) : 0 };
}
