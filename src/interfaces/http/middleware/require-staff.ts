import type { Container } from 'inversify';
import type { Middleware } from 'koa';
import { USER_REPOSITORY, type UserRepository } from '../../../application/ports/user-repository';
import { Forbidden } from '../../../domain/errors';
import { currentUserId } from './authenticate';

/**
 * Lets through staff only; goes after `requireAuth`. The staff flag is read from the database on
 * every request rather than carried in the token, so that taking it away takes effect at once.
 */
export function requireStaff(container: Container): Middleware {
  const users = container.get<UserRepository>(USER_REPOSITORY);
  return async (ctx, next) => {
    const user = await users.findById(currentUserId(ctx));
    if (!user || !user.isActive || !user.isStaff) throw new Forbidden('Only staff may administer the catalogue.');
    await next();
  };
}
