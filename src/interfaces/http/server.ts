import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type AppContainer, createContainer } from '../../infrastructure/container/create-container';
import type { Config } from '../../infrastructure/config/config';
import type { Logger } from '../../infrastructure/logging/logger';
import { createApp } from './app';

export interface RunningServer {
  readonly server: Server;
  readonly port: number;
  readonly app: AppContainer;
  /** Stops accepting connections, lets in-flight requests finish, then closes the pools. */
  close(): Promise<void>;
}

export async function startServer(config: Config, options: { logger?: Logger } = {}): Promise<RunningServer> {
  const appContainer = createContainer(config, { logger: options.logger });
  const koa = createApp(appContainer);
  const server = koa.listen(config.port);
  server.keepAliveTimeout = 65_000;
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
        server.closeIdleConnections();
      });
      await appContainer.dispose();
    },
  };
}
