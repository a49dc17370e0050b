import { inject, injectable } from 'inversify';
import { TooManyRequests } from '../../../domain/errors';
import { EVENT_RECORDER, type EventRecorder } from '../../ports/event-recorder';
import { RATE_LIMITER, type RateLimiter } from '../../ports/rate-limiter';

export interface LoginThrottlePolicy {
  /** Failed logins to one account from one address, per window. */
  readonly maxFailuresPerAccountAndIp: number;
  /** Failed logins to one account from all addresses together: a ceiling far above the first. */
  readonly maxFailuresPerAccount: number;
  /** Failed logins from one address to all accounts together. */
  readonly maxFailuresPerIp: number;
  readonly windowSeconds: number;
}

export const LOGIN_THROTTLE_POLICY = Symbol.for('LoginThrottlePolicy');

/** An attempt as `countAttempt` counted it: at a known address, not against the account. */
export interface CountedAttempt {
  readonly account: string;
  readonly ip: string;
  readonly countedForAccount: boolean;
}

/** How long an address the account logged in from stays one it is known at. */
const KNOWN_ADDRESS_SECONDS = 30 * 24 * 3600;

/**
 * Limits login attempts so that guessing is slow: attempts are counted per (account, address),
 * which blocks the guesser's address for that account but not the owner elsewhere; per account
 * from all addresses, with a ceiling many times higher, against guessing from many addresses;
 * and per address, against one address trying many accounts. A guesser who reaches the account's
 * ceiling shuts the account until the window ends, but not at the addresses it logged in from in
 * the last 30 days, where only the other two limits apply: the owner at home still logs in. Each attempt is counted atomically before the password is checked, so concurrent
 * attempts cannot slip past a limit, and a refused attempt counts only where it was refused (an
 * address blocked for an account adds nothing to the account's ceiling).
 */
@injectable()
export class LoginThrottle {
  constructor(
    @inject(RATE_LIMITER) private readonly limiter: RateLimiter,
    @inject(LOGIN_THROTTLE_POLICY) private readonly policy: LoginThrottlePolicy,
    @inject(EVENT_RECORDER) private readonly events: EventRecorder,
  ) {}

  /**
   * Counts an attempt; throws `TooManyRequests` (and checks no password) when one limit is
   * reached. Returns what was counted, for `recordSuccess` to take back.
   */
  async countAttempt(account: string, ip: string): Promise<CountedAttempt> {
    const { maxFailuresPerIp, maxFailuresPerAccountAndIp, maxFailuresPerAccount, windowSeconds } = this.policy;
    const counted: string[] = [];
    const known = await this.limiter.isNoted(knownKey(account, ip));
    for (const [key, limit, scope] of [
      [ipKey(ip), maxFailuresPerIp, 'address'],
      [pairKey(account, ip), maxFailuresPerAccountAndIp, 'account_and_address'],
      ...(known ? [] : [[accountKey(account), maxFailuresPerAccount, 'account'] as const]),
    ] as const) {
      const state = await this.limiter.hit(key, limit, windowSeconds);
      if (state.blocked) {
        // Refused here, the attempt is taken back where it was counted before: an address that
        // keeps retrying one account it is blocked for does not use up its allowance for others.
        await Promise.all(counted.map((earlier) => this.limiter.release(earlier)));
        this.events.record({ name: 'auth.login_locked_out', limit: scope, ip, retryAfterSeconds: state.retryAfterSeconds });
        throw new TooManyRequests(state.retryAfterSeconds, 'Too many failed logins. Try again later.');
      }
      counted.push(key);
    }
    return { account, ip, countedForAccount: !known };
  }

  /**
   * A successful login: its attempt was not a failure (taken back where it was counted), the
   * address's failures for the account are forgotten, and the address is one the account is
   * known at. The account's failures are not forgotten: were they, each login of the owner's
   * during a guesser's run from many addresses would give the guesser a new ceiling.
   */
  async recordSuccess({ account, ip, countedForAccount }: CountedAttempt): Promise<void> {
    await Promise.all([
      this.limiter.reset(pairKey(account, ip)),
      this.limiter.release(ipKey(ip)),
      ...(countedForAccount ? [this.limiter.release(accountKey(account))] : []),
      this.limiter.note(knownKey(account, ip), KNOWN_ADDRESS_SECONDS),
    ]);
  }
}

const accountKey = (account: string): string => `login-failures:account:${account}`;
const pairKey = (account: string, ip: string): string => `login-failures:account-ip:${ip}:${account}`;
const ipKey = (ip: string): string => `login-failures:ip:${ip}`;
const knownKey = (account: string, ip: string): string => `login-known:${ip}:${account}`;
