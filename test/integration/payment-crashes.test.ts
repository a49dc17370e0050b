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

  for (const { failpoint, settled } of SCENARIOS.filter((scenario) => scenario.failpoint.startsWith('register.'))) {
    it(`${failpoint}: a retry under the same Idempotency-Key gets the answer the dead request never gave, charging nothing again`, async () => {
      const user = await createUser(server.api);
      const itemId = await createOffering(server.db, 'test');
      const pay = { amount: '45000.00', payment_method: 'card' };
      const key = `crash-${failpoint}-${user.id}`;
      const doomed = await startDoomedApi(failpoint);
      const exited = once(doomed.process, 'exit');
      const headers = { authorization: `Bearer ${user.access}`, 'content-type': 'application/json', 'idempotency-key': key };
      await fetch(`${doomed.url}${kindPaths('test').register(itemId)}`, { method: 'POST', headers, body: JSON.stringify(pay) }).catch(() => undefined);
      await exited;
      const retry = () => server.api.post(kindPaths('test').register(itemId), pay, { token: user.access, headers: { 'idempotency-key': key } });
      expect((await retry()).body.code, 'the dead request still holds the key').to.equal('idempotency_request_in_progress');
      // A minute later the key is taken over (the claim is aged here rather than waited for).
      const abandon = () => server.db('idempotency_records').where({ user_id: user.id, key }).update({ created_at: new Date(Date.now() - 120_000) });
      await abandon();
      const [payment] = await server.db('payments').where({ user_id: user.id });
      if (payment.status === 'pending') {
        const unsettled = await retry();
        expect([unsettled.status, unsettled.body.code], 'until the reconciler settles the payment').to.deep.equal([409, 'lock_busy']);
        expect(unsettled.headers.get('retry-after')).to.equal('1');
      }
      await reconciler.container.get(ReconcilePaymentsHandler).execute();
      const answered = await retry();
      expect(answered.status).to.equal(201);
      expect(answered.headers.get('idempotent-replayed'), 'run again, not replayed').to.equal(null);
      const payments = await server.db('payments').where({ user_id: user.id }).orderBy('id');
      if (settled === 'paid') {
        expect(answered.body.payment_id, 'the payment the dead request made').to.equal(payment.id);
        expect(payments, 'nothing charged again').to.have.length(1);
      } else {
        expect(payments.map((row) => row.status), 'charged once, by the retry').to.deep.equal(['failed', 'paid']);
        expect(answered.body.payment_id).to.equal(payments[1].id);
      }
      const [registration] = await server.db('test_registrations').where({ user_id: user.id, test_id: itemId }).whereNot({ status: 'cancelled' });
      expect(answered.body.registration_id).to.equal(registration.id);
      expect(await moneyInvariantViolations(server.db, [user.id])).to.deep.equal([]);
      // Stored now: the next retry is a replay of the same answer.
      const replayed = await retry();
      expect([replayed.status, replayed.headers.get('idempotent-replayed')]).to.deep.equal([201, 'true']);
      expect(replayed.body).to.deep.equal(answered.body);
    });
  }

  it('register.after-commit: a retry under the same Idempotency-Key after the user cancelled that payment gets it, charging nothing again', async () => {
    const user = await createUser(server.api);
    const itemId = await createOffering(server.db, 'test');
    const pay = { amount: '45000.00', payment_method: 'card' };
    const key = `crash-cancelled-${user.id}`;
    const doomed = await startDoomedApi('register.after-commit');
    const exited = once(doomed.process, 'exit');
    const headers = { authorization: `Bearer ${user.access}`, 'content-type': 'application/json', 'idempotency-key': key };
    await fetch(`${doomed.url}${kindPaths('test').register(itemId)}`, { method: 'POST', headers, body: JSON.stringify(pay) }).catch(() => undefined);
    await exited;
    const [payment] = await server.db('payments').where({ user_id: user.id });
    expect((await server.api.post(`/api/payments/${payment.id}/cancel/`, {}, { token: user.access })).status, 'found in the history and cancelled').to.equal(200);
    await server.db('idempotency_records').where({ user_id: user.id, key }).update({ created_at: new Date(Date.now() - 120_000) });

    const retry = await server.api.post(kindPaths('test').register(itemId), pay, { token: user.access, headers: { 'idempotency-key': key } });
    expect(retry.status).to.equal(201);
    expect(retry.body.payment_id, 'the payment the dead request made').to.equal(payment.id);
    expect((await server.db('payments').where({ user_id: user.id })).map((row) => row.status), 'nothing charged again').to.deep.equal(['cancelled']);
    expect(await moneyInvariantViolations(server.db, [user.id])).to.deep.equal([]);
    const again = await server.api.post(kindPaths('test').register(itemId), pay, { token: user.access });
    expect(again.status, 'a new request, without the key, registers again').to.equal(201);
  });

  for (const { failpoint } of SCENARIOS.filter((scenario) => scenario.failpoint.startsWith('cancel.'))) {
    it(`${failpoint}: a retry under the same Idempotency-Key, after the reconciler finished the cancel, gets the answer the dead request never gave`, async () => {
      const user = await createUser(server.api);
      const itemId = await createOffering(server.db, 'test');
      const registered = await server.api.post(kindPaths('test').register(itemId), { amount: '45000.00', payment_method: 'card' }, { token: user.access });
      const paymentId: number = registered.body.payment_id;
      const key = `crash-${failpoint}-${user.id}`;
      const doomed = await startDoomedApi(failpoint);
      const exited = once(doomed.process, 'exit');
      const headers = { authorization: `Bearer ${user.access}`, 'content-type': 'application/json', 'idempotency-key': key };
      await fetch(`${doomed.url}/api/payments/${paymentId}/cancel/`, { method: 'POST', headers, body: '{}' }).catch(() => undefined);
      await exited;
      await server.db('idempotency_records').where({ user_id: user.id, key }).update({ created_at: new Date(Date.now() - 120_000) });
      await reconciler.container.get(ReconcilePaymentsHandler).execute();
      const payment = await server.db('payments').where({ id: paymentId }).first();
      expect(payment.status).to.equal('cancelled');

      const retry = await server.api.post(`/api/payments/${paymentId}/cancel/`, {}, { token: user.access, headers: { 'idempotency-key': key } });
      expect(retry.status).to.equal(200);
      expect(retry.body).to.deep.equal({ payment_id: paymentId, status: 'cancelled', cancelled_at: payment.cancelled_at.toISOString() });
      const other = await server.api.post(`/api/payments/${paymentId}/cancel/`, {}, { token: user.access, headers: { 'idempotency-key': `${key}-other` } });
      expect(other.body.code, 'another request finds it cancelled').to.equal('already_cancelled');
      expect(await moneyInvariantViolations(server.db, [user.id]), 'refunded once').to.deep.equal([]);
    });
  }
});
