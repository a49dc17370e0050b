import { inject, injectable } from 'inversify';
import type { User } from '../../../domain/user';
import { PASSWORD_HASHER, type PasswordHasher } from '../../ports/password-hasher';
import { USER_REPOSITORY, type UserRepository } from '../../ports/user-repository';
import { SignUpThrottle } from './sign-up-throttle';

export interface SignUpCommand {
  readonly email: string;
  readonly username: string;
  readonly password: string;
  readonly ip: string;
}

@injectable()
export class SignUpHandler {
  constructor(
    @inject(USER_REPOSITORY) private readonly users: UserRepository,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(SignUpThrottle) private readonly throttle: SignUpThrottle,
  ) {}

  async execute(command: SignUpCommand): Promise<User> {
    await this.throttle.consume(command.ip);
    const passwordHash = await this.hasher.hash(command.password);
    return this.users.create({ email: command.email.trim(), username: command.username, passwordHash });
  }
}
