import { type KeyObject, createSecretKey, randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import jwt from 'jsonwebtoken';
import { CLOCK, type Clock } from '../../application/ports/clock';
import type { IssuedRefreshToken, RefreshClaims, RefreshFamily, TokenService } from '../../application/ports/token-service';
import { InvalidToken } from '../../domain/errors';

export interface JwtSettings {
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
  /** How long after a login its refresh tokens can still be rotated. */
  readonly refreshFamilyTtlSeconds: number;
}

export const JWT_SETTINGS = Symbol.for('JwtSettings');

/** The only algorithm accepted; `none` and algorithm switching are impossible. */
export const JWT_ALGORITHM = 'HS256';

/**
 * Access and refresh tokens differ in audience and in their `typ` claim, so neither verifies
 * as the other.
 */
export const refreshAudience = (audience: string): string => `${audience}:refresh`;

/**
 * The HMAC key as a KeyObject: given a string, jsonwebtoken first tries (and fails) to read it
 * as a public key on every verification, which costs about 40 times the verification itself.
 */
export const signingKey = (secret: string): KeyObject => createSecretKey(Buffer.from(secret, 'utf8'));

@injectable()
export class JwtTokenService implements TokenService {
  private readonly key: KeyObject;

  constructor(
    @inject(JWT_SETTINGS) private readonly settings: JwtSettings,
    @inject(CLOCK) private readonly clock: Clock,
  ) {
    this.key = signingKey(settings.secret);
  }

  issueAccessToken(userId: number): string {
    return jwt.sign({ typ: 'access', iat: this.seconds() }, this.key, {
      algorithm: JWT_ALGORITHM,
      subject: String(userId),
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      expiresIn: this.settings.accessTtlSeconds,
      jwtid: randomUUID(),
    });
  }

  issueRefreshToken(userId: number, family: RefreshFamily): IssuedRefreshToken {
    const now = this.seconds();
    const familyEnd = Math.floor(family.startedAt.getTime() / 1000) + this.settings.refreshFamilyTtlSeconds;
    const exp = Math.min(now + this.settings.refreshTtlSeconds, familyEnd);
    // `fat`: when the family started, carried from token to token so that rotation cannot extend it.
    const token = jwt.sign({ typ: 'refresh', fam: family.id, fat: Math.floor(family.startedAt.getTime() / 1000), iat: now, exp }, this.key, {
      algorithm: JWT_ALGORITHM,
      subject: String(userId),
      issuer: this.settings.issuer,
      audience: refreshAudience(this.settings.audience),
      jwtid: randomUUID(),
    });
    return { token, familyId: family.id, expiresAt: new Date(exp * 1000) };
  }

  newFamily(startedAt: Date): RefreshFamily {
    return { id: randomUUID(), startedAt };
  }

  verifyRefreshToken(token: string): RefreshClaims {
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, this.key, {
        algorithms: [JWT_ALGORITHM],
        issuer: this.settings.issuer,
        audience: refreshAudience(this.settings.audience),
        clockTimestamp: this.seconds(),
      }) as jwt.JwtPayload;
    } catch {
      throw new InvalidToken();
    }
    const userId = Number(claims.sub);
    if (claims.typ !== 'refresh' || !Number.isSafeInteger(userId) || typeof claims.fam !== 'string' || typeof claims.fat !== 'number' || typeof claims.exp !== 'number') {
      throw new InvalidToken();
    }
    if (this.seconds() >= claims.fat + this.settings.refreshFamilyTtlSeconds) throw new InvalidToken('This session has ended; log in again.');
    return { userId, family: { id: claims.fam, startedAt: new Date(claims.fat * 1000) } };
  }

  /** The clock's time in whole seconds, as JWT claims count it. */
  private seconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}
