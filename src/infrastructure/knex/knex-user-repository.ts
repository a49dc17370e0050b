import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { NewUser, UserRepository, UserWithPassword } from '../../application/ports/user-repository';
import { ValidationFailed } from '../../domain/errors';
import type { User } from '../../domain/user';
import { KNEX } from './create-knex';
import { translateConstraintViolation } from './constraint-violation';

interface UserRow {
  id: number;
  email: string;
  username: string;
  password_hash: string;
  is_active: boolean;
  is_staff: boolean;
}

const toUser = (row: UserRow): User => ({
  id: row.id,
  email: row.email,
  username: row.username,
  isActive: row.is_active,
  isStaff: row.is_staff,
});

/**
 * An email the same as the one bound, as the unique index on emails compares them: in lower case,
 * a word's last sigma (`ς`) read as any other (`σ`), as PostgreSQL lower-cases a capital one.
 */
const SAME_EMAIL = "lower(translate(email, 'ς', 'σ')) = lower(translate(?, 'ς', 'σ'))";

@injectable()
export class KnexUserRepository implements UserRepository {
  constructor(@inject(KNEX) private readonly db: Knex) {}

  async create(user: NewUser): Promise<User> {
    await this.refuseTaken(user);
    try {
      const [row] = await this.db<UserRow>('users')
        .insert({ email: user.email, username: user.username, password_hash: user.passwordHash })
        .returning(['id', 'email', 'username', 'password_hash', 'is_active', 'is_staff']);
      return toUser(row as UserRow);
    } catch (error) {
      throw translateConstraintViolation(error, {
        users_email_folded_idx: () => ValidationFailed.field('email', 'A user with this email already exists.'),
        users_username_idx: () => ValidationFailed.field('username', 'A user with this username already exists.'),
      });
    }
  }

  /**
   * Refuses an email or a username already taken, naming each that is, so that a client fixes
   * both at once; the unique indexes above still decide between two sign-ups racing for one.
   */
  private async refuseTaken(user: NewUser): Promise<void> {
    const [taken] = await this.db('users')
      .whereRaw(`${SAME_EMAIL} OR username = ?`, [user.email, user.username])
      .select(this.db.raw(`bool_or(${SAME_EMAIL}) AS email, bool_or(username = ?) AS username`, [user.email, user.username]));
    const errors: Record<string, string[]> = {};
    if (taken?.email) errors.email = ['A user with this email already exists.'];
    if (taken?.username) errors.username = ['A user with this username already exists.'];
    if (Object.keys(errors).length > 0) throw new ValidationFailed(errors);
  }

  async findByEmail(email: string): Promise<UserWithPassword | null> {
    const row = await this.db<UserRow>('users').whereRaw(SAME_EMAIL, [email]).first();
    return row ? { ...toUser(row), passwordHash: row.password_hash } : null;
  }

  async findById(id: number): Promise<User | null> {
    const row = await this.db<UserRow>('users').where({ id }).first();
    return row ? toUser(row) : null;
  }

  async setStaff(id: number, staff: boolean): Promise<void> {
    await this.db('users').where({ id }).update({ is_staff: staff, updated_at: this.db.fn.now() });
  }

  async recordLogin(id: number, at: Date): Promise<void> {
    await this.db('users').where({ id }).update({ last_login_at: at });
  }
}
