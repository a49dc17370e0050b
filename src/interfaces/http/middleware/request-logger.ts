import type { Middleware } from 'koa';
import type { Logger } from '../../../infrastructure/logging/logger';

/**
 * One JSON log line per request, written when the response is complete; the request's logger
 * (see `requestContext`) adds its id.
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
        path: ctx.originalUrl.slice(0, 512),
        status: ctx.status,
        ms: Math.round(ms * 10) / 10,
        user_id: ctx.state.user?.sub,
      };
      if (ctx.status >= 500) logger.error(line, 'request');
      else logger.info(line, 'request');
    }
  };
}
