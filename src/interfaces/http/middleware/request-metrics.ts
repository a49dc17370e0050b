import type { Middleware } from 'koa';
import type { HttpMetrics } from '../../../infrastructure/metrics/http-metrics';

/**
 * Times every request and records it under the pattern of the route that served it (set by the
 * router as `_matchedRoute`), never its path; goes outside the error boundary, so the status
 * is the one sent.
 */
export function requestMetrics(metrics: HttpMetrics): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route: unknown = (ctx as { _matchedRoute?: unknown })._matchedRoute;
      metrics.observe({ method: ctx.method, route: typeof route === 'string' ? route : null, status: ctx.status }, Number(process.hrtime.bigint() - started) / 1e9);
    }
  };
}
