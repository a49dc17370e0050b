import { inject, injectable } from 'inversify';
import { TooManyRequests } from '../../../domain/errors';
import { RATE_LIMITER, type RateLimiter } from '../../ports/rate-limiter';

export interface SignUpThrottlePolicy {
  readonly maxPerIp: number;
  readonly windowSeconds: number;
}

export const SIGN_UP_THROTTLE_POLICY = Symbol.for('SignUpThrottlePolicy');

/** Limits account creation per client address, against scripted mass sign-ups. */
@injectable()
export class SignUpThrottle {
  constructor(
    @inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @inject(SIGN_UP_THROTTLE_POLICY) private readonly policy: SignUpThrottlePolicy,
  ) {}

  async consume(ip: string): Promise<void> {
    const state = await this.limiter.hit(`signups:ip:${ip}`, this.policy.maxPerIp, this.policy.windowSeconds);
    if (state.blocked) throw new TooManyRequests(state.retryAfterSeconds, 'Too many sign-ups from this address. Try again later.');
  }
}
