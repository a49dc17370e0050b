import { inject, injectable } from 'inversify';
import { InvalidCredentials } from '../../../domain/errors';
import { normalizeEmail, type User } from '../../../domain/user';
import { CLOCK, type Clock } from '../../ports/clock';
import { PASSWORD_HASHER, type PasswordHasher } from '../../ports/password-hasher';
import { REFRESH_TOKEN_STORE, type RefreshTokenStore } from '../../ports/refresh-token-store';
import { TOKEN_SERVICE, type TokenService } from '../../ports/token-service';
import { USER_REPOSITORY, type UserRepository } from '../../ports/user-repository';
import { LoginThrottle } from './login-throttle';

export interface LogInCommand {
  readonly email: string;
  readonly password: string;
  readonly ip: string;
}

export interface Session {
  readonly access: string;
  readonly refresh: string;
  readonly user: User;
}

@injectable()
export class LogInHandler {
  constructor(
    @inject(USER_REPOSITORY) private readonly users: UserRepository,
    @inject(PASSWORD_HASHER) private readonly hasher: PasswordHasher,
    @inject(TOKEN_SERVICE) private readonly tokens: TokenService,
    @inject(REFRESH_TOKEN_STORE) private readonly refreshTokens: RefreshTokenStore,
    @inject(LoginThrottle) private readonly throttle: LoginThrottle,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: LogInCommand): Promise<Session> {
    // The store compares emails as it made them unique (its own lower-casing, which differs from
    // JavaScript's for some letters), so it is given the email as typed.
    const user = await this.users.findByEmail(command.email.trim());
    // Attempts are counted per account as the store tells them apart, whichever form was typed.
    const account = user ? `user:${user.id}` : `email:${normalizeEmail(command.email)}`;
    const attempt = await this.throttle.countAttempt(account, command.ip);

    // The password is checked whether or not the account exists or is active, so that no answer
    // comes measurably sooner than another.
    const valid = user
      ? (await this.hasher.verify(user.passwordHash, command.password)) && user.isActive
      : (await this.hasher.verifyAgainstDummy(command.password), false);
    if (!user || !valid) throw new InvalidCredentials();

    await this.throttle.recordSuccess(attempt);
    await this.users.recordLogin(user.id, this.clock.now());
    const refresh = this.tokens.issueRefreshToken(user.id, this.tokens.newFamily(this.clock.now()));
    await this.refreshTokens.save(user.id, refresh);
    return {
      access: this.tokens.issueAccessToken(user.id),
      refresh: refresh.token,
      user: { id: user.id, email: user.email, username: user.username, isActive: user.isActive, isStaff: user.isStaff },
    };
  }
}
