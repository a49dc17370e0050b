import type { Context } from 'koa';
import type { RequestStep } from './request-steps';

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH']);

const hasBody = (ctx: Context): boolean => Number(ctx.get('Content-Length') || 0) > 0 || ctx.get('Transfer-Encoding') !== '';

/** A request that carries a body must send it as JSON; anything else is a 415. */
export function requireJsonBody(): RequestStep {
  return (ctx) => {
    if (WITH_BODY.has(ctx.method) && hasBody(ctx) && !ctx.is('application/json')) ctx.throw(415);
  };
}
