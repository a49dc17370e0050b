import { inject, injectable } from 'inversify';
import { TooManyRequests } from '../../../domain/errors';
import { RATE_LIMITER, type RateLimiter } from '../../ports/rate-limiter';

export interface LoginThrottlePolicy {
  readonly maxFailuresPerAccount: number;
  readonly maxFailuresPerIp: number;
  readonly windowSeconds: number;
}

export const LOGIN_THROTTLE_POLICY = Symbol.for('LoginThrottlePolicy');

/** Counts failed logins per account and per client address; blocks either once over its limit. */
@injectable()
export class LoginThrottle {
  constructor(
    @inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @inject(LOGIN_THROTTLE_POLICY) private readonly policy: LoginThrottlePolicy,
  ) {}

  async assertAllowed(email: string, ip: string): Promise<void> {
    const [account, address] = await Promise.all([
      this.limiter.peek(accountKey(email), this.policy.maxFailuresPerAccount),
      this.limiter.peek(ipKey(ip), this.policy.maxFailuresPerIp),
    ]);
    const retryAfter = Math.max(account.retryAfterSeconds, address.retryAfterSeconds);
    if (account.blocked || address.blocked) throw new TooManyRequests(retryAfter, 'Too many failed logins. Try again later.');
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    await Promise.all([
      this.limiter.hit(accountKey(email), this.policy.maxFailuresPerAccount, this.policy.windowSeconds),
      this.limiter.hit(ipKey(ip), this.policy.maxFailuresPerIp, this.policy.windowSeconds),
    ]);
  }

  async recordSuccess(email: string): Promise<void> {
    await this.limiter.reset(accountKey(email));
  }
}

const accountKey = (email: string): string => `login-failures:account:${email}`;
const ipKey = (ip: string): string => `login-failures:ip:${ip}`;
