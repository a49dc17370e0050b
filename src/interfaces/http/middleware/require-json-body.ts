import type { Middleware } from 'koa';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

/** A request that carries a body must send it as JSON; anything else is a 415. */
export function requireJsonBody(): Middleware {
  return async (ctx, next) => {
    const hasBody = Number(ctx.get('Content-Length') || 0) > 0 || ctx.get('Transfer-Encoding') !== '';
    if (WITH_BODY.has(ctx.method) && hasBody && !ctx.is('application/json')) {
      ctx.throw(415);
    }
    await next();
  };
}
