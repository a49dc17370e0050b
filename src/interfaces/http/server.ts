import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { type AppContainer, type ContainerOverrides, createContainer } from '../../infrastructure/container/create-container';
import type { Config } from '../../infrastructure/config/config';
import { REDIS, waitForRedis } from '../../infrastructure/redis/create-redis';
import { createApp } from './app';
import { answerClientErrorsWithProblems } from './client-error-response';

const REDIS_STARTUP_WAIT_MS = 3_000;
const SHUTDOWN_GRACE_MS = 10_000;

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly app: AppContainer;
  /** Stops accepting connections, lets in-flight requests finish, then closes the pools. */
  close(): Promise<void>;
}

export async function startServer(config: Config, overrides: ContainerOverrides = {}): Promise<RunningServer> {
  const appContainer = createContainer(config, overrides);
  await waitForRedis(appContainer.container.get<Redis>(REDIS), REDIS_STARTUP_WAIT_MS);
  const koa = createApp(appContainer);
  const server = koa.listen(config.port);
  server.keepAliveTimeout = 65_000;
  answerClientErrorsWithProblems(server);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  return {
    server,
    port,
    app: appContainer,
    async close() {
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
