import type { Middleware } from 'koa';
import { RequestRefused } from '../request-refused';

/** No request body of this API nests deeper than a few levels; this leaves ample room. */
export const MAX_JSON_DEPTH = 16;

/**
 * Refuses a JSON body nested deeper than `MAX_JSON_DEPTH` (400) before anything recursive reads
 * it: validators and serialisers recurse once per level, and ten thousand levels overflow the
 * stack. The check itself walks the body with a queue, not recursion.
 */
export function limitJsonDepth(maxDepth = MAX_JSON_DEPTH): Middleware {
  return (ctx, next) => {
    if (depthExceeds(ctx.request.body, maxDepth)) throw new RequestRefused(400, `JSON bodies may nest at most ${maxDepth} levels.`);
    return next();
  };
}

function depthExceeds(body: unknown, maxDepth: number): boolean {
  let level: unknown[] = [body];
  for (let depth = 0; level.length > 0; depth += 1) {
    const next: unknown[] = [];
    for (const value of level) {
      if (value === null || typeof value !== 'object') continue;
      if (depth >= maxDepth) return true;
      for (const inner of Array.isArray(value) ? value : Object.values(value)) next.push(inner);
    }
    level = next;
  }
  return false;
}
