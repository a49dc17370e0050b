import type { Knex } from 'knex';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** The parts of knex's connection pool (tarn) the metrics read. */
interface ObservablePool {
  readonly max: number;
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  on(event: 'acquireRequest', listener: (eventId: number) => void): void;
  on(event: 'acquireSuccess' | 'acquireFail', listener: (eventId: number) => void): void;
}

function observablePool(db: Knex): ObservablePool | null {
  const pool = db.client.pool as Partial<ObservablePool> | undefined;
  return pool && typeof pool.numUsed === 'function' && typeof pool.on === 'function' ? (pool as ObservablePool) : null;
}

/**
 * PostgreSQL pool use, read from knex's pool at scrape time (connections in use and idle,
 * requests waiting for one), and how long each request waited for its connection (from the
 * pool's events), with the waits that ran out.
 */
export function registerDatabasePoolMetrics(registry: Registry, db: Knex): void {
  const pool = observablePool(db);
  if (!pool) return;
  new Gauge({
    name: 'db_pool_connections',
    help: 'PostgreSQL connections of the pool: in use, idle, and the most it opens',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const current = observablePool(db);
      if (!current) return;
      this.set({ state: 'used' }, current.numUsed());
      this.set({ state: 'free' }, current.numFree());
      this.set({ state: 'max' }, current.max);
    },
  });
  new Gauge({
    name: 'db_pool_pending_acquires',
    help: 'Queries waiting for a PostgreSQL connection from the pool',
    registers: [registry],
    collect() {
      this.set(observablePool(db)?.numPendingAcquires() ?? 0);
    },
  });
  const wait = new Histogram({
    name: 'db_pool_acquire_wait_seconds',
    help: 'Time a query waited for a PostgreSQL connection from the pool',
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
    registers: [registry],
  });
  const failures = new Counter({
    name: 'db_pool_acquire_failures_total',
    help: 'Queries that got no PostgreSQL connection (the wait ran out, or none could be opened)',
    registers: [registry],
  });
  const started = new Map<number, bigint>();
  pool.on('acquireRequest', (eventId) => started.set(eventId, process.hrtime.bigint()));
  pool.on('acquireSuccess', (eventId) => {
    const since = started.get(eventId);
    started.delete(eventId);
    if (since !== undefined) wait.observe(Number(process.hrtime.bigint() - since) / 1e9);
  });
  pool.on('acquireFail', (eventId) => {
    started.delete(eventId);
    failures.inc();
  });
}
