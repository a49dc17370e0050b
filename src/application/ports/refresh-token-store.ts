import type { IssuedRefreshToken } from './token-service';

export type RotationOutcome = 'rotated' | 'reused' | 'unknown';

/** Durable record of issued refresh tokens; tokens are stored hashed, never as given. */
export interface RefreshTokenStore {
  save(userId: number, token: IssuedRefreshToken): Promise<void>;
  /**
   * Atomically retires `presented` and stores `replacement` in its family. A token that was
   * already retired is a reuse: the whole family is revoked and `reused` is returned.
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
