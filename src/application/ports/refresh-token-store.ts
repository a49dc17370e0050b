import type { IssuedRefreshToken } from './token-service';

/**
 * `reused`: a retired token of a live session, taken for stolen (the session is revoked now);
 * `ended`: a token of a session already over (logged out, or revoked at an earlier reuse);
 * `unknown`: no such token, or one past its end that was never used.
 */
export type RotationOutcome = 'rotated' | 'reused' | 'ended' | 'unknown';

/** Durable record of issued refresh tokens; tokens are stored hashed, never as given. */
export interface RefreshTokenStore {
  save(userId: number, token: IssuedRefreshToken): Promise<void>;
  /**
   * Atomically retires `presented` and stores `replacement` in its family. A token that was
   * already retired, of a family that still has live tokens, is a reuse: the whole family is
   * revoked and `reused` is returned; with none live, the session was over already: `ended`.
   */
  rotate(presented: string, userId: number, replacement: IssuedRefreshToken, now: Date): Promise<RotationOutcome>;
  /** Revokes every live token of the family; returns how many were live. */
  revokeFamily(familyId: string, now: Date): Promise<number>;
  /**
   * Deletes up to `limit` tokens that expired before `now` (an expired token can be neither used
   * nor reused); returns how many it deleted.
   */
  purgeExpired(now: Date, limit: number): Promise<number>;
}

export const REFRESH_TOKEN_STORE = Symbol.for('RefreshTokenStore');
