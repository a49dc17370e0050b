import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { PAYMENT_GATEWAY, type PaymentGateway } from '../../src/application/ports/payment-gateway';
import { PaymentDeclined } from '../../src/domain/errors';
import { Money } from '../../src/domain/money';
import { ReconcilePaymentsHandler } from '../../src/application/commands/reconcile-payments/reconcile-payments-handler';
import type { SimulatedFault, StrategyPaymentGateway } from '../../src/infrastructure/payments/strategy-payment-gateway';
import { createOffering, kindPaths } from '../support/offerings';
import { moneyInvariantViolations } from '../../src/interfaces/cli/money-invariants';
import { type TestServer, sharedServer, startTestServer } from '../support/test-server';
import { createUser } from '../support/users';

describe('The simulated payment gateway and its ledger', () => {
  let server: TestServer;
  let gateway: PaymentGateway;
  before(async () => {
    server = await sharedServer();
    gateway = server.running.app.container.get<PaymentGateway>(PAYMENT_GATEWAY);
  });
  const charge = (idempotencyKey: string, amount = '45000.00') =>
    gateway.charge({ idempotencyKey, method: 'card', amount: Money.parse(amount), userId: 1, reference: 'test:1' });

  it('charges once per idempotency key, answering the first receipt to every retry, even concurrent ones', async () => {
    const key = randomUUID();
    const receipts = await Promise.all([charge(key), charge(key), charge(key)]);
    expect(new Set(receipts.map((receipt) => receipt.transactionId)).size).to.equal(1);
    expect(await server.db('simulated_gateway_ledger').where({ idempotency_key: key })).to.have.length(1);
    expect(await gateway.outcome(key)).to.deep.include({ status: 'charged' });
  });

  it('refunds a transaction at most once, whatever the keys', async () => {
    const receipt = await charge(randomUUID());
    const refundKey = randomUUID();
    await Promise.all([gateway.refund({ idempotencyKey: refundKey, charge: receipt }), gateway.refund({ idempotencyKey: refundKey, charge: receipt })]);
    await gateway.refund({ idempotencyKey: randomUUID(), charge: receipt });
    expect(await server.db('simulated_gateway_ledger').where({ transaction_id: receipt.transactionId, operation: 'refund' })).to.have.length(1);
    expect(await gateway.outcome(refundKey)).to.deep.equal({ status: 'refunded' });
  });

  it('declines a charge outside the method’s limits and records nothing; an unknown key has no outcome', async () => {
    const key = randomUUID();
    let failure: unknown;
    await charge(key, '100.00').catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(PaymentDeclined);
    expect(await gateway.outcome(key)).to.deep.equal({ status: 'none' });
  });
});

describe('A gateway that fails, hangs, or charges and loses its answer', () => {
  let server: TestServer;
  let gateway: StrategyPaymentGateway;
  before(async () => {
    server = await startTestServer({ RECONCILE_AFTER: '0' });
    gateway = server.running.app.container.get<StrategyPaymentGateway>(PAYMENT_GATEWAY);
  });
  after(async () => {
    gateway.simulate('normal');
    await server.running.close();
  });

  const cases: Array<{ fault: SimulatedFault; decision: string; settled: string }> = [
    { fault: 'lose-answer', decision: 'completed', settled: 'paid' },
    { fault: 'unreachable', decision: 'failed_uncharged', settled: 'failed' },
    { fault: 'hang', decision: 'failed_uncharged', settled: 'failed' },
  ];
  for (const { fault, decision, settled } of cases) {
    it(`${fault}: the client gets a 503 it may retry, and the reconciler settles the payment (${settled})`, async () => {
      const user = await createUser(server.api);
      const id = await createOffering(server.db, 'course');
      gateway.simulate(fault, 200);
      const res = await server.api.post(kindPaths('course').register(id), { amount: '45000.00', payment_method: 'card' }, { token: user.access });
      gateway.simulate('normal');
      expect(res.status).to.equal(503);
      expect(res.body.code).to.equal('dependency_unavailable');
      const [payment] = await server.db('payments').where({ user_id: user.id });
      expect(payment.status).to.equal('pending');
      const retry = await server.api.post(kindPaths('course').register(id), { amount: '45000.00', payment_method: 'card' }, { token: user.access });
      expect(retry.status, 'a retry waits for the outcome').to.equal(409);

      const entries = await server.running.app.container.get(ReconcilePaymentsHandler).execute();
      expect(entries.find((entry) => entry.paymentId === payment.id)?.decision).to.equal(decision);
      expect((await server.db('payments').where({ id: payment.id }).first()).status).to.equal(settled);
      expect(await moneyInvariantViolations(server.db, [user.id])).to.deep.equal([]);
    });
  }
});
