import type { Context } from 'koa';
import { RequestRefused } from '../request-refused';
import { PARSED_METHODS } from './json-body';
import type { RequestStep } from './request-steps';

const WITH_BODY = new Set(PARSED_METHODS);

/** The names of UTF-8 a `charset` parameter may give (RFC 8259 §8.1: JSON is UTF-8). */
const UTF8_NAMES = new Set(['', 'utf-8', 'utf8']);

const hasBody = (ctx: Context): boolean => Number(ctx.get('Content-Length') || 0) > 0 || ctx.get('Transfer-Encoding') !== '';

/**
 * A request that carries a body must send it as JSON, in UTF-8; anything else is a 415. The
 * parser would decode any body as UTF-8 whatever its `charset` says, and store the text wrong.
 */
export function requireJsonBody(): RequestStep {
  return (ctx) => {
    if (!WITH_BODY.has(ctx.method) || !hasBody(ctx)) return;
    if (!ctx.is('application/json')) ctx.throw(415);
    if (!UTF8_NAMES.has(ctx.request.charset.toLowerCase())) throw new RequestRefused(415, 'JSON request bodies must be UTF-8: send charset=utf-8 or no charset.');
  };
}
