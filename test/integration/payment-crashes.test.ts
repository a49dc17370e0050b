import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { expect } from 'chai';
import { ReconcilePaymentsHandler, type ReconcileDecision } from '../../src/application/commands/reconcile-payments/reconcile-payments-handler';
import type { FailpointName } from '../../src/application/ports/failpoints';
import type { AppContainer } from '../../src/infrastructure/container/create-container';
import { moneyInvariantViolations } from '../../src/interfaces/cli/money-invariants';
import { createOffering, kindPaths } from '../support/offerings';
import { reconcilerContainer } from '../support/reconciler';
import { testConfig } from '../support/test-config';
import { freePort } from '../support/free-port';
import { type TestServer, sharedServer } from '../support/test-server';
import { createUser } from '../support/users';

const STARTUP_MS = 30_000;

/** The API in a process of its own, armed to die with SIGKILL at one failpoint. */
async function startDoomedApi(failpoint: FailpointName): Promise<{ process: ChildProcess; url: string }> {
  const config = testConfig();
  const port = await freePort();
  const child = spawn(process.execPath, ['scripts/run-entry.cjs', 'interfaces/http/main'], {
    env: {
      ...process.env,
      NODE_ENV: 'test',
      PORT: String(port),
      // Its metrics are not read here, and the default port may be another process's.
      METRICS_PORT: '0',
      DATABASE_URL: config.databaseUrl,
      REDIS_URL: config.redisUrl,
      LOG_LEVEL: 'silent',
      DEMO_DATA: '0',
      READS_PER_MINUTE: '0',
      // The lock the killed process held expires after its lease: short here, so that the test
      // need not wait long before the reconciler (or the user's next request) may take it.
      LOCK_LEASE_MS: '1000',
      FAILPOINT: failpoint,
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  // A cold start compiles the sources first: on a busy machine that has taken over ten seconds.
  const deadline = Date.now() + STARTUP_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the API process exited at start (code ${child.exitCode})`);
    if (await fetch(`${url}/healthz`).then((res) => res.ok, () => false)) return { process: child, url };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the API process did not start within ${STARTUP_MS} ms`);
}

interface Scenario {
  readonly failpoint: FailpointName;
  /** What the reconciler decides for the payment afterwards (none when nothing is left). */
  readonly decision: ReconcileDecision | null;
  /** The payment's status once everything is settled. */
  readonly settled: 'paid' | 'failed' | 'cancelled';
}

const SCENARIOS: readonly Scenario[] = [
  { failpoint: 'register.after-pending', decision: 'failed_uncharged', settled: 'failed' },
  { failpoint: 'register.after-charge', decision: 'completed', settled: 'paid' },
  { failpoint: 'register.before-commit', decision: 'completed', settled: 'paid' },
  { failpoint: 'register.after-commit', decision: null, settled: 'paid' },
  { failpoint: 'cancel.after-intent', decision: 'cancel_finished', settled: 'cancelled' },
  { failpoint: 'cancel.after-refund', decision: 'cancel_finished', settled: 'cancelled' },
];

describe('Payments survive the API process dying (SIGKILL) at any point', function () {
  this.timeout(120_000);
  let server: TestServer;
  let reconciler: AppContainer;
  before(async () => {
    server = await sharedServer();
    reconciler = reconcilerContainer();
  });
  after(async () => {
    await reconciler?.dispose();
  });

  for (const { failpoint, decision, settled } of SCENARIOS) {
    it(`${failpoint}: the reconciler settles it (${decision ?? 'nothing left'}) and every money invariant holds`, async () => {
      const user = await createUser(server.api);
      const itemId = await createOffering(server.db, 'test');
      const pay = { amount: '45000.00', payment_method: 'card' };
      let paymentId: number | undefined;
      if (failpoint.startsWith('cancel.')) {
        const registered = await server.api.post(kindPaths('test').register(itemId), pay, { token: user.access });
        expect(registered.status).to.equal(201);
        paymentId = registered.body.payment_id;
      }

      const doomed = await startDoomedApi(failpoint);
      const exited = once(doomed.process, 'exit');
      const request = failpoint.startsWith('cancel.')
        ? fetch(`${doomed.url}/api/payments/${paymentId}/cancel/`, { method: 'POST', headers: { authorization: `Bearer ${user.access}`, 'content-type': 'application/json' }, body: '{}' })
        : fetch(`${doomed.url}${kindPaths('test').register(itemId)}`, { method: 'POST', headers: { authorization: `Bearer ${user.access}`, 'content-type': 'application/json' }, body: JSON.stringify(pay) });
      const answered = await request.then(() => true, () => false);
      const [, signal] = await exited;
      expect(signal, 'the process was killed at the failpoint').to.equal('SIGKILL');
      expect(answered, 'no answer came').to.equal(false);

      const [payment] = await server.db('payments').where({ user_id: user.id });
      const entries = await reconciler.container.get(ReconcilePaymentsHandler).execute();
      expect(entries.find((entry) => entry.paymentId === payment.id)?.decision ?? null).to.equal(decision);
      expect((await server.db('payments').where({ id: payment.id }).first()).status).to.equal(settled);
      expect(await moneyInvariantViolations(server.db, [user.id])).to.deep.equal([]);

      // Afterwards the service answers as if nothing happened: the user can register (again).
      const after = await server.api.post(kindPaths('test').register(itemId), pay, { token: user.access });
      expect(after.status).to.equal(settled === 'paid' ? 400 : 201);
      expect(await moneyInvariantViolations(server.db, [user.id])).to.deep.equal([]);
    });
  }
});
