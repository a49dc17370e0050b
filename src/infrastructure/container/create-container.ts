import 'reflect-metadata';
import { Container } from 'inversify';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { Registry } from 'prom-client';
import { EVENT_RECORDER } from '../../application/ports/event-recorder';
import { LOGIN_THROTTLE_POLICY } from '../../application/commands/log-in/login-throttle';
import { SIGN_UP_THROTTLE_POLICY } from '../../application/commands/sign-up/sign-up-throttle';
import { SEARCH_SYNC_POLICY } from '../../application/commands/sync-search-index/sync-search-index-handler';
import { CLOCK, type Clock } from '../../application/ports/clock';
import { LOCK_PORT, type LockPort } from '../../application/ports/lock-port';
import type { SearchIndex } from '../../application/ports/search-index';
import { SEARCH_INDEX_NAMING } from '../../application/search/index-names';
import { JWT_SETTINGS } from '../auth/jwt-token-service';
import { SystemClock } from '../clock/system-clock';
import type { Config } from '../config/config';
import { CONFIG } from '../config/config-token';
import { postgresProbe, redisProbe } from '../health/core-probes';
import { DEPENDENCY_PROBES } from '../health/dependency-probe';
import { KNEX, createKnex, firstLine } from '../knex/create-knex';
import { RECORD_SEARCH_CHANGES } from '../knex/knex-unit-of-work';
import { FAILPOINTS } from '../../application/ports/failpoints';
import { RECONCILE_POLICY } from '../../application/commands/reconcile-payments/reconcile-payments-handler';
import { ProcessKillFailpoints } from '../failpoints/process-kill-failpoints';
import { contextualLogger } from '../logging/log-context';
import { LOGGER, type Logger, createLogger } from '../logging/logger';
import { repeatLimited } from '../logging/repeat-limited';
import { SEARCH_SYNC_QUEUE, createQueueConnection, createSearchSyncQueue } from '../queue/search-sync-queue';
import { REDIS, createRedis } from '../redis/create-redis';
import { LOCK_SETTINGS, RedlockLock } from '../redis/redlock-lock';
import { CATALOGUE_COUNT_POLICY } from '../search/postgres/catalogue-counter';
import { PASSWORD_HASH_MEMORY_KIB } from '../auth/argon2-password-hasher';
import { LIST_OFFERINGS_POLICY } from '../../application/queries/list-offerings/list-offerings-handler';
import { FanOutEventRecorder } from '../events/fan-out-event-recorder';
import { LoggedEvents } from '../events/logged-events';
import { EventMetrics } from '../metrics/event-metrics';
import { registerDatabasePoolMetrics } from '../metrics/database-pool-metrics';
import { HttpMetrics } from '../metrics/http-metrics';
import { MEASURED_LOCK_INNER, MeasuredLock } from '../metrics/measured-lock';
import { METRICS_REGISTRY } from '../metrics/metrics-registry';
import { registerRedisMetrics } from '../metrics/redis-metrics';
import { WorkerMetrics } from '../metrics/worker-metrics';
import { bindSearchEngine } from './bind-search-engine';
import { authModule } from './modules/auth-module';
import { catalogueModule } from './modules/catalogue-module';
import { commandsModule } from './modules/commands-module';
import { searchSyncModule } from './modules/search-sync-module';

export interface AppContainer {
  readonly container: Container;
  /** Closes the pools and connections the container opened. */
  dispose(): Promise<void>;
}

export interface ContainerOverrides {
  readonly logger?: Logger;
  /** Replaces the search index adapter (tests use an in-memory one: no engine runs there). */
  readonly searchIndex?: SearchIndex;
  /** Replaces the distributed lock (tests prove the database alone prevents double payment). */
  readonly lock?: LockPort;
  /** Replaces the system clock (tests set the time instead of waiting for it). */
  readonly clock?: Clock;
  /** Last word on the wiring, for fault-injection tests (e.g. a write that fails mid-command). */
  readonly configure?: (container: Container) => void;
}

/** One container module per feature; each binds its handlers and the adapters of its ports. */
const FEATURE_MODULES = [authModule, catalogueModule, commandsModule, searchSyncModule];

