import type { Container } from 'inversify';
import type { Middleware } from 'koa';
import { RATE_LIMITER, type RateLimiter } from '../../../application/ports/rate-limiter';
import { TooManyRequests } from '../../../domain/errors';
import { currentUserId } from './authenticate';

export interface PerUserLimit {
  /** Names the counter, e.g. `registrations`. */
  readonly name: string;
  readonly limit: number;
  readonly windowSeconds: number;
}

/** Limits how often one user may call an endpoint (429 with `Retry-After` beyond the limit). */
export function perUserRateLimit(container: Container, { name, limit, windowSeconds }: PerUserLimit): Middleware {
  const limiter = container.get<RateLimiter>(RATE_LIMITER);
  return async (ctx, next) => {
    const state = await limiter.hit(`${name}:user:${currentUserId(ctx)}`, limit, windowSeconds);
    if (state.blocked) throw new TooManyRequests(state.retryAfterSeconds, 'Too many requests from this account. Try again later.');
    await next();
  };
}
