import type { Middleware } from 'koa';
import type { Logger } from '../../../infrastructure/logging/logger';
import { withLogContext } from '../../../infrastructure/logging/log-context';

/**
 * Serves the request with a child logger carrying its id: every line written while handling it,
 * by the routes, the handlers or the adapters, names the request. Goes after `requestId`.
 */
export function requestContext(logger: Logger): Middleware {
  return (ctx, next) => withLogContext(logger.child({ request_id: ctx.state.requestId }), next);
}
