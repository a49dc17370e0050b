import type { User } from '../../../domain/user';

export const serializeUser = (user: User) => ({ id: user.id, email: user.email, username: user.username });
