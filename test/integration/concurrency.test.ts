import { expect } from 'chai';
import type { LockPort } from '../../src/application/ports/lock-port';
import { ALL_OFFERING_KINDS, type OfferingKind } from '../../src/domain/offering-kind';
import { OFFERING_TABLES } from '../../src/infrastructure/knex/offering-tables';
import { createOffering, kindPaths } from '../support/offerings';
import { type TestServer, sharedServer, startTestServer } from '../support/test-server';
import { type TestUser, createUser } from '../support/users';

const PAY = { amount: '45000.00', payment_method: 'card' };

const tally = (statuses: number[]) => statuses.reduce<Record<number, number>>((acc, s) => ({ ...acc, [s]: (acc[s] ?? 0) + 1 }), {});

/** What must hold for every item at any quiet moment, whatever happened before. */
async function assertInvariants(server: TestServer, kind: OfferingKind, itemIds: readonly number[]): Promise<void> {
  const { items, registrations, itemColumn } = OFFERING_TABLES[kind];
  for (const id of itemIds) {
    const item = await server.db(items).where({ id }).first();
    const rows = await server.db({ r: registrations })
      .join({ p: 'payments' }, 'p.id', 'r.payment_id')
      .where(`r.${itemColumn}`, id)
      .select('r.status as registration_status', 'p.status as payment_status', 'r.user_id', 'r.completed_at');
    const active = rows.filter((row) => row.registration_status !== 'cancelled');
    expect(item.registration_count, `registration_count of ${kind} ${id}`).to.equal(active.length);
    expect(active.every((row) => row.payment_status === 'paid'), 'active registrations have a paid payment').to.equal(true);
    const cancelled = rows.filter((row) => row.registration_status === 'cancelled');
    expect(cancelled.every((row) => row.payment_status === 'cancelled')).to.equal(true);
    expect(cancelled.filter((row) => row.completed_at !== null), 'a completed registration is never cancelled').to.deep.equal([]);
    const activeUsers = active.map((row) => row.user_id);
    expect(new Set(activeUsers).size, 'one active registration per user').to.equal(activeUsers.length);
    const payments = await server.db('payments').where({ payment_type: kind, target_id: id });
    expect(payments.length, 'every payment belongs to exactly one registration').to.equal(rows.length);
  }
}

