import type { Context, Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import { InvalidToken } from '../../../domain/errors';
import { JWT_ALGORITHM, signingKey } from '../../../infrastructure/auth/jwt-token-service';
import type { Config } from '../../../infrastructure/config/config';

interface AccessClaims {
  sub: string;
  typ: string;
  exp: number;
}

/**
 * Requires a valid access token (`Authorization: Bearer …`): algorithm pinned, issuer, audience
 * and expiry checked, and refresh tokens refused even if presented with the right signature.
 */
export function authenticate(jwt: Config['jwt']): Middleware {
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
