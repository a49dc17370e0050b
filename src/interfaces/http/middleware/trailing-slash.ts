import type { Middleware } from 'koa';

/**
 * Paths are documented with a trailing slash and must behave identically without it: routes
 * are declared without the slash and the slash is dropped before routing (no redirect).
 */
export function ignoreTrailingSlash(): Middleware {
  return async (ctx, next) => {
    if (ctx.path.length > 1 && ctx.path.endsWith('/')) ctx.path = ctx.path.replace(/\/+$/, '') || '/';
    await next();
  };
}
