/** The refresh tokens descended from one login: rotated together, revoked together, ended together. */
export interface RefreshFamily {
  readonly id: string;
  /** When the login that started the family happened; the family ends a fixed time after. */
  readonly startedAt: Date;
}

export interface IssuedRefreshToken {
  readonly token: string;
  readonly familyId: string;
  readonly expiresAt: Date;
}

export interface RefreshClaims {
  readonly userId: number;
  readonly family: RefreshFamily;
}

/** Issues and verifies signed tokens; access and refresh tokens are never interchangeable. */
export interface TokenService {
  issueAccessToken(userId: number): string;
  /** A refresh token of the family, expiring at the family's end at the latest. */
  issueRefreshToken(userId: number, family: RefreshFamily): IssuedRefreshToken;
  newFamily(startedAt: Date): RefreshFamily;
  /**
   * Throws `InvalidToken` for anything but a valid, unexpired refresh token of a family that has
   * not ended.
   */
  verifyRefreshToken(token: string): RefreshClaims;
}

export const TOKEN_SERVICE = Symbol.for('TokenService');
