import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { type AppContainer, type ContainerOverrides, createContainer } from '../../infrastructure/container/create-container';
import type { Config } from '../../infrastructure/config/config';
import { LOGGER, type Logger } from '../../infrastructure/logging/logger';
import { METRICS_REGISTRY } from '../../infrastructure/metrics/metrics-registry';
import { REDIS, assertSelectedDatabase, waitForRedis } from '../../infrastructure/redis/create-redis';
import { createApp } from './app';
import { answerClientErrorsWithProblems } from './client-error-response';
import { type MetricsListener, listenForScrapes } from '../metrics/metrics-listener';

const REDIS_STARTUP_WAIT_MS = 3_000;
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  /** The port of the metrics listener; null when metrics are not served. */
  readonly metricsPort: number | null;
  readonly app: AppContainer;
  /** Stops accepting connections, lets in-flight requests finish, then closes the pools. */
  close(): Promise<void>;
}

export async function startServer(config: Config, overrides: ContainerOverrides = {}): Promise<RunningServer> {
  const appContainer = createContainer(config, overrides);
  const redis = appContainer.container.get<Redis>(REDIS);
  // A Redis that is down at start is not waited for (reads need none); one that answers in
  // another database than REDIS_URL names is a misconfiguration, refused at once.
  if (await waitForRedis(redis, REDIS_STARTUP_WAIT_MS)) {
    await assertSelectedDatabase(redis).catch(async (error: unknown) => {
      await appContainer.dispose();
      throw error;
    });
  }
  const koa = createApp(appContainer);
  const server = koa.listen(config.port);
  server.keepAliveTimeout = 65_000;
  answerClientErrorsWithProblems(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const metrics = await startMetrics(appContainer, config).catch(async (error: unknown) => {
    await new Promise((resolve) => server.close(resolve));
    await appContainer.dispose();
    throw error;
  });
  return {
    server,
    port,
    metricsPort: metrics?.port ?? null,
    app: appContainer,
    async close() {
      await metrics?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections become idle as their last response is sent: close each one
        // then, and cut whatever is left once the grace period is over.
        const sweeper = setInterval(() => server.closeIdleConnections(), 50);
        const deadline = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
        server.once('close', () => {
          clearInterval(sweeper);
          clearTimeout(deadline);
        });
      });
      await appContainer.dispose();
    },
  };
}

function startMetrics({ container }: AppContainer, config: Config): Promise<MetricsListener | null> {
  if (!config.metrics.port) return Promise.resolve(null);
  return listenForScrapes(container.get(METRICS_REGISTRY), { port: config.metrics.port, token: config.metrics.token }, container.get<Logger>(LOGGER));
}
