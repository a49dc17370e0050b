import type { Redis } from 'ioredis';
import { Gauge, type Registry } from 'prom-client';

/**
 * Whether each Redis connection of the process is up (1) or down (0), from the client's state
 * at scrape time: no command is sent.
 */
export function registerRedisMetrics(registry: Registry, connections: Readonly<Record<string, Redis>>): void {
  new Gauge({
    name: 'redis_up',
    help: 'Redis connection state: 1 when connected and ready, 0 otherwise',
    labelNames: ['connection'],
    registers: [registry],
    collect() {
      for (const [connection, redis] of Object.entries(connections)) this.set({ connection }, redis.status === 'ready' ? 1 : 0);
    },
  });
}
