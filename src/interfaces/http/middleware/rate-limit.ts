import type { Container } from 'inversify';
import type { Context, Middleware } from 'koa';
import { RATE_LIMITER, type RateLimiter } from '../../../application/ports/rate-limiter';
import { TooManyRequests } from '../../../domain/errors';
import { currentUserId } from './authenticate';

export interface RateLimit {
  /** Names the counter, e.g. `registrations`. */
  readonly name: string;
  /** Requests per window; 0 turns the limit off. */
  readonly limit: number;
  readonly windowSeconds: number;
  /** Whose requests are counted together: the authenticated user's (behind `authenticate`) or the client address's. */
  readonly per: 'user' | 'address';
  /**
   * When the counters cannot be reached (Redis down): `closed` refuses the request (the limiter's
   * error, a 503), `open` lets it through, for requests that must keep working without Redis.
   */
  readonly whenUnavailable: 'open' | 'closed';
}

/** Limits how often one user or one address may call an endpoint (429 with `Retry-After` beyond the limit). */
export function rateLimit(container: Container, { name, limit, windowSeconds, per, whenUnavailable }: RateLimit): Middleware {
  const limiter = container.get<RateLimiter>(RATE_LIMITER);
  const keyOf = (ctx: Context) => (per === 'user' ? `${name}:user:${currentUserId(ctx)}` : `${name}:ip:${ctx.ip}`);
  if (limit <= 0) return (_ctx, next) => next();
  return async (ctx, next) => {
    const state = await limiter.hit(keyOf(ctx), limit, windowSeconds).catch((error: unknown) => {
      if (whenUnavailable === 'closed') throw error;
      return null;
    });
    if (state?.blocked) throw new TooManyRequests(state.retryAfterSeconds, `Too many requests from this ${per === 'user' ? 'account' : 'address'}. Try again later.`);
    await next();
  };
}
