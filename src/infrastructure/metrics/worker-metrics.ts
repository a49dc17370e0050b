import type { Queue, Worker } from 'bullmq';
import { inject, injectable } from 'inversify';
import { Counter, Gauge, type Registry } from 'prom-client';
import { SEARCH_SYNC_POLICY, type SearchSyncPolicy } from '../../application/commands/sync-search-index/sync-search-index-handler';
import { SEARCH_OUTBOX, type SearchOutbox } from '../../application/ports/search-outbox';
import { METRICS_REGISTRY } from './metrics-registry';
import { withinScrapeTimeout } from './scrape-timeout';

/** The job states counted in each queue. */
const JOB_STATES = ['waiting', 'prioritized', 'active', 'delayed', 'failed'] as const;

/**
 * What the worker process exposes: the jobs of each queue by state and the search outbox's
 * backlog, counted at scrape time (one Redis call per queue, one query), and the jobs its
 * workers completed and failed.
 */
@injectable()
export class WorkerMetrics {
  private readonly queues: Queue[] = [];
  private readonly jobs: Counter<'queue' | 'outcome'>;

  constructor(
    @inject(METRICS_REGISTRY) registry: Registry,
    @inject(SEARCH_OUTBOX) outbox: SearchOutbox,
    @inject(SEARCH_SYNC_POLICY) policy: SearchSyncPolicy,
  ) {
    const queues = this.queues;
    new Gauge({
      name: 'bullmq_queue_jobs',
      help: 'Jobs in each BullMQ queue by state (failed: kept for inspection)',
      labelNames: ['queue', 'state'],
      registers: [registry],
      async collect() {
        this.reset();
        const counts = await Promise.all(queues.map((queue) => withinScrapeTimeout(() => jobCounts(queue))));
        queues.forEach((queue, i) => {
          const count = counts[i];
          if (count) for (const state of JOB_STATES) this.set({ queue: queue.name, state }, count[state] ?? 0);
        });
      },
    });
    new Gauge({
      name: 'search_outbox_entries',
      help: 'Search outbox entries: pending (still to reach the index) and dead_letter (refused SEARCH_SYNC_MAX_ATTEMPTS times)',
      labelNames: ['state'],
      registers: [registry],
      async collect() {
        this.reset();
        const backlog = await withinScrapeTimeout(() => outbox.backlog(policy.maxAttempts));
        if (!backlog) return;
        this.set({ state: 'pending' }, backlog.pending);
        this.set({ state: 'dead_letter' }, backlog.deadLetters);
      },
    });
    this.jobs = new Counter({
      name: 'bullmq_jobs_total',
      help: 'Jobs this worker process finished, by queue and outcome (completed, failed)',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    });
  }

  /** Counts the queue's jobs and those its worker finishes. */
  watch(queue: Queue, worker: Worker): void {
    this.queues.push(queue);
    for (const outcome of ['completed', 'failed'] as const) this.jobs.inc({ queue: queue.name, outcome }, 0);
    worker.on('completed', () => this.jobs.inc({ queue: queue.name, outcome: 'completed' }));
    worker.on('failed', () => this.jobs.inc({ queue: queue.name, outcome: 'failed' }));
  }
}

/** Null while the queue's Redis connection is down: its commands would wait for it to return. */
async function jobCounts(queue: Queue): Promise<Record<string, number> | null> {
  const client = await queue.getBackend().client;
  if (client.status !== 'ready') return null;
  return queue.getJobCounts(...JOB_STATES);
}
