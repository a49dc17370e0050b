import { inject, injectable } from 'inversify';
import type { Redis } from 'ioredis';
import type { ReindexRegistry } from '../../application/ports/reindex-registry';
import type { OfferingKind } from '../../domain/offering-kind';
import { REDIS } from './create-redis';

// A rebuild that dies without finishing must not leave the sync writing to a dead index forever.
const TTL_SECONDS = 6 * 3600;

const stagingKey = (kind: OfferingKind) => `search:reindex:${kind}:staging`;
const changedKey = (kind: OfferingKind) => `search:reindex:${kind}:changed`;

@injectable()
export class RedisReindexRegistry implements ReindexRegistry {
  constructor(@inject(REDIS) private readonly redis: Redis) {}

  async start(kind: OfferingKind, stagingIndex: string): Promise<void> {
    await this.redis.multi().del(changedKey(kind)).set(stagingKey(kind), stagingIndex, 'EX', TTL_SECONDS).exec();
  }

  async stagingIndex(kind: OfferingKind): Promise<string | null> {
    return this.redis.get(stagingKey(kind));
  }

  async recordChanged(kind: OfferingKind, ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.redis.multi().sadd(changedKey(kind), ...ids.map(String)).expire(changedKey(kind), TTL_SECONDS).exec();
  }

  async takeChanged(kind: OfferingKind): Promise<number[]> {
    const [[, members]] = (await this.redis.multi().smembers(changedKey(kind)).del(changedKey(kind)).exec()) as [[Error | null, string[]]];
    return members.map(Number);
  }

  async finish(kind: OfferingKind): Promise<void> {
    await this.redis.del(stagingKey(kind), changedKey(kind));
  }
}
