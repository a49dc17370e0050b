import { bodyParser } from '@koa/bodyparser';
import Router from '@koa/router';
import Koa from 'koa';
import type { AppContainer } from '../../infrastructure/container/create-container';
import { CONFIG } from '../../infrastructure/config/config-token';
import type { Config } from '../../infrastructure/config/config';
import { LOGGER, type Logger } from '../../infrastructure/logging/logger';
import { authenticate } from './middleware/authenticate';
import { problemResponder } from './middleware/problem-responder';
import { requestId } from './middleware/request-id';
import { requestLogger } from './middleware/request-logger';
import { requireJsonBody } from './middleware/require-json-body';
import { ignoreTrailingSlash } from './middleware/trailing-slash';
import { registerAuthRoutes } from './routes/auth-routes';
import { registerHealthRoutes } from './routes/health-routes';
import type { RouteContext } from './routes/route-context';

const ROUTE_MODULES: ReadonlyArray<(context: RouteContext) => void> = [registerHealthRoutes, registerAuthRoutes];

/** Builds the Koa application from a wired container; it does not listen. */
export function createApp({ container }: AppContainer): Koa {
  const config = container.get<Config>(CONFIG);
  const logger = container.get<Logger>(LOGGER);
  const app = new Koa({ proxy: config.trustProxy });
  app.silent = true;

  const router = new Router();
  const context: RouteContext = { router, container, requireAuth: authenticate(config.jwt) };
  for (const register of ROUTE_MODULES) register(context);

  app
    .use(requestId())
    .use(requestLogger(logger))
    .use(problemResponder(logger))
    .use(ignoreTrailingSlash())
    .use(requireJsonBody())
    .use(bodyParser({ enableTypes: ['json'], jsonLimit: config.bodyLimit, jsonStrict: true }))
    .use(router.routes())
    .use(router.allowedMethods());
  return app;
}
