import { type KeyObject, createSecretKey, randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import jwt from 'jsonwebtoken';
import type { IssuedRefreshToken, RefreshClaims, TokenService } from '../../application/ports/token-service';
import { InvalidToken } from '../../domain/errors';

export interface JwtSettings {
  readonly secret: string;
  readonly issuer: string;
  readonly audience: string;
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;
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

  constructor(@inject(JWT_SETTINGS) private readonly settings: JwtSettings) {
    this.key = signingKey(settings.secret);
  }

  issueAccessToken(userId: number): string {
    return jwt.sign({ typ: 'access' }, this.key, {
      algorithm: JWT_ALGORITHM,
      subject: String(userId),
      issuer: this.settings.issuer,
      audience: this.settings.audience,
      expiresIn: this.settings.accessTtlSeconds,
      jwtid: randomUUID(),
    });
  }

  issueRefreshToken(userId: number, familyId: string): IssuedRefreshToken {
    const token = jwt.sign({ typ: 'refresh', fam: familyId }, this.key, {
      algorithm: JWT_ALGORITHM,
      subject: String(userId),
      issuer: this.settings.issuer,
      audience: refreshAudience(this.settings.audience),
      expiresIn: this.settings.refreshTtlSeconds,
      jwtid: randomUUID(),
    });
    const { exp } = jwt.decode(token) as { exp: number };
    return { token, familyId, expiresAt: new Date(exp * 1000) };
  }

  newFamilyId(): string {
    return randomUUID();
  }

  verifyRefreshToken(token: string): RefreshClaims {
    let claims: jwt.JwtPayload;
    try {
      claims = jwt.verify(token, this.key, {
        algorithms: [JWT_ALGORITHM],
        issuer: this.settings.issuer,
        audience: refreshAudience(this.settings.audience),
      }) as jwt.JwtPayload;
    } catch {
      throw new InvalidToken();
    }
    const userId = Number(claims.sub);
    if (claims.typ !== 'refresh' || !Number.isSafeInteger(userId) || typeof claims.fam !== 'string') {
      throw new InvalidToken();
    }
    return { userId, familyId: claims.fam };
  }
}
