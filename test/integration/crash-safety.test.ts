import { expect } from 'chai';
import { type ChargeReceipt, PAYMENT_GATEWAY, type PaymentGateway } from '../../src/application/ports/payment-gateway';
import { type TransactionalRepositories, UNIT_OF_WORK, type UnitOfWork } from '../../src/application/ports/unit-of-work';
import { type KnexUnitOfWork } from '../../src/infrastructure/knex/knex-unit-of-work';
import { type StrategyPaymentGateway } from '../../src/infrastructure/payments/strategy-payment-gateway';
import { createOffering, kindPaths } from '../support/offerings';
import { type TestServer, startTestServer } from '../support/test-server';
import { createUser } from '../support/users';

describe('Crash safety and per-user limits', () => {
  describe('a command that dies between the payment and the registration', () => {
    let server: TestServer;
    const refunds: ChargeReceipt[] = [];

    before(async () => {
      server = await startTestServer({}, {
        configure: (container) => {
          const realUnitOfWork = container.get<KnexUnitOfWork>(UNIT_OF_WORK);
          const realGateway = container.get<StrategyPaymentGateway>(PAYMENT_GATEWAY);
          // The payment row is written, then the registration write fails as if the process died.
          const failingUnitOfWork: UnitOfWork = {
            run: (work) =>
              realUnitOfWork.run((repositories: TransactionalRepositories) => {
                const registrations = Object.create(repositories.registrations);
                registrations.insert = async () => {
                  throw new Error('simulated crash');
                };
                return work({ ...repositories, registrations });
              }),
          };
          const recordingGateway: PaymentGateway = {
            charge: (request) => realGateway.charge(request),
            refund: async (receipt) => {
              refunds.push(receipt);
              await realGateway.refund(receipt);
            },
          };
          container.unbind(UNIT_OF_WORK);
          container.bind(UNIT_OF_WORK).toConstantValue(failingUnitOfWork);
          container.unbind(PAYMENT_GATEWAY);
          container.bind(PAYMENT_GATEWAY).toConstantValue(recordingGateway);
        },
      });
    });
    after(async () => {
      await server.running.close();
    });

    it('leaves no payment, no registration, an unchanged count, and refunds the charge', async () => {
      const user = await createUser(server.api);
      const id = await createOffering(server.db, 'test');
      const res = await server.api.post(kindPaths('test').register(id), { amount: '45000', payment_method: 'card' }, { token: user.access });
      expect(res.status).to.equal(500);
      expect(JSON.stringify(res.body)).not.to.contain('simulated crash');
      expect(await server.db('payments').where({ user_id: user.id })).to.have.length(0);
      expect(await server.db('test_registrations').where({ user_id: user.id })).to.have.length(0);
      expect((await server.db('tests').where({ id }).first()).registration_count).to.equal(0);
      expect(await server.db('search_outbox').where({ item_kind: 'test', item_id: id })).to.have.length(0);
      expect(refunds).to.have.length(1);
      expect(refunds[0].amount.toString()).to.equal('45000.00');
    });
  });

  describe('apply / enroll per user', () => {
    it('answers 429 with Retry-After past the per-minute limit, writing nothing', async () => {
      const server = await startTestServer({ REGISTRATIONS_PER_MINUTE: '3' });
      try {
        const user = await createUser(server.api);
        const statuses: number[] = [];
        let last;
        for (let i = 0; i < 4; i += 1) {
          const id = await createOffering(server.db, 'course');
          last = await server.api.post(kindPaths('course').register(id), { amount: '45000', payment_method: 'card' }, { token: user.access });
          statuses.push(last.status);
        }
        expect(statuses).to.deep.equal([201, 201, 201, 429]);
        expect(last?.body.code).to.equal('too_many_requests');
        expect(Number(last?.headers.get('retry-after'))).to.be.greaterThan(0);
        expect(await server.db('payments').where({ user_id: user.id })).to.have.length(3);
      } finally {
        await server.running.close();
      }
    });
  });
});