/** Wires every handler and adapter. Connections open lazily; `dispose` closes them. */
export function createContainer(config: Config, overrides: ContainerOverrides = {}): AppContainer {
  const container = new Container({ defaultScope: 'Singleton' });
  // Whoever gets the logger writes through the current request's (or job's) child logger.
  const logger = contextualLogger(overrides.logger ?? createLogger(config.logLevel));
  const db = createKnex(config.databaseUrl, config.dbPoolMax, {
    statementTimeoutMs: config.dbStatementTimeoutMs,
    workMem: config.dbWorkMem,
    // The driver's messages carry stack traces: kept for debug, their first line otherwise.
    log: {
      warn: (message) => logger.warn({ knex: logger.isLevelEnabled('debug') ? message : firstLine(message) }, 'database client warning'),
      error: (message) => logger.error({ knex: logger.isLevelEnabled('debug') ? message : firstLine(message) }, 'database client error'),
    },
  });
  const redis = createRedis(config.redisUrl, config.redisKeyPrefix);
  const connectionFailed = repeatLimited((fields, message) => logger.warn(fields, message));
  redis.on('error', (error: Error) => connectionFailed('redis connection error', error.message));

  container.bind(CONFIG).toConstantValue(config);
  container.bind(LOGGER).toConstantValue(logger);
  container.bind<Knex>(KNEX).toConstantValue(db);
  container.bind<Redis>(REDIS).toConstantValue(redis);
  container.bind(JWT_SETTINGS).toConstantValue(config.jwt);
  container.bind(PASSWORD_HASH_MEMORY_KIB).toConstantValue(config.passwordHashMemoryKib);
  container.bind(LOGIN_THROTTLE_POLICY).toConstantValue(config.loginThrottle);
  container.bind(SIGN_UP_THROTTLE_POLICY).toConstantValue(config.signUpThrottle);
  if (overrides.clock) container.bind(CLOCK).toConstantValue(overrides.clock);
  else container.bind(CLOCK).to(SystemClock);

  const queueConnection = createQueueConnection(config.redisUrl);
  queueConnection.on('error', (error: Error) => connectionFailed('queue connection error', error.message));
  const searchSyncQueue = createSearchSyncQueue(queueConnection, config.redisKeyPrefix);
  // Its connection's errors are logged above; without a listener BullMQ prints them all again.
  searchSyncQueue.on('error', (error: Error) => logger.debug({ err: error.message }, 'search sync queue error'));
  container.bind(SEARCH_SYNC_QUEUE).toConstantValue(searchSyncQueue);
  container.bind(SEARCH_INDEX_NAMING).toConstantValue({ prefix: config.searchSync.indexPrefix });
  container.bind(SEARCH_SYNC_POLICY).toConstantValue(config.searchSync);
  container.bind(CATALOGUE_COUNT_POLICY).toConstantValue(config.catalogueCount);
  container.bind(LIST_OFFERINGS_POLICY).toConstantValue({ maxResultWindow: config.maxResultWindow });
  container.bind(FAILPOINTS).toConstantValue(new ProcessKillFailpoints(config.failpoint));
  container.bind(RECONCILE_POLICY).toConstantValue(config.reconcile);
  container.bind(RECORD_SEARCH_CHANGES).toConstantValue(config.searchEngine === 'meilisearch' || overrides.searchIndex !== undefined);
  container.bind(LOCK_SETTINGS).toConstantValue(config.lock);
  if (overrides.lock) container.bind(MEASURED_LOCK_INNER).toConstantValue(overrides.lock);
  else container.bind(MEASURED_LOCK_INNER).to(RedlockLock);
  container.bind<LockPort>(LOCK_PORT).to(MeasuredLock);

  // Metrics that need no request to exist are registered now; the HTTP and worker metrics when
  // their process asks for them.
  const registry = new Registry();
  container.bind(METRICS_REGISTRY).toConstantValue(registry);
  registerDatabasePoolMetrics(registry, db);
  registerRedisMetrics(registry, { commands: redis, queue: queueConnection });
  container.bind(HttpMetrics).toSelf();
  container.bind(WorkerMetrics).toSelf();
  container.bind(EVENT_RECORDER).toConstantValue(new FanOutEventRecorder([new LoggedEvents(logger), new EventMetrics(registry)], logger));

  const searchProbes = bindSearchEngine(container, config, overrides.searchIndex);
  container.bind(DEPENDENCY_PROBES).toConstantValue([postgresProbe(db), redisProbe(redis), ...searchProbes]);

  container.load(...FEATURE_MODULES);
  overrides.configure?.(container);

  return {
    container,
    async dispose() {
      await searchSyncQueue.close().catch(() => undefined);
      queueConnection.disconnect();
      redis.disconnect();
      await db.destroy();
    },
  };
}

