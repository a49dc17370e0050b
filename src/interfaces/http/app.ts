import Router from '@koa/router';
import type { Container } from 'inversify';
import Koa, { type Middleware } from 'koa';
import type { AppContainer } from '../../infrastructure/container/create-container';
import { CONFIG } from '../../infrastructure/config/config-token';
import type { Config } from '../../infrastructure/config/config';
import { LOGGER, type Logger } from '../../infrastructure/logging/logger';
import { HttpMetrics } from '../../infrastructure/metrics/http-metrics';
import { authenticate } from './middleware/authenticate';
import { problemResponder } from './middleware/problem-responder';
import { rateLimit } from './middleware/rate-limit';
import { requireActiveUser } from './middleware/require-active-user';
import { guardRequestLine } from './middleware/request-line-guard';
import { requestContext } from './middleware/request-context';
import { requestId } from './middleware/request-id';
import { requestLogger } from './middleware/request-logger';
import { requestMetrics } from './middleware/request-metrics';
import { requestSteps } from './middleware/request-steps';
import { jsonBody } from './middleware/json-body';
import { limitJsonDepth } from './middleware/json-depth';
import { requireJsonBody } from './middleware/require-json-body';
import { corsPolicy, securityHeaders } from './middleware/security-headers';
import { ignoreTrailingSlash } from './middleware/trailing-slash';
import { registerAdministrationRoutes } from './routes/administration-routes';
import { registerAuthRoutes } from './routes/auth-routes';
import { registerCatalogueRoutes } from './routes/catalogue-routes';
import { registerDocsRoutes } from './routes/docs-routes';
import { registerHealthRoutes } from './routes/health-routes';
import { registerPaymentRoutes } from './routes/payment-routes';
import { registerRegistrationRoutes } from './routes/registration-routes';
import type { RouteContext } from './routes/route-context';

const ROUTE_MODULES: ReadonlyArray<(context: RouteContext) => void> = [
  registerHealthRoutes,
  registerDocsRoutes,
  registerAuthRoutes,
  registerCatalogueRoutes,
  registerRegistrationRoutes,
  registerPaymentRoutes,
  registerAdministrationRoutes,
];

/** Every route of the service on one router. */
export function buildRouter(container: Container, requireAuth: Middleware): Router {
  // Paths are matched as written, as the service it replaces matched them: `/API/tests/` is a 404.
  const router = new Router({ sensitive: true });
  const { readsPerMinute, anonymousReadsPerMinute } = container.get<Config>(CONFIG).rateLimits;
  // Reads keep working without Redis: their limits then let requests through.
  const context: RouteContext = {
    router,
    container,
    requireAuth,
    requireActiveUser: requireActiveUser(container),
    limitReads: rateLimit(container, { name: 'reads', limit: readsPerMinute, windowSeconds: 60, per: 'user', whenUnavailable: 'open' }),
    limitAnonymousReads: rateLimit(container, { name: 'anonymous-reads', limit: anonymousReadsPerMinute, windowSeconds: 60, per: 'address', whenUnavailable: 'open' }),
  };
  for (const register of ROUTE_MODULES) register(context);
  return router;
}

/**
 * `Allow` (of an OPTIONS answer, of a 405) names OPTIONS too, which every path answers:
 * @koa/router lists only the methods of its routes.
 */
function allowOptionsToo(): Middleware {
  return (ctx, next) =>
    next().then(() => {
      const allow = ctx.response.get('Allow');
      if (allow && !/\bOPTIONS\b/.test(allow)) ctx.set('Allow', `${allow}, OPTIONS`);
    });
}

/** Builds the Koa application from a wired container; it does not listen. */
export function createApp({ container }: AppContainer): Koa {
  const config = container.get<Config>(CONFIG);
  const logger = container.get<Logger>(LOGGER);
  // Behind proxies, only the addresses they appended to X-Forwarded-For are believed: the
  // entries before them are the client's to write.
  const app = new Koa({ proxy: config.trustedProxies > 0, maxIpsCount: config.trustedProxies });
  app.silent = true;

  const router = buildRouter(container, authenticate(config.jwt));

  app
    .use(requestId())
    .use(requestContext())
    .use(requestMetrics(container.get(HttpMetrics)))
    .use(requestLogger(logger))
    .use(problemResponder(logger))
    .use(corsPolicy(config.corsOrigins))
    .use(requestSteps(securityHeaders(), guardRequestLine(config.allowedHosts), ignoreTrailingSlash(), requireJsonBody()))
    .use(jsonBody({ enableTypes: ['json'], jsonLimit: config.bodyLimit, jsonStrict: true }))
    .use(limitJsonDepth())
    .use(allowOptionsToo())
    .use(router.routes())
    .use(router.allowedMethods());
  return app;
}
