import { inject, injectable } from 'inversify';
import { Histogram, type Registry } from 'prom-client';
import { METRICS_REGISTRY } from './metrics-registry';

/** The label of requests that matched no route: their paths never become labels. */
export const UNMATCHED_ROUTE = 'unmatched';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export interface ServedRequest {
  readonly method: string;
  /** The pattern of the route that served it (`/api/tests/:id`), null when none matched. */
  readonly route: string | null;
  readonly status: number;
}

/**
 * Request latency by method, route pattern and status class. Every label has a bounded set of
 * values whatever clients send: patterns, not paths; known methods; classes, not statuses.
 */
@injectable()
export class HttpMetrics {
  private readonly duration: Histogram<'method' | 'route' | 'status_class'>;

  constructor(@inject(METRICS_REGISTRY) registry: Registry) {
    this.duration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'Time to answer an HTTP request, by method, route pattern and status class',
      labelNames: ['method', 'route', 'status_class'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    });
  }

  observe({ method, route, status }: ServedRequest, seconds: number): void {
    this.duration.observe(
      { method: METHODS.has(method) ? method : 'OTHER', route: route ?? UNMATCHED_ROUTE, status_class: `${Math.floor(status / 100)}xx` },
      seconds,
    );
  }
}
