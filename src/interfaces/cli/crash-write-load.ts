import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import type { Knex } from 'knex';
import { ReconcilePaymentsHandler, type ReconcileEntry } from '../../application/commands/reconcile-payments/reconcile-payments-handler';
import type { Config } from '../../infrastructure/config/config';
import { createContainer } from '../../infrastructure/container/create-container';
import { createLogger } from '../../infrastructure/logging/logger';
import { seedUserEmail } from '../../infrastructure/seed/seed-sizes';
import { moneyInvariantViolations } from './money-invariants';
import { type WriteLoadResult, runWriteLoad } from './write-load';
import { API_NODE_FLAGS } from '../http/runtime-flags';

export interface CrashWriteLoadResult extends WriteLoadResult {
  readonly reconciled: readonly ReconcileEntry[];
  readonly moneyViolations: readonly string[];
}

/**
 * The write load against an API process of its own, killed with SIGKILL halfway through and
 * started again; then the reconciler settles what the crash left, and the money invariants are
 * checked over every payment the load made.
 */
export async function runWriteLoadThroughACrash(options: {
  readonly config: Config;
  readonly db: Knex;
  readonly port: number;
  readonly users: number;
  readonly connections: number;
  readonly durationSeconds: number;
}): Promise<CrashWriteLoadResult> {
  const { config, db, port } = options;
  const since = new Date();
  const baseUrl = `http://127.0.0.1:${port}`;
  let api = await startApi(baseUrl, port);
  const restart = { done: Promise.resolve() };
  let crash: NodeJS.Timeout | undefined;
  // Halfway through the timed load, after the users have logged in.
  const crashHalfway = () => {
    crash = setTimeout(() => {
      const killed = once(api, 'exit');
      api.kill('SIGKILL');
      restart.done = killed.then(async () => {
        api = await startApi(baseUrl, port);
      });
    }, (options.durationSeconds * 1000) / 2);
  };
  let result: WriteLoadResult;
  try {
    result = await runWriteLoad({ baseUrl, db, users: options.users, connections: options.connections, durationSeconds: options.durationSeconds, onLoadStart: crashHalfway });
  } finally {
    clearTimeout(crash);
    // A restart still under way when the load ends (a slow start) finishes first, so that the
    // process stopped here is the last one started, not the killed one, whose exit has passed.
    await restart.done.catch(() => undefined);
    await stopApi(api);
  }

  const reconciler = createContainer({ ...config, reconcile: { ...config.reconcile, afterMs: 0 } }, { logger: createLogger('warn') });
  const reconciled: ReconcileEntry[] = [];
  try {
    // Locks the killed process held expire after their lease; payments behind them wait a round.
    for (let round = 0; round < 20; round += 1) {
      const entries = await reconciler.container.get(ReconcilePaymentsHandler).execute();
      reconciled.push(...entries.filter((entry) => entry.decision !== 'deferred'));
      if (!entries.some((entry) => entry.decision === 'deferred')) break;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } finally {
    await reconciler.dispose();
  }
  const emails = Array.from({ length: options.users }, (_, i) => seedUserEmail(i + 2));
  const userIds = (await db('users').whereIn('email', emails).select('id')).map((row: { id: number }) => row.id);
  return { ...result, reconciled, moneyViolations: await moneyInvariantViolations(db, userIds, since) };
}

async function stopApi(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

async function startApi(baseUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [...API_NODE_FLAGS, 'scripts/run-entry.cjs', 'interfaces/http/main'], {
    env: { ...process.env, PORT: String(port), METRICS_PORT: '0', LOG_LEVEL: 'warn', READS_PER_MINUTE: '0', REGISTRATIONS_PER_MINUTE: '100000', LOCK_LEASE_MS: '1000', DEMO_DATA: '0' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 200; i += 1) {
    if (await fetch(`${baseUrl}/healthz`).then((res) => res.ok, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the API process for the crash run did not start');
}
