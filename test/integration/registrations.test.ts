import { expect } from 'chai';
import { ALL_OFFERING_KINDS } from '../../src/domain/offering-kind';
import { OFFERING_TABLES } from '../../src/infrastructure/knex/offering-tables';
import { DAY_MS, createOffering, kindPaths } from '../support/offerings';
import { type TestServer, sharedServer } from '../support/test-server';
import { type TestUser, createUser } from '../support/users';

const PAY = { amount: '45000.00', payment_method: 'card' };

for (const kind of ALL_OFFERING_KINDS) {
  const paths = kindPaths(kind);
  const { names } = paths;
  const tables = OFFERING_TABLES[kind];

  describe(`Registering for ${names.plural}`, () => {
    let server: TestServer;
    let user: TestUser;
    before(async () => {
      server = await sharedServer();
    });
    beforeEach(async () => {
      user = await createUser(server.api);
    });

    const register = (id: number | string, body: unknown = PAY, as: TestUser = user, headers: Record<string, string> = {}) =>
      server.api.post(paths.register(id), body, { token: as.access, headers });
    const offering = (options = {}) => createOffering(server.db, kind, options);
    const stateOf = async (itemId: number, as: TestUser = user) => ({
      payments: await server.db('payments').where({ user_id: as.id, payment_type: kind, target_id: itemId }).orderBy('id'),
      registrations: await server.db(tables.registrations).where({ user_id: as.id, [tables.itemColumn]: itemId }).orderBy('id'),
      count: (await server.db(tables.items).where({ id: itemId }).first('registration_count')).registration_count as number,
      outbox: await server.db('search_outbox').where({ item_kind: kind, item_id: itemId }),
    });

    it(`answers 201 with payment_id, ${names.registrationIdField}, method, amount and paid_at`, async () => {
      const id = await offering();
      const res = await register(id);
      expect(res.status).to.equal(201);
      expect(res.body).to.have.all.keys('payment_id', names.registrationIdField, 'payment_method', 'amount', 'paid_at');
      expect(res.body).to.include({ payment_method: 'card', amount: '45000.00' });
      expect(res.body.paid_at).to.match(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    });

    it('writes a paid payment, a linked registration and the count', async () => {
      const id = await offering();
      const res = await register(id);
      const state = await stateOf(id);
      expect(state.payments).to.have.length(1);
      expect(state.payments[0]).to.include({ id: res.body.payment_id, status: 'paid', amount: '45000.00', payment_method: 'card' });
      expect(state.payments[0].gateway_transaction_id).to.be.a('string').and.not.equal('');
      expect(state.registrations).to.have.length(1);
      expect(state.registrations[0]).to.include({ id: res.body[names.registrationIdField], status: names.activeStatus, payment_id: res.body.payment_id });
      expect(state.count).to.equal(1);
    });

    for (const amount of ['45000', 45000, '45000.00', 45000.0]) {
      it(`accepts the amount written as ${JSON.stringify(amount)}`, async () => {
        const id = await offering();
        expect((await register(id, { amount, payment_method: 'kakaopay' })).status).to.equal(201);
      });
    }

    describe('checks in the order of the contract, writing nothing on failure', () => {
      const expectNothingWritten = async (itemId: number) => {
        const state = await stateOf(itemId);
        expect(state.payments, 'payments').to.have.length(0);
        expect(state.registrations, 'registrations').to.have.length(0);
        expect(state.count, 'registration_count').to.equal(0);
        expect(state.outbox, 'outbox').to.have.length(0);
      };

      it('1. an unknown item is a 404, even with an invalid body', async () => {
        const res = await register(2_000_000_000, { bogus: true });
        expect(res.status).to.equal(404);
        expect(res.body.code).to.equal('not_found');
      });

      it('answers a malformed id with 404', async () => {
        for (const id of ['abc', '0', '-1', '1.5', '99999999999999999999']) {
          expect((await register(id)).status, id).to.equal(404);
        }
      });

      const invalidBodies: Array<[string, unknown, string]> = [
        ['a missing amount', { payment_method: 'card' }, 'amount'],
        ['a missing method', { amount: '45000' }, 'payment_method'],
        ['an unknown method', { amount: '45000', payment_method: 'bitcoin' }, 'payment_method'],
        ['a negative amount', { amount: '-45000', payment_method: 'card' }, 'amount'],
        ['a zero amount', { amount: '0', payment_method: 'card' }, 'amount'],
        ['three decimal places', { amount: '45000.001', payment_method: 'card' }, 'amount'],
        ['more than ten digits', { amount: '123456789.00', payment_method: 'card' }, 'amount'],
        ['an amount that is not a number', { amount: 'lots', payment_method: 'card' }, 'amount'],
        ['an amount of the wrong type', { amount: true, payment_method: 'card' }, 'amount'],
        ['an unknown field', { ...PAY, user_id: 1 }, 'user_id'],
      ];
      for (const [name, body, field] of invalidBodies) {
        it(`2. ${name} is a 400 naming ${field}`, async () => {
          const id = await offering();
          const res = await register(id, body);
          expect(res.status).to.equal(400);
          expect(res.body.code).to.equal('validation_failed');
          expect(res.body.errors).to.have.property(field);
          await expectNothingWritten(id);
        });
      }

      it('3. an active registration already held is already_registered, before window and amount', async () => {
        const id = await offering();
        expect((await register(id)).status).to.equal(201);
        await server.db(tables.items).where({ id }).update({ end_at: new Date(Date.now() - 1000), start_at: new Date(Date.now() - DAY_MS) });
        const res = await register(id, { amount: '1.00', payment_method: 'card' });
        expect(res.status).to.equal(400);
        expect(res.body.code).to.equal('already_registered');
        const state = await stateOf(id);
        expect(state.payments).to.have.length(1);
        expect(state.count).to.equal(1);
      });

      it('4. outside the window is not_open (upcoming or closed), before the amount', async () => {
        const upcoming = await offering({ startAt: new Date(Date.now() + DAY_MS), endAt: new Date(Date.now() + 2 * DAY_MS) });
        const closed = await offering({ startAt: new Date(Date.now() - 2 * DAY_MS), endAt: new Date(Date.now() - DAY_MS) });
        for (const id of [upcoming, closed]) {
          const res = await register(id, { amount: '1.00', payment_method: 'card' });
          expect(res.status).to.equal(400);
          expect(res.body.code).to.equal('not_open');
          await expectNothingWritten(id);
        }
      });

      it('5. an amount other than the price is amount_mismatch, before the method limits', async () => {
        const id = await offering({ price: '45000.00' });
        const res = await register(id, { amount: '500', payment_method: 'card' });
        expect(res.status).to.equal(400);
        expect(res.body.code).to.equal('amount_mismatch');
        await expectNothingWritten(id);
      });

      const limits: Array<[string, string]> = [
        ['card', '999.00'],
        ['bank_transfer', '999.00'],
        ['kakaopay', '99.00'],
        ['kakaopay', '50000000.01'],
      ];
      for (const [method, price] of limits) {
        it(`6. ${price} by ${method} is payment_method_limit`, async () => {
          const id = await offering({ price });
          const res = await register(id, { amount: price, payment_method: method });
          expect(res.status).to.equal(400);
          expect(res.body.code).to.equal('payment_method_limit');
          await expectNothingWritten(id);
        });
      }

      it('accepts amounts exactly at the method limits', async () => {
        for (const [method, price] of [['kakaopay', '100.00'], ['card', '1000.00'], ['kakaopay', '50000000.00']]) {
          const id = await offering({ price });
          expect((await register(id, { amount: price, payment_method: method })).status, `${method} ${price}`).to.equal(201);
        }
      });
    });

    it('lets the user register again after a cancel: a new registration and a new payment', async () => {
      const id = await offering();
      const first = await register(id);
      expect((await server.api.post(`/api/payments/${first.body.payment_id}/cancel/`, {}, { token: user.access })).status).to.equal(200);
      const second = await register(id);
      expect(second.status).to.equal(201);
      expect(second.body.payment_id).not.to.equal(first.body.payment_id);
      const state = await stateOf(id);
      expect(state.registrations.map((r) => r.status)).to.deep.equal(['cancelled', names.activeStatus]);
      expect(state.payments.map((p) => p.status)).to.deep.equal(['cancelled', 'paid']);
      expect(state.count).to.equal(1);
    });

    it('requires a valid access token', async () => {
      const id = await offering();
      expect((await server.api.post(paths.register(id), PAY)).status).to.equal(401);
    });

    describe(`POST ${paths.complete(':id')}`, () => {
      const complete = (id: number | string, as: TestUser = user) => server.api.post(paths.complete(id), undefined, { token: as.access });

      it(`answers 200 with ${names.registrationIdField}, status and completed_at, and stores it`, async () => {
        const id = await offering();
        const registered = await register(id);
        const res = await complete(id);
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({
          [names.registrationIdField]: registered.body[names.registrationIdField],
          status: 'completed',
          completed_at: res.body.completed_at,
        });
        const [row] = (await stateOf(id)).registrations;
        expect(row.status).to.equal('completed');
        expect(row.completed_at.toISOString()).to.equal(res.body.completed_at);
        expect((await stateOf(id)).count, 'a completed registration still counts').to.equal(1);
      });

      it('answers an unknown item with 404 not_found', async () => {
        const res = await complete(2_000_000_001);
        expect(res.status).to.equal(404);
        expect(res.body.code).to.equal('not_found');
      });

      it('answers 404 not_registered without an active registration (none, or cancelled)', async () => {
        const id = await offering();
        expect((await complete(id)).body.code).to.equal('not_registered');
        const registered = await register(id);
        await server.api.post(`/api/payments/${registered.body.payment_id}/cancel/`, {}, { token: user.access });
        const res = await complete(id);
        expect(res.status).to.equal(404);
        expect(res.body.code).to.equal('not_registered');
      });

      it('answers 400 already_completed the second time', async () => {
        const id = await offering();
        await register(id);
        expect((await complete(id)).status).to.equal(200);
        const res = await complete(id);
        expect(res.status).to.equal(400);
        expect(res.body.code).to.equal('already_completed');
      });

      it('answers 400 not_started before the item starts', async () => {
        const id = await offering({ startAt: new Date(Date.now() + DAY_MS), endAt: new Date(Date.now() + 2 * DAY_MS) });
        const [payment] = await server.db('payments')
          .insert({ user_id: user.id, payment_type: kind, target_id: id, item_title: 'seeded', amount: '45000.00', payment_method: 'card', gateway_transaction_id: `t-${id}-${user.id}`, status: 'paid' })
          .returning('id');
        await server.db(tables.registrations).insert({ user_id: user.id, [tables.itemColumn]: id, payment_id: payment.id, status: names.activeStatus });
        const res = await complete(id);
        expect(res.status).to.equal(400);
        expect(res.body.code).to.equal('not_started');
        expect((await stateOf(id)).registrations[0].status).to.equal(names.activeStatus);
      });

      it('does not complete another user’s registration', async () => {
        const id = await offering();
        await register(id);
        const other = await createUser(server.api);
        expect((await complete(id, other)).body.code).to.equal('not_registered');
        expect((await stateOf(id)).registrations[0].status).to.equal(names.activeStatus);
      });
    });
  });
}
