import { ContainerModule } from 'inversify';
import { LogInHandler } from '../../../application/commands/log-in/log-in-handler';
import { LoginThrottle } from '../../../application/commands/log-in/login-throttle';
import { LogOutHandler } from '../../../application/commands/log-out/log-out-handler';
import { RefreshSessionHandler } from '../../../application/commands/refresh-session/refresh-session-handler';
import { SignUpHandler } from '../../../application/commands/sign-up/sign-up-handler';
import { SignUpThrottle } from '../../../application/commands/sign-up/sign-up-throttle';
import { PASSWORD_HASHER } from '../../../application/ports/password-hasher';
import { RATE_LIMITER } from '../../../application/ports/rate-limiter';
import { REFRESH_TOKEN_STORE } from '../../../application/ports/refresh-token-store';
import { TOKEN_SERVICE } from '../../../application/ports/token-service';
import { USER_REPOSITORY } from '../../../application/ports/user-repository';
import { Argon2PasswordHasher } from '../../auth/argon2-password-hasher';
import { JwtTokenService } from '../../auth/jwt-token-service';
import { KnexRefreshTokenStore } from '../../knex/knex-refresh-token-store';
import { KnexUserRepository } from '../../knex/knex-user-repository';
import { RedisRateLimiter } from '../../redis/redis-rate-limiter';

/** Sign-up, login, token refresh and logout, with their adapters. */
export const authModule = new ContainerModule(({ bind }) => {
  bind(PASSWORD_HASHER).to(Argon2PasswordHasher);
  bind(TOKEN_SERVICE).to(JwtTokenService);
  bind(USER_REPOSITORY).to(KnexUserRepository);
  bind(REFRESH_TOKEN_STORE).to(KnexRefreshTokenStore);
  bind(RATE_LIMITER).to(RedisRateLimiter);

  bind(LoginThrottle).toSelf();
  bind(SignUpThrottle).toSelf();
  bind(SignUpHandler).toSelf();
  bind(LogInHandler).toSelf();
  bind(RefreshSessionHandler).toSelf();
  bind(LogOutHandler).toSelf();
});
