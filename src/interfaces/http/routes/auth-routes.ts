import type { Context } from 'koa';
import { LogInHandler } from '../../../application/commands/log-in/log-in-handler';
import { LogOutHandler } from '../../../application/commands/log-out/log-out-handler';
import { RefreshSessionHandler } from '../../../application/commands/refresh-session/refresh-session-handler';
import { SignUpHandler } from '../../../application/commands/sign-up/sign-up-handler';
import { currentUserId } from '../middleware/authenticate';
import { logInBody, refreshBody, signUpBody } from '../schemas/auth-schemas';
import { serializeUser } from '../serializers/user-serializer';
import { validate } from '../validation';
import type { RouteContext } from './route-context';

/** Responses carrying tokens must not be kept by any cache (RFC 6749 §5.1). */
function noStore(ctx: Context): void {
  ctx.set('Cache-Control', 'no-store');
  ctx.set('Pragma', 'no-cache');
}

export function registerAuthRoutes({ router, container, requireAuth }: RouteContext): void {
  // Use cases resolved once, when the routes are built.
  const signUp = container.get(SignUpHandler);
  const logIn = container.get(LogInHandler);
  const refreshSession = container.get(RefreshSessionHandler);
  const logOut = container.get(LogOutHandler);
  router.post('/api/auth/signup', async (ctx) => {
    const body = validate(signUpBody, ctx.request.body);
    const user = await signUp.execute({ ...body, ip: ctx.ip });
    ctx.status = 201;
    ctx.body = { user: serializeUser(user) };
  });

  router.post('/api/auth/login', async (ctx) => {
    const body = validate(logInBody, ctx.request.body);
    const session = await logIn.execute({ ...body, ip: ctx.ip });
    noStore(ctx);
    ctx.body = { access: session.access, refresh: session.refresh, user: serializeUser(session.user) };
  });

  router.post('/api/auth/token/refresh', async (ctx) => {
    const body = validate(refreshBody, ctx.request.body);
    const tokens = await refreshSession.execute(body);
    noStore(ctx);
    ctx.body = tokens;
  });

  router.post('/api/auth/logout', requireAuth, async (ctx) => {
    const body = validate(refreshBody, ctx.request.body);
    await logOut.execute({ userId: currentUserId(ctx), refresh: body.refresh });
    ctx.status = 204;
  });
}
