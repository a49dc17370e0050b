import type Router from '@koa/router';
import type { Container } from 'inversify';
import type { Middleware } from 'koa';

/** What every route module receives: the router to add to, the container, and the auth guard. */
export interface RouteContext {
  readonly router: Router;
  readonly container: Container;
  readonly requireAuth: Middleware;
}
