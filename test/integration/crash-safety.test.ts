import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { PaymentSettlement } from '../../src/application/payments/payment-settlement';
import { type ChargeReceipt, PAYMENT_GATEWAY, type PaymentGateway } from '../../src/application/ports/payment-gateway';
import { KNEX } from '../../src/infrastructure/knex/create-knex';
import { moneyInvariantViolations } from '../../src/interfaces/cli/money-invariants';
import { type ReconcileEntry, ReconcilePaymentsHandler } from '../../src/application/commands/reconcile-payments/reconcile-payments-handler';
import { LOCK_PORT, type LockPort } from '../../src/application/ports/lock-port';
import { reconcilerContainer } from '../support/reconciler';
import { type TransactionalRepositories, UNIT_OF_WORK, type UnitOfWork } from '../../src/application/ports/unit-of-work';
import { type KnexUnitOfWork } from '../../src/infrastructure/knex/knex-unit-of-work';
import { createOffering, kindPaths } from '../support/offerings';
import { type TestServer, startTestServer, withTestServer } from '../support/test-server';
import { type TestUser, createUser } from '../support/users';

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

  describe('a registration whose payment the reconciler settles while its charge is under way (its lock lost)', () => {
    /** What the reconciler does meanwhile, given the payment's id and, once it exists, the charge. */
    type Meanwhile = (settlement: PaymentSettlement, paymentId: number, charge: ChargeReceipt | null) => Promise<void>;

    const registerWhile = async (when: 'before the charge is recorded' | 'after the charge is recorded', meanwhile: Meanwhile) => {
      let server: TestServer | undefined;
      try {
        server = await startTestServer({}, {
          configure: (container) => {
            const real = container.get<PaymentGateway>(PAYMENT_GATEWAY);
            const paymentOf = async (chargeKey: string) => (await container.get<Knex>(KNEX)('payments').where({ charge_key: chargeKey }).first()).id as number;
            const racing: PaymentGateway = {
              charge: async (request) => {
                const settlement = container.get(PaymentSettlement);
                const paymentId = await paymentOf(request.idempotencyKey);
                if (when === 'before the charge is recorded') await meanwhile(settlement, paymentId, null);
                const receipt = await real.charge(request);
                if (when === 'after the charge is recorded') await meanwhile(settlement, paymentId, receipt);
                return receipt;
              },
              refund: (request) => real.refund(request),
              outcome: (key) => real.outcome(key),
            };
            container.unbind(PAYMENT_GATEWAY);
            container.bind(PAYMENT_GATEWAY).toConstantValue(racing);
          },
        });
        const user: TestUser = await createUser(server.api);
        const id = await createOffering(server.db, 'test');
        const res = await server.api.post(kindPaths('test').register(id), { amount: '45000', payment_method: 'card' }, { token: user.access });
        const [payment] = await server.db('payments').where({ user_id: user.id });
        const ledger = await server.db('simulated_gateway_ledger').whereIn('transaction_id', [payment.gateway_transaction_id ?? '']);
        return {
          res,
          payment,
          ledger: ledger.map((entry: { operation: string }) => entry.operation).sort(),
          registrations: await server.db('test_registrations').where({ user_id: user.id, test_id: id }),
          count: (await server.db('tests').where({ id }).first()).registration_count as number,
          violations: await moneyInvariantViolations(server.db, [user.id]),
        };
      } finally {
        await server?.running.close();
      }
    };

    it('found uncharged before the charge was recorded: the charge is refunded, the client told so with 409, and nothing is kept', async () => {
      const outcome = await registerWhile('before the charge is recorded', (settlement, paymentId) => settlement.failUncharged(paymentId));
      expect(outcome.res.status).to.equal(409);
      expect(outcome.res.body.detail).to.match(/refunded/);
      expect(outcome.payment.status).to.equal('failed');
      expect(outcome.payment.refunded_at, 'the charge was refunded').to.not.equal(null);
      expect(outcome.ledger).to.deep.equal(['charge', 'refund']);
      expect(outcome.registrations).to.have.length(0);
      expect(outcome.count).to.equal(0);
      expect(outcome.violations).to.deep.equal([]);
    });

    it('completed by the reconciler with the charge: the client gets that registration, made once', async () => {
      const outcome = await registerWhile('after the charge is recorded', async (settlement, paymentId, charge) => {
        await settlement.complete(paymentId, charge as ChargeReceipt);
      });
      expect(outcome.res.status).to.equal(201);
      expect(outcome.registrations).to.have.length(1);
      expect(outcome.res.body).to.include({ payment_id: outcome.payment.id, registration_id: outcome.registrations[0].id });
      expect(outcome.payment.status).to.equal('paid');
      expect(outcome.ledger).to.deep.equal(['charge']);
      expect(outcome.count).to.equal(1);
      expect(outcome.violations).to.deep.equal([]);
    });

    it('a second reconciler that listed a payment before the first settled it finds nothing left to do', async () => {
      await withTestServer({}, async (server) => {
        const user = await createUser(server.api);
        const id = await createOffering(server.db, 'test');
        const paid = await server.api.post(kindPaths('test').register(id), { amount: '45000', payment_method: 'card' }, { token: user.access });
        // A cancel cut off after deciding its refund.
        await server.db('payments').where({ id: paid.body.payment_id }).update({ refund_key: randomUUID(), refund_requested_at: new Date(Date.now() - 1_000) });
        const first = reconcilerContainer();
        let firstEntries: ReconcileEntry[] = [];
        const realLock = first.container.get<LockPort>(LOCK_PORT);
        // The second has listed the payment; the first runs whole before the second takes its lock.
        const afterTheFirst: LockPort = {
          withLock: async (resource, work) => {
            if (firstEntries.length === 0) firstEntries = await first.container.get(ReconcilePaymentsHandler).execute();
            return realLock.withLock(resource, work);
          },
        };
        const second = reconcilerContainer({ lock: afterTheFirst });
        try {
          const secondEntries = await second.container.get(ReconcilePaymentsHandler).execute();
          expect(firstEntries.find((entry) => entry.paymentId === paid.body.payment_id)?.decision).to.equal('cancel_finished');
          expect(secondEntries.find((entry) => entry.paymentId === paid.body.payment_id)).to.equal(undefined);
        } finally {
          await second.dispose();
          await first.dispose();
        }
        expect((await server.db('payments').where({ id: paid.body.payment_id }).first()).status).to.equal('cancelled');
        expect((await server.db('tests').where({ id }).first()).registration_count).to.equal(0);
        expect(await moneyInvariantViolations(server.db, [user.id])).to.deep.equal([]);
      });
    });

    it('a cancel finished by another (its lock lost) is already_cancelled to the second, as to any later cancel', async () => {
      await withTestServer({}, async (server) => {
        const user = await createUser(server.api);
        const id = await createOffering(server.db, 'test');
        const paid = await server.api.post(kindPaths('test').register(id), { amount: '45000', payment_method: 'card' }, { token: user.access });
        const cancelled = await server.api.post(`/api/payments/${paid.body.payment_id}/cancel/`, {}, { token: user.access });
        expect(cancelled.status).to.equal(200);
        let error: unknown;
        await server.running.app.container.get(PaymentSettlement).finishCancel(paid.body.payment_id).catch((caught: unknown) => (error = caught));
        expect((error as { code?: string }).code).to.equal('already_cancelled');
        expect((await server.db('tests').where({ id }).first()).registration_count).to.equal(0);
      });
    });
  });
});
