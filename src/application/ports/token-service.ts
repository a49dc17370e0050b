export interface IssuedRefreshToken {
  readonly token: string;
  readonly familyId: string;
  readonly expiresAt: Date;
}

export interface RefreshClaims {
  readonly userId: number;
  readonly familyId: string;
}

/** Issues and verifies signed tokens; access and refresh tokens are never interchangeable. */
export interface TokenService {
  issueAccessToken(userId: number): string;
  issueRefreshToken(userId: number, familyId: string): IssuedRefreshToken;
  newFamilyId(): string;
  /** Throws `InvalidToken` for anything but a valid, unexpired refresh token. */
  verifyRefreshToken(token: string): RefreshClaims;
}

export const TOKEN_SERVICE = Symbol.for('TokenService');
