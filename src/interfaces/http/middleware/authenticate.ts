import type { Context, Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import { InvalidToken } from '../../../domain/errors';
import { JWT_ALGORITHM, signingKey } from '../../../infrastructure/auth/jwt-token-service';
import type { Config } from '../../../infrastructure/config/config';
import { VerifiedTokens } from './verified-tokens';

interface AccessClaims {
  sub: string;
  typ: string;
  exp: number;
}

/** How many verified access tokens a process remembers (a few hundred bytes each). */
const VERIFIED_TOKENS_KEPT = 10_000;

/**
 * Requires a valid access token (`Authorization: Bearer …`): algorithm pinned, issuer, audience
 * and expiry checked, and refresh tokens refused even if presented with the right signature.
 * koa-jwt verifies a token the first time this process sees it; the next requests with the same
 * token have its expiry checked alone (see `VerifiedTokens`).
 */
export function authenticate(jwt: Config['jwt']): Middleware {
  const verify = verifyAccessToken(jwt);
  const verified = new VerifiedTokens<AccessClaims>(VERIFIED_TOKENS_KEPT);
  return (ctx, next) => {
    const token = bearerToken(ctx.get('authorization'));
    const claims = token === undefined ? undefined : verified.get(token);
    if (claims !== undefined) {
      ctx.state.user = claims;
      return next();
    }
    return verify(ctx, () => {
      const accepted = ctx.state.user as AccessClaims;
      // A token that names when it starts to hold is verified every time (this service issues none).
      if (token !== undefined && !('nbf' in accepted)) verified.remember(token, Object.freeze(accepted));
      return next();
    });
  };
}

/**
 * The token of an `Authorization: Bearer …` header, read as koa-jwt reads it (the header
 * trimmed, two parts split at one space, the scheme in any case); undefined for any other header.
 */
function bearerToken(header: string): string | undefined {
  const parts = header.trim().split(' ');
  return parts.length === 2 && /^Bearer$/i.test(parts[0]) ? parts[1] : undefined;
}

function verifyAccessToken(jwt: Config['jwt']): Middleware {
  return koaJwt({
    secret: signingKey(jwt.secret) as unknown as string,
    algorithms: [JWT_ALGORITHM],
    issuer: jwt.issuer,
    audience: jwt.audience,
    key: 'user',
    // jsonwebtoken accepts a token without `exp` as one that never expires; this service never
    // issues one, so it is refused like any other token it did not issue.
    isRevoked: async (_ctx, claims) => {
      const { typ, sub, exp } = claims as Partial<AccessClaims>;
      return typ !== 'access' || userIdOf(sub) === null || typeof exp !== 'number';
    },
  }) as unknown as Middleware;
}

/** The authenticated caller's user id; only valid behind `authenticate`. */
export function currentUserId(ctx: Context): number {
  const id = userIdOf((ctx.state.user as AccessClaims | undefined)?.sub);
  if (id === null) throw new InvalidToken();
  return id;
}

/** A user id as the service writes it into its tokens (the id's decimal digits); null for anything else. */
const USER_ID = /^[1-9][0-9]{0,14}$/;

function userIdOf(sub: unknown): number | null {
  return typeof sub === 'string' && USER_ID.test(sub) ? Number(sub) : null;
}
