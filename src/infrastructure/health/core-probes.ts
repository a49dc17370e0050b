import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { assertSelectedDatabase } from '../redis/create-redis';
import type { DependencyProbe } from './dependency-probe';

export function postgresProbe(db: Knex): DependencyProbe {
  return { name: 'postgres', check: async () => void (await db.raw('SELECT 1')) };
}

export function redisProbe(redis: Redis): DependencyProbe {
  return {
    name: 'redis',
    check: async () => {
      await redis.ping();
      await assertSelectedDatabase(redis);
    },
  };
}
