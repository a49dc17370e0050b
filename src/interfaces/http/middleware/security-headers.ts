import type { IncomingMessage, ServerResponse } from 'node:http';
import cors from '@koa/cors';
import type { Middleware } from 'koa';
import helmet from 'helmet';
import type { RequestStep } from './request-steps';

/**
 * Standard security headers on every response. The policy allows the inline bootstrap script
 * and styles of the self-hosted Swagger UI and nothing from other origins. Helmet decides the
 * headers; none of them depends on the request, so it runs once, at start-up, and each response
 * only receives the resulting set.
 */
export function securityHeaders(): RequestStep {
  const headers = headersSetBy(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'", "'unsafe-inline'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:'],
          connectSrc: ["'self'"],
          fontSrc: ["'self'", 'data:'],
          objectSrc: ["'none'"],
          frameAncestors: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
        },
      },
    }),
  );
  return (ctx) => {
    for (const [name, value] of headers) ctx.res.setHeader(name, value);
  };
}

type NodeMiddleware = (request: IncomingMessage, response: ServerResponse, next: (error?: unknown) => void) => void;

/** The headers a Node middleware sets on a response, recorded from one run of it. */
function headersSetBy(middleware: NodeMiddleware): ReadonlyArray<readonly [string, string]> {
  const headers = new Map<string, string>();
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => headers.set(name, String(value)),
    removeHeader: (name: string) => headers.delete(name),
  };
  let done = false;
  middleware({ headers: {} } as IncomingMessage, response as unknown as ServerResponse, (error) => {
    if (error) throw error;
    done = true;
  });
  if (!done) throw new Error('the security headers middleware did not finish synchronously');
  return [...headers];
}

/** Cross-origin access for the configured browser origins only (none by default). */
export function corsPolicy(origins: readonly string[]): Middleware {
  const allowed = new Set(origins);
  return cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      if (allowed.has('*')) return '*';
      return allowed.has(origin) ? origin : '';
    },
    allowMethods: ['GET', 'POST', 'PATCH', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'If-Match', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Retry-After', 'Idempotent-Replayed', 'ETag', 'Location'],
    maxAge: 600,
  });
}