describe('Concurrency: never twice, never lost', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });

  for (const kind of ALL_OFFERING_KINDS) {
    const paths = kindPaths(kind);

    describe(paths.names.plural, () => {
      it('20 identical parallel registrations by one user: exactly one 201 and one payment', async () => {
        const user = await createUser(server.api);
        const id = await createOffering(server.db, kind);
        const statuses = await Promise.all(
          Array.from({ length: 20 }, () => server.api.post(paths.register(id), PAY, { token: user.access }).then((r) => r.status)),
        );
        expect(tally(statuses)[201]).to.equal(1);
        expect(statuses.every((s) => s === 201 || s === 400 || s === 409), String(statuses)).to.equal(true);
        expect(await server.db('payments').where({ user_id: user.id })).to.have.length(1);
        await assertInvariants(server, kind, [id]);
      });

      it('10 different users in parallel on one item: ten 201s and registration_count exactly 10', async () => {
        const id = await createOffering(server.db, kind);
        const users = await Promise.all(Array.from({ length: 10 }, () => createUser(server.api)));
        const statuses = await Promise.all(users.map((u) => server.api.post(paths.register(id), PAY, { token: u.access }).then((r) => r.status)));
        expect(statuses).to.deep.equal(Array(10).fill(201));
        expect((await server.db(OFFERING_TABLES[kind].items).where({ id }).first()).registration_count).to.equal(10);
        await assertInvariants(server, kind, [id]);
      });

      it('10 parallel cancels of one payment: exactly one 200', async () => {
        const user = await createUser(server.api);
        const id = await createOffering(server.db, kind);
        const { body } = await server.api.post(paths.register(id), PAY, { token: user.access });
        const statuses = await Promise.all(
          Array.from({ length: 10 }, () => server.api.post(`/api/payments/${body.payment_id}/cancel/`, {}, { token: user.access }).then((r) => r.status)),
        );
        expect(tally(statuses)[200]).to.equal(1);
        expect(statuses.every((s) => s === 200 || s === 400 || s === 409)).to.equal(true);
        await assertInvariants(server, kind, [id]);
      });

      it('15 parallel completes: exactly one 200', async () => {
        const user = await createUser(server.api);
        const id = await createOffering(server.db, kind);
        await server.api.post(paths.register(id), PAY, { token: user.access });
        const statuses = await Promise.all(
          Array.from({ length: 15 }, () => server.api.post(paths.complete(id), undefined, { token: user.access }).then((r) => r.status)),
        );
        expect(tally(statuses)[200]).to.equal(1);
        expect(statuses.every((s) => s === 200 || s === 400 || s === 409)).to.equal(true);
      });

      it('a cancel racing a complete: exactly one of them succeeds, and a completed registration is never refunded', async () => {
        const user = await createUser(server.api);
        for (let round = 0; round < 8; round += 1) {
          const id = await createOffering(server.db, kind);
          const { body } = await server.api.post(paths.register(id), PAY, { token: user.access });
          const [cancel, complete] = await Promise.all([
            server.api.post(`/api/payments/${body.payment_id}/cancel/`, {}, { token: user.access }),
            server.api.post(paths.complete(id), undefined, { token: user.access }),
          ]);
          const outcome = `cancel ${cancel.status} ${cancel.body.code ?? ''}, complete ${complete.status} ${complete.body.code ?? ''}`;
          // Whichever comes second finds the first done: a completed registration cannot be
          // cancelled (409), a cancelled one cannot be completed (404 not_registered).
          expect(JSON.stringify([cancel.status, complete.status].sort()), outcome).to.be.oneOf(['[200,404]', '[200,409]']);
          expect(cancel.status === 200 ? complete.body.code : cancel.body.code, outcome).to.be.oneOf(['not_registered', 'already_completed']);
          await assertInvariants(server, kind, [id]);
        }
      });

      it('registering racing a cancel on the same item leaves a consistent state', async () => {
        const user = await createUser(server.api);
        const id = await createOffering(server.db, kind);
        const { body } = await server.api.post(paths.register(id), PAY, { token: user.access });
        await Promise.all([
          server.api.post(`/api/payments/${body.payment_id}/cancel/`, {}, { token: user.access }),
          server.api.post(paths.register(id), PAY, { token: user.access }),
          server.api.post(paths.register(id), PAY, { token: user.access }),
        ]);
        await assertInvariants(server, kind, [id]);
      });
    });
  }

  describe('without the distributed lock', () => {
    let unlocked: TestServer;
    const alwaysGrants: LockPort = { withLock: (_resource, work) => work({ assertHeld: () => undefined }) };
    before(async () => {
      unlocked = await startTestServer({}, { lock: alwaysGrants });
    });
    after(async () => {
      await unlocked.running.close();
    });

    for (const kind of ALL_OFFERING_KINDS) {
      it(`the database alone still allows exactly one payment from parallel identical ${kind} registrations`, async () => {
        const paths = kindPaths(kind);
        const user = await createUser(unlocked.api);
        const id = await createOffering(unlocked.db, kind);
        const responses = await Promise.all(Array.from({ length: 20 }, () => unlocked.api.post(paths.register(id), PAY, { token: user.access })));
        const statuses = responses.map((r) => r.status);
        expect(tally(statuses)[201], String(statuses)).to.equal(1);
        // A loser meets either the winner's payment in flight (the one-pending index: 409) or its
        // committed registration (400); none is charged.
        const losers = responses.filter((r) => r.status !== 201).map((r) => r.body.code);
        expect(losers.every((code) => code === 'already_registered' || code === 'lock_busy'), `losers get already_registered or lock_busy, never a 500: ${losers}`).to.equal(true);
        expect(await unlocked.db('simulated_gateway_ledger').whereIn('idempotency_key', unlocked.db('payments').select('charge_key').where({ user_id: user.id })), 'one charge').to.have.length(1);
        expect(await unlocked.db('payments').where({ user_id: user.id })).to.have.length(1);
        await assertInvariants(unlocked, kind, [id]);
      });
    }
  });

  it('keeps every invariant through a randomised mixed workload', async () => {
    const users = await Promise.all(Array.from({ length: 8 }, () => createUser(server.api)));
    const items = await Promise.all(ALL_OFFERING_KINDS.flatMap((kind) => [0, 1, 2].map(async () => ({ kind, id: await createOffering(server.db, kind) }))));
    let seed = 20261124;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

    const act = async (user: TestUser) => {
      for (let step = 0; step < 12; step += 1) {
        const { kind, id } = pick(items);
        const paths = kindPaths(kind);
        const roll = random();
        if (roll < 0.5) {
          await server.api.post(paths.register(id), PAY, { token: user.access });
        } else if (roll < 0.65) {
          await server.api.post(paths.complete(id), undefined, { token: user.access });
        } else {
          const { body } = await server.api.get(`/api/me/payments/?status=paid&payment_type=${kind}`, { token: user.access });
          const payment = body.results?.find((p: { target_id: number }) => p.target_id === id);
          if (payment) await server.api.post(`/api/payments/${payment.id}/cancel/`, {}, { token: user.access });
        }
      }
    };
    const statuses: number[] = [];
    const originalPost = server.api.post.bind(server.api);
    server.api.post = async (...args: Parameters<typeof originalPost>) => {
      const res = await originalPost(...args);
      statuses.push(res.status);
      return res;
    };
    try {
      await Promise.all(users.map(act));
    } finally {
      server.api.post = originalPost;
    }
    expect(statuses.filter((s) => s >= 500), 'no server errors').to.deep.equal([]);
    for (const kind of ALL_OFFERING_KINDS) {
      await assertInvariants(server, kind, items.filter((item) => item.kind === kind).map((item) => item.id));
    }
  });
});
