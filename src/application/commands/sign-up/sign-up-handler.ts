import { inject, injectable } from 'inversify';
import type { User } from '../../../domain/user';
import { PASSWORD_HASHER, type PasswordHasher } from '../../ports/password-hasher';
import { USER_REPOSITORY, type UserRepository } from '../../ports/user-repository';

export interface SignUpCommand {
  readonly email: string;
  readonly username: string;
  readonly password: string;
}

@injectable()
export class SignUpHandler {
  constructor(
    @inject(USER_REPOSITORY) private readonly users: UserRepository,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
  ) {}

  async execute(command: SignUpCommand): Promise<User> {
    const passwordHash = await this.hasher.hash(command.password);
    return this.users.create({ email: command.email.trim(), username: command.username, passwordHash });
  }
}
