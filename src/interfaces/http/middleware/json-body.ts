import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { RequestRefused } from '../request-refused';

type BodyParserOptions = NonNullable<Parameters<typeof bodyParser>[0]>;

/**
 * JSON request bodies, parsed by `bodyParser`. Reading a body fails only for the client's
 * reasons: a body its `Content-Encoding` cannot decode (corrupt or cut gzip, deflate or br data)
 * is refused with a 400, where zlib's error, which carries no status, would be taken for a fault
 * of the server; so is a JSON array, since every request takes an object. Errors with a status
 * (bad JSON, too large, an unknown encoding) and errors of the handlers after it pass unchanged.
 */
export function jsonBody(options: BodyParserOptions): Middleware {
  const parse = bodyParser(options);
  return async (ctx, next) => {
    let parsed = false;
    try {
      await parse(ctx, () => {
        parsed = true;
        // The parser's strict mode lets arrays through as well as objects; no request takes one.
        if (Array.isArray(ctx.request.body)) throw new RequestRefused(400, 'The request body must be a JSON object.');
        return next();
      });
    } catch (error) {
      if (parsed || hasStatus(error)) throw error;
      throw new RequestRefused(400, 'The request body could not be decoded as its Content-Encoding says.');
    }
  };
}

const hasStatus = (error: unknown): boolean => {
  const { status, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
  return typeof status === 'number' || typeof statusCode === 'number';
};
