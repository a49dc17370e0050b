import type { Container } from 'inversify';
import type { Middleware } from 'koa';
import { USER_REPOSITORY, type UserRepository } from '../../../application/ports/user-repository';
import { InvalidToken } from '../../../domain/errors';
import { currentUserId } from './authenticate';

/**
 * Lets through a caller whose account exists and is active; goes after `requireAuth`, on the
 * requests that move money or change registrations. A deactivated account's access token is
 * refused there at once, as its login and refresh are, rather than until the token expires;
 * reads keep trusting the token alone, for the lifetime of an access token.
 */
export function requireActiveUser(container: Container): Middleware {
  const users = container.get<UserRepository>(USER_REPOSITORY);
  return async (ctx, next) => {
    const user = await users.findById(currentUserId(ctx));
    if (!user?.isActive) throw new InvalidToken('The account of this token no longer exists or is deactivated.');
    await next();
  };
}
