import type { Context, Middleware } from 'koa';

/** A synchronous check or adjustment of a request before routing; it refuses a request by throwing. */
export type RequestStep = (ctx: Context) => void;

/**
 * Runs synchronous steps in order as one middleware: each would otherwise cost the request an
 * asynchronous function and its promise in the middleware chain.
 */
export function requestSteps(...steps: readonly RequestStep[]): Middleware {
  return (ctx, next) => {
    for (const step of steps) step(ctx);
    return next();
  };
}
