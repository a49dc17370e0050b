import type { Context, Middleware } from 'koa';
import { DependencyUnavailable, DomainError } from '../../../domain/errors';
import { QueryTimedOut } from '../request-errors';
import { isDependencyFailure } from '../../../infrastructure/errors/dependency-failure';
import { isDataException } from '../../../infrastructure/errors/data-exception';
import { isQueryTimeout } from '../../../infrastructure/errors/query-timeout';
import type { Logger } from '../../../infrastructure/logging/logger';
import { PROBLEM_CONTENT_TYPE, type Problem, problemFromDomainError, problemFromStatus } from '../problem';
import { RequestRefused } from '../request-refused';
import { loggedPath } from './request-logger';

interface HttpLikeError {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  message?: string;
}

/**
 * The one error boundary: typed domain errors become problem responses through the status
 * table; an unreachable PostgreSQL or Redis, or a statement stopped by the statement timeout, is
 * a 503 the client may retry; a value PostgreSQL cannot hold is the client's 400; client errors raised
 * by middleware (bad JSON, body too large, bad token) keep their 4xx status; anything else is
 * logged (the request's logger names the request) and answered with a generic 500.
 */
export function problemResponder(logger: Logger): Middleware {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.body === undefined || ctx.body === null) {
        if (ctx.status === 404) send(ctx, problemFromStatus(404, 'No resource at this path.'));
        else if (ctx.status === 405) send(ctx, problemFromStatus(405, `Allowed: ${ctx.response.get('Allow')}.`));
        // A method no route implements (TRACE, PROPFIND…) is the client's error like any other
        // wrong method, not a 5xx: 405 with what the path allows, or 404 where there is no path.
        else if (ctx.status === 501) {
          const allowed = ctx.response.get('Allow');
          if (allowed) send(ctx, problemFromStatus(405, `Allowed: ${allowed}.`));
          else {
            // The router names what such a path allows, nothing: a 404 has no `Allow`.
            ctx.remove('Allow');
            send(ctx, problemFromStatus(404, 'No resource at this path.'));
          }
        }
      }
    } catch (error) {
      if (error instanceof DomainError) {
        sendDomainError(ctx, error);
        return;
      }
      if (error instanceof RequestRefused) {
        send(ctx, problemFromStatus(error.status, error.detail));
        return;
      }
      if (isDataException(error)) {
        logger.warn({ err: error, url: loggedPath(ctx.originalUrl) }, 'a client value reached PostgreSQL unchecked');
        send(ctx, problemFromStatus(400, 'A value in the request is out of range or malformed.'));
        return;
      }
      if (isQueryTimeout(error)) {
        logger.warn({ err: error, url: loggedPath(ctx.originalUrl) }, 'statement timeout');
        sendDomainError(ctx, new QueryTimedOut());
        return;
      }
      if (isDependencyFailure(error)) {
        logger.warn({ err: error }, 'dependency unavailable');
        sendDomainError(ctx, new DependencyUnavailable());
        return;
      }
      const status = clientErrorStatus(error as HttpLikeError);
      if (status) {
        send(ctx, problemFromStatus(status, clientErrorDetail(status, error)));
        return;
      }
      logger.error({ err: error }, 'unhandled error');
      send(ctx, problemFromStatus(500, 'An unexpected error occurred. Quote the request id when reporting it.'));
    }
  };
}

function clientErrorStatus(error: HttpLikeError): number | null {
  const status = error?.status ?? error?.statusCode;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : null;
}

/** What the JSON body parser refuses besides malformed JSON, by its error's message. */
const BODY_REFUSALS: ReadonlyArray<readonly [RegExp, string]> = [
  [/only supports object and array/, 'The request body must be a JSON object.'],
  [/forbidden prototype property/, 'The request body must not hold a "__proto__" key.'],
];

function clientErrorDetail(status: number, error: unknown): string {
  switch (status) {
    case 400: {
      const message = error instanceof Error ? error.message : '';
      return BODY_REFUSALS.find(([pattern]) => pattern.test(message))?.[1] ?? 'The request body is not valid JSON.';
    }
    case 401:
      return 'A valid access token is required (Authorization: Bearer <token>).';
    case 413:
      return 'The request body is too large.';
    case 415:
      return 'Send the request body as application/json.';
    default:
      return 'The request could not be processed.';
  }
}

function sendDomainError(ctx: Context, error: DomainError): void {
  if ('retryAfterSeconds' in error && typeof error.retryAfterSeconds === 'number') ctx.set('Retry-After', String(error.retryAfterSeconds));
  send(ctx, problemFromDomainError(error));
}

/** A problem response; a 401 names the scheme to authenticate with, whichever layer refused. */
function send(ctx: Context, problem: Problem): void {
  if (problem.status === 401) ctx.set('WWW-Authenticate', 'Bearer');
  ctx.status = problem.status;
  ctx.type = PROBLEM_CONTENT_TYPE;
  ctx.body = { ...problem, request_id: ctx.state.requestId };
}
