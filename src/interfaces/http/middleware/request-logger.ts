import type { Middleware } from 'koa';
import type { Logger } from '../../../infrastructure/logging/logger';

/**
 * One JSON log line per request, written when the response is complete; the request's logger
 * (see `requestContext`) adds its id. At error for an answer of 5xx, but at warn for a 503: a
 * dependency out of reach, a statement timed out or `/readyz` saying so, whose cause is logged
 * where it is met (a health check asked every ten seconds would otherwise fill the errors).
 */
export function requestLogger(logger: Logger): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const line = {
        method: ctx.method,
        path: loggedPath(ctx.originalUrl).slice(0, 512),
        status: ctx.status,
        ms: Math.round(ms * 10) / 10,
        user_id: ctx.state.user?.sub,
      };
      if (ctx.status === 503) logger.warn(line, 'request');
      else if (ctx.status >= 500) logger.error(line, 'request');
      else logger.info(line, 'request');
    }
  };
}

/** Query parameters whose values look like credentials: no route takes one, but a client may send it. */
const CREDENTIAL_NAME = /pass|token|secret|key|auth|refresh|access|session/i;

/**
 * The request's path and query as logged: the values of credential-like parameters replaced,
 * whether their names are written plainly or percent-encoded (`to%6Ben`).
 */
export function loggedPath(url: string): string {
  const query = url.indexOf('?');
  if (query < 0) return url;
  const tail = url.slice(query);
  if (!CREDENTIAL_NAME.test(tail) && !tail.includes('%')) return url;
  const params = new URLSearchParams(url.slice(query + 1));
  const credentials = [...new Set(params.keys())].filter((name) => CREDENTIAL_NAME.test(name));
  // A query with none (a search typed in Korean, say) is logged as it was sent, not re-encoded.
  if (credentials.length === 0) return url;
  for (const name of credentials) params.set(name, '[redacted]');
  return `${url.slice(0, query)}?${params.toString()}`;
}
