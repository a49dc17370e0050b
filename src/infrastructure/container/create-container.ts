import 'reflect-metadata';
import { Container } from 'inversify';
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import { LogInHandler } from '../../application/commands/log-in/log-in-handler';
import { LOGIN_THROTTLE_POLICY, LoginThrottle } from '../../application/commands/log-in/login-throttle';
import { LogOutHandler } from '../../application/commands/log-out/log-out-handler';
import { RefreshSessionHandler } from '../../application/commands/refresh-session/refresh-session-handler';
import { SignUpHandler } from '../../application/commands/sign-up/sign-up-handler';
import { CLOCK } from '../../application/ports/clock';
import { PASSWORD_HASHER } from '../../application/ports/password-hasher';
import { RATE_LIMITER } from '../../application/ports/rate-limiter';
import { REFRESH_TOKEN_STORE } from '../../application/ports/refresh-token-store';
import { TOKEN_SERVICE } from '../../application/ports/token-service';
import { USER_REPOSITORY } from '../../application/ports/user-repository';
import { Argon2PasswordHasher } from '../auth/argon2-password-hasher';
import { JWT_SETTINGS, JwtTokenService } from '../auth/jwt-token-service';
import { SystemClock } from '../clock/system-clock';
import { CONFIG } from '../config/config-token';
import type { Config } from '../config/config';
import { KNEX, createKnex } from '../knex/create-knex';
import { KnexRefreshTokenStore } from '../knex/knex-refresh-token-store';
import { KnexUserRepository } from '../knex/knex-user-repository';
import { DEPENDENCY_PROBES } from '../health/dependency-probe';
import { postgresProbe, redisProbe } from '../health/core-probes';
import { LOGGER, createLogger, type Logger } from '../logging/logger';
import { REDIS, createRedis } from '../redis/create-redis';
import { RedisRateLimiter } from '../redis/redis-rate-limiter';

export interface AppContainer {
  readonly container: Container;
  /** Closes the pools and connections the container opened. */
  dispose(): Promise<void>;
}

export interface ContainerOverrides {
  readonly logger?: Logger;
}

/** Wires every handler and adapter. Connections open lazily; `dispose` closes them. */
export function createContainer(config: Config, overrides: ContainerOverrides = {}): AppContainer {
  const container = new Container({ defaultScope: 'Singleton' });
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const db = createKnex(config.databaseUrl, config.dbPoolMax);
  const redis = createRedis(config.redisUrl);
  redis.on('error', (error: Error) => logger.warn({ err: error.message }, 'redis connection error'));

  container.bind(CONFIG).toConstantValue(config);
  container.bind(LOGGER).toConstantValue(logger);
  container.bind<Knex>(KNEX).toConstantValue(db);
  container.bind<Redis>(REDIS).toConstantValue(redis);
  container.bind(JWT_SETTINGS).toConstantValue(config.jwt);
  container.bind(LOGIN_THROTTLE_POLICY).toConstantValue(config.loginThrottle);
  container.bind(DEPENDENCY_PROBES).toConstantValue([postgresProbe(db), redisProbe(redis)]);

  container.bind(CLOCK).to(SystemClock);
  container.bind(PASSWORD_HASHER).to(Argon2PasswordHasher);
  container.bind(TOKEN_SERVICE).to(JwtTokenService);
  container.bind(USER_REPOSITORY).to(KnexUserRepository);
  container.bind(REFRESH_TOKEN_STORE).to(KnexRefreshTokenStore);
  container.bind(RATE_LIMITER).to(RedisRateLimiter);

  container.bind(LoginThrottle).toSelf();
  container.bind(SignUpHandler).toSelf();
  container.bind(LogInHandler).toSelf();
  container.bind(RefreshSessionHandler).toSelf();
  container.bind(LogOutHandler).toSelf();

  return {
    container,
    async dispose() {
      redis.disconnect();
      await db.destroy();
    },
  };
}
