import { inject, injectable } from 'inversify';
import { Counter, Histogram, type Registry } from 'prom-client';
import type { LockLease, LockPort } from '../../application/ports/lock-port';
import { LockBusy, LockLost } from '../../domain/errors';
import { METRICS_REGISTRY } from './metrics-registry';

/** The lock adapter that does the locking; `LOCK_PORT` is this one measured. */
export const MEASURED_LOCK_INNER = Symbol.for('MeasuredLockInner');

/**
 * Measures any lock adapter: how long commands waited for their lock, how many were refused
 * with `lock_busy` after waiting, and how many lost their lock while working.
 */
@injectable()
export class MeasuredLock implements LockPort {
  private readonly wait: Histogram;
  private readonly busy: Counter;
  private readonly lost: Counter;

  constructor(
    @inject(MEASURED_LOCK_INNER) private readonly inner: LockPort,
    @inject(METRICS_REGISTRY) registry: Registry,
  ) {
    this.wait = new Histogram({
      name: 'lock_wait_seconds',
      help: 'Time a command waited for its Redis lock before getting it',
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
    this.busy = new Counter({ name: 'lock_busy_total', help: 'Commands refused with lock_busy: their lock stayed held elsewhere for the whole wait', registers: [registry] });
    this.lost = new Counter({ name: 'lock_lost_total', help: 'Commands that lost their lock while working (its lease could not be extended)', registers: [registry] });
  }

  async withLock<T>(resource: string, work: (lease: LockLease) => Promise<T>): Promise<T> {
    const started = process.hrtime.bigint();
    let acquired = false;
    try {
      return await this.inner.withLock(resource, (lease) => {
        acquired = true;
        this.wait.observe(Number(process.hrtime.bigint() - started) / 1e9);
        return work(lease);
      });
    } catch (error) {
      if (!acquired && error instanceof LockBusy) this.busy.inc();
      if (acquired && error instanceof LockLost) this.lost.inc();
      throw error;
    }
  }
}
