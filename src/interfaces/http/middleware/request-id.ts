import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';

/**
 * Ids as tracing systems write them (a UUID, `Root=1-5759e988-…;Sampled=1`, base64 `q1w2+/==`):
 * visible ASCII, no spaces, at most 200 characters. Nothing else is echoed into the answer or
 * the logs.
 */
const ACCEPTABLE_ID = /^[\x21-\x7e]{1,200}$/;

/** Echoes an acceptable client `X-Request-Id`, or assigns a fresh one. */
export function requestId(): Middleware {
  return (ctx, next) => {
    const given = ctx.get('X-Request-Id');
    const id = ACCEPTABLE_ID.test(given) ? given : randomUUID();
    ctx.state.requestId = id;
    ctx.set('X-Request-Id', id);
    return next();
  };
}
