import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { PAYMENT_GATEWAY, type PaymentGateway } from '../../src/application/ports/payment-gateway';
import { PaymentDeclined } from '../../src/domain/errors';
import { Money } from '../../src/domain/money';
import { type TestServer, sharedServer } from '../support/test-server';

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
