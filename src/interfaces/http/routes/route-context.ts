import type Router from '@koa/router';
import type { Container } from 'inversify';
import type { Middleware } from 'koa';

/** What every route module receives: the router to add to, the container, and the guards. */
export interface RouteContext {
  readonly router: Router;
  readonly container: Container;
  readonly requireAuth: Middleware;
  /** Refuses a token whose account is gone or deactivated; goes after `requireAuth`, on writes. */
  readonly requireActiveUser: Middleware;
  /** The per-user limit on reads; goes after `requireAuth`. */
  readonly limitReads: Middleware;
  /** The per-address limit on reads without a token. */
  readonly limitAnonymousReads: Middleware;
}
