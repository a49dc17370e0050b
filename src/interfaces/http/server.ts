import { type IncomingMessage, type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Redis } from 'ioredis';
import { type AppContainer, type ContainerOverrides, createContainer } from '../../infrastructure/container/create-container';
import type { Config } from '../../infrastructure/config/config';
import { LOGGER, type Logger } from '../../infrastructure/logging/logger';
import { METRICS_REGISTRY } from '../../infrastructure/metrics/metrics-registry';
import { REDIS, assertSelectedDatabase, waitForRedis } from '../../infrastructure/redis/create-redis';
import { createApp } from './app';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from './client-timeouts';
import { type SocketWithResponse, answerClientErrorsWithProblems, endWithProblem } from './client-error-response';
import { type MetricsListener, listenForScrapes } from '../metrics/metrics-listener';

const REDIS_STARTUP_WAIT_MS = 3_000;
const SHUTDOWN_GRACE_MS = 10_000;
const CONNECT_LINGER_MS = 5_000;

/** How often Node checks the client timeouts (`client-timeouts.ts`). */
const TIMEOUTS_CHECKED_EVERY_MS = 2_000;

/** Every method some route of the service answers (`Allow` of a method no request target can have). */
export const METHODS_SERVED = ['GET', 'HEAD', 'POST', 'PATCH', 'DELETE', 'OPTIONS'] as const;

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
  // A request without `Host` reaches the application, which refuses it with a problem, as it
  // refuses a malformed one (Node would answer it with a bare 400 of its own).
  const server = createServer(
    { requireHostHeader: false, headersTimeout: HEADERS_TIMEOUT_MS, requestTimeout: REQUEST_TIMEOUT_MS, connectionsCheckingInterval: TIMEOUTS_CHECKED_EVERY_MS },
    koa.callback(),
  );
  server.listen(config.port);
  server.keepAliveTimeout = 65_000;
  answerClientErrorsWithProblems(server);
  // An `Expect` other than 100-continue would be answered by Node with a bare 417 (no problem,
  // no request id): the application refuses it as it refuses any request (request-line-guard).
  server.on('checkExpectation', koa.callback());
  server.on('connect', refuseConnect);
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

/**
 * CONNECT asks a proxy for a tunnel; this service is none, and serves the method on no path: a
 * 405 problem with `Allow`, as any method it implements nowhere. Node hands the raw connection
 * over (without a listener it closes it unanswered), so the answer is written on the socket, and
 * the connection closed, as the answers to requests Node's parser refuses are; nothing is written
 * while an earlier response on the connection is being sent, where it would corrupt it.
 */
function refuseConnect(_request: IncomingMessage, socket: SocketWithResponse): void {
  // Node stops watching a connection it hands over: its errors (a reset) are this listener's.
  socket.on('error', () => socket.destroy());
  if (!socket.writable || socket._httpMessage) {
    socket.destroy();
    return;
  }
  // Whatever the client sends after the request is read and dropped: closing the connection
  // with it unread would reset it, and the client could lose the answer. A client that keeps
  // the connection open after the answer has it closed after a while.
  socket.resume();
  const linger = setTimeout(() => socket.destroy(), CONNECT_LINGER_MS).unref();
  socket.once('close', () => clearTimeout(linger));
  const allowed = METHODS_SERVED.join(', ');
  endWithProblem(socket, 405, `This service is not a proxy. Allowed: ${allowed}.`, { Allow: allowed });
}
