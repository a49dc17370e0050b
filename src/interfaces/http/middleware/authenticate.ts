import type { Context, Middleware } from 'koa';
import koaJwt from 'koa-jwt';
import { InvalidToken } from '../../../domain/errors';
import { JWT_ALGORITHM, signingKey } from '../../../infrastructure/auth/jwt-token-service';
import type { Config } from '../../../infrastructure/config/config';

interface AccessClaims {
  sub: string;
  typ: string;
}

/**
 * Requires a valid access token (`Authorization: Bearer …`): algorithm pinned, issuer and
 * audience checked, and refresh tokens refused even if presented with the right signature.
 */
export function authenticate(jwt: Config['jwt']): Middleware {
  return koaJwt({
    secret: signingKey(jwt.secret) as unknown as string,
    algorithms: [JWT_ALGORITHM],
    issuer: jwt.issuer,
    audience: jwt.audience,
    key: 'user',
    isRevoked: async (_ctx, claims) => {
      const { typ, sub } = claims as Partial<AccessClaims>;
      return typ !== 'access' || !Number.isSafeInteger(Number(sub));
    },
  }) as unknown as Middleware;
}

/** The authenticated caller's user id; only valid behind `authenticate`. */
export function currentUserId(ctx: Context): number {
  const sub = (ctx.state.user as AccessClaims | undefined)?.sub;
  const id = Number(sub);
  if (!Number.isSafeInteger(id)) throw new InvalidToken();
  return id;
}
