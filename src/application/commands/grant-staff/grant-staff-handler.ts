import { inject, injectable } from 'inversify';
import { ValidationFailed } from '../../../domain/errors';
import type { User } from '../../../domain/user';
import { PASSWORD_HASHER, type PasswordHasher } from '../../ports/password-hasher';
import { USER_REPOSITORY, type UserRepository } from '../../ports/user-repository';

export interface GrantStaffCommand {
  readonly email: string;
  /** For an account that does not exist yet: its username (the email's local part by default). */
  readonly username?: string;
  /** For an account that does not exist yet: its password (an existing account keeps its own). */
  readonly password?: string;
  /** Withdraws the right instead of granting it. */
  readonly revoke?: boolean;
}

export interface GrantStaffOutcome {
  readonly user: User;
  readonly created: boolean;
}

/**
 * Makes an account staff (creating it if needed; a deactivated one is refused), or withdraws the
 * right: an operator's command.
 * The flag is read on every administration request, so a change takes effect on the next one.
 */
@injectable()
export class GrantStaffHandler {
  constructor(
    @inject(USER_REPOSITORY) private readonly users: UserRepository,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
  ) {}

  /** Whether the account exists (a new one needs a password). */
  async exists(email: string): Promise<boolean> {
    return (await this.users.findByEmail(email.trim())) !== null;
  }

  async execute({ email, username, password, revoke = false }: GrantStaffCommand): Promise<GrantStaffOutcome> {
    const existing = await this.users.findByEmail(email.trim());
    // Staff rights on an account that cannot log in would do nothing now, and come to life
    // unnoticed whenever it is reactivated; withdrawing them is always allowed.
    if (existing && !existing.isActive && !revoke) {
      throw ValidationFailed.field('email', `The account ${existing.email} (user ${existing.id}) is deactivated and cannot log in: it was not made staff. Reactivate it (users.is_active) first.`);
    }
    if (existing) {
      await this.users.setStaff(existing.id, !revoke);
      return { user: { ...existing, isStaff: !revoke }, created: false };
    }
    if (revoke) throw ValidationFailed.field('email', 'No account has this email.');
    if (!password) throw ValidationFailed.field('password', 'A new account needs a password.');
    const user = await this.users.create({ email: email.trim(), username: username ?? email.trim().split('@')[0], passwordHash: await this.hasher.hash(password) });
    await this.users.setStaff(user.id, true);
    return { user: { ...user, isStaff: true }, created: true };
  }
}
