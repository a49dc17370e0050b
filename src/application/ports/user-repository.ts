import type { User } from '../../domain/user';

export interface UserWithPassword extends User {
  readonly passwordHash: string;
}

export interface NewUser {
  readonly email: string;
  readonly username: string;
  readonly passwordHash: string;
}

export interface UserRepository {
  /** Throws `ValidationFailed` naming `email` or `username` when either is taken. */
  create(user: NewUser): Promise<User>;
  findByEmail(email: string): Promise<UserWithPassword | null>;
  findById(id: number): Promise<User | null>;
  recordLogin(id: number, at: Date): Promise<void>;
  /** Grants (or withdraws) the right to administer the catalogue; effective on the next request. */
  setStaff(id: number, staff: boolean): Promise<void>;
}

export const USER_REPOSITORY = Symbol.for('UserRepository');
