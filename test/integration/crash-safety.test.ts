import { expect } from 'chai';
import { ReconcilePaymentsHandler } from '../../src/application/commands/reconcile-payments/reconcile-payments-handler';
import { type TransactionalRepositories, UNIT_OF_WORK, type UnitOfWork } from '../../src/application/ports/unit-of-work';
import { type KnexUnitOfWork } from '../../src/infrastructure/knex/knex-unit-of-work';
import { createOffering, kindPaths } from '../support/offerings';
import { type TestServer, startTestServer, withTestServer } from '../support/test-server';
import { createUser } from '../support/users';

describe('Crash safety and per-user limits', () => {
  describe('a registration whose last transaction fails after the charge', () => {
    let server: TestServer;
    let failNextRegistration = true;

    before(async () => {
      server = await startTestServer({ RECONCILE_AFTER: '0' }, {
        configure: (container) => {
          const realUnitOfWork = container.get<KnexUnitOfWork>(UNIT_OF_WORK);
          // The registration write fails once, as if the database went away mid-transaction.
          const failingUnitOfWork: UnitOfWork = {
            run: (work) =>
              realUnitOfWork.run((repositories: TransactionalRepositories) => {
                const registrations = Object.create(repositories.registrations);
                registrations.insert = async (...args: Parameters<typeof repositories.registrations.insert>) => {
                  if (failNextRegistration) {
                    failNextRegistration = false;
                    throw new Error('simulated crash');
                  }
                  return repositories.registrations.insert(...args);
                };
                return work({ ...repositories, registrations });
              }),
          };
          container.unbind(UNIT_OF_WORK);
          container.bind(UNIT_OF_WORK).toConstantValue(failingUnitOfWork);
        },
      });
    });
    after(async () => {
      await server.running.close();
    });

    it('keeps the charged payment pending, out of sight, until the reconciler completes it: one charge, one paid payment, one registration', async () => {
      const user = await createUser(server.api);
      const id = await createOffering(server.db, 'test');
      const res = await server.api.post(kindPaths('test').register(id), { amount: '45000', payment_method: 'card' }, { token: user.access });
      expect(res.status).to.equal(500);
      expect(JSON.stringify(res.body)).not.to.contain('simulated crash');
      const [pending] = await server.db('payments').where({ user_id: user.id });
      expect(pending.status).to.equal('pending');
      expect((await server.api.get('/api/me/payments/', { token: user.access })).body.count, 'clients see only settled payments').to.equal(0);
      expect(await server.db('simulated_gateway_ledger').where({ idempotency_key: pending.charge_key })).to.have.length(1);

      const entries = await server.running.app.container.get(ReconcilePaymentsHandler).execute();
      expect(entries.find((entry) => entry.paymentId === pending.id)?.decision).to.equal('completed');
      expect((await server.db('payments').where({ id: pending.id }).first()).status).to.equal('paid');
      expect(await server.db('test_registrations').where({ user_id: user.id, test_id: id })).to.have.length(1);
      expect((await server.db('tests').where({ id }).first()).registration_count).to.equal(1);
      expect(await server.running.app.container.get(ReconcilePaymentsHandler).execute(), 'nothing is left to settle').to.satisfy(
        (again: Array<{ paymentId: number }>) => !again.some((entry) => entry.paymentId === pending.id),
      );
    });
  });

  describe('apply / enroll per user', () => {
    it('answers 429 with Retry-After past the per-minute limit, writing nothing', async () => {
      await withTestServer({ REGISTRATIONS_PER_MINUTE: '3' }, async (server) => {
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
      });
    });
  });
});
