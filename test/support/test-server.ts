import type { Knex } from 'knex';
import type { Config } from '../../src/infrastructure/config/config';
import type { ContainerOverrides } from '../../src/infrastructure/container/create-container';
import { KNEX } from '../../src/infrastructure/knex/create-knex';
import { createLogger } from '../../src/infrastructure/logging/logger';
import { type RunningServer, startServer } from '../../src/interfaces/http/server';
import { ApiClient } from './api-client';
import { TestClock } from './test-clock';
import { testConfig } from './test-config';

export interface TestServer {
  readonly running: RunningServer;
  readonly api: ApiClient;
  readonly db: Knex;
  readonly config: Config;
  /** The server's clock, which a test may set (see `TestClock`). */
  readonly clock: TestClock;
}

let shared: Promise<TestServer> | null = null;

/** Starts the real app on a random port against the test database and Redis. */
export async function startTestServer(overrides: NodeJS.ProcessEnv = {}, adapters: ContainerOverrides = {}): Promise<TestServer> {
  const config = testConfig(overrides);
  const clock = new TestClock();
  const running = await startServer(config, { logger: createLogger(config.logLevel), clock, ...adapters });
  return {
    running,
    api: new ApiClient(`http://127.0.0.1:${running.port}`),
    db: running.app.container.get<Knex>(KNEX),
    config,
    clock,
  };
}

/** Runs `work` against a server of its own configuration, closed afterwards whatever happens. */
export async function withTestServer<T>(overrides: NodeJS.ProcessEnv, work: (server: TestServer) => Promise<T>): Promise<T> {
  const server = await startTestServer(overrides);
  try {
    return await work(server);
  } finally {
    await server.running.close();
  }
}

/** One server shared by every suite that needs no special configuration; closed after the run. */
export function sharedServer(): Promise<TestServer> {
  shared ??= startTestServer();
  return shared;
}

export async function closeSharedServer(): Promise<void> {
  if (!shared) return;
  const server = await shared;
  shared = null;
  await server.running.close();
}
