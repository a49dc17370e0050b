import { inject, injectable } from 'inversify';
import type { Redis } from 'ioredis';
import { REGISTRATION_TTL_SECONDS, RebuildAlreadyRunning, type ReindexRegistry } from '../../application/ports/reindex-registry';
import type { OfferingKind } from '../../domain/offering-kind';
import { REDIS } from './create-redis';

// The items changed during a rebuild are kept as long as a rebuild may take.
const CHANGED_TTL_SECONDS = 6 * 3600;

/** Extends, or deletes, the registration only while it is this rebuild's. */
const EXPIRE_IF_OURS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('expire', KEYS[1], ARGV[2]) end return 0`;
const DELETE_IF_OURS = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1], KEYS[2]) end return 0`;

const stagingKey = (kind: OfferingKind) => `search:reindex:${kind}:staging`;
const changedKey = (kind: OfferingKind) => `search:reindex:${kind}:changed`;

@injectable()
export class RedisReindexRegistry implements ReindexRegistry {
  constructor(@inject(REDIS) private readonly redis: Redis) {}

  async start(kind: OfferingKind, stagingIndex: string): Promise<void> {
    const registered = await this.redis.set(stagingKey(kind), stagingIndex, 'EX', REGISTRATION_TTL_SECONDS, 'NX');
    if (registered !== 'OK') throw new RebuildAlreadyRunning(kind, (await this.redis.get(stagingKey(kind))) ?? 'another index');
    await this.redis.del(changedKey(kind));
  }

  async keepAlive(kind: OfferingKind, stagingIndex: string): Promise<void> {
    await this.redis.eval(EXPIRE_IF_OURS, 1, stagingKey(kind), stagingIndex, REGISTRATION_TTL_SECONDS);
  }

  async stagingIndex(kind: OfferingKind): Promise<string | null> {
    return this.redis.get(stagingKey(kind));
  }

  async recordChanged(kind: OfferingKind, ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.multi().sadd(changedKey(kind), ...ids.map(String)).expire(changedKey(kind), CHANGED_TTL_SECONDS).exec();
  }

  async takeChanged(kind: OfferingKind): Promise<number[]> {
    const [[, members]] = (await this.redis.multi().smembers(changedKey(kind)).del(changedKey(kind)).exec()) as [[Error | null, string[]]];
    return members.map(Number);
  }

  async finish(kind: OfferingKind, stagingIndex: string): Promise<void> {
    await this.redis.eval(DELETE_IF_OURS, 2, stagingKey(kind), changedKey(kind), stagingIndex);
  }
}
