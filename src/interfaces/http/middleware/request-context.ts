import type { Middleware } from 'koa';
import { withLogContext } from '../../../infrastructure/logging/log-context';

/**
 * Serves the request in a log context carrying its id: every line written while handling it,
 * by the routes, the handlers or the adapters, names the request. Goes after `requestId`.
 */
export function requestContext(): Middleware {
  return (ctx, next) => withLogContext({ request_id: ctx.state.requestId }, next);
}
