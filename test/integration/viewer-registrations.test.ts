import { expect } from 'chai';
import type { CatalogueQuery } from '../../src/application/ports/offering-catalogue';
import { OFFERING_SORTS } from '../../src/application/ports/offering-catalogue';
import { REGISTRATION_LOOKUP, type RegistrationLookup } from '../../src/application/ports/registration-lookup';
import { ALL_OFFERING_KINDS, type OfferingKind } from '../../src/domain/offering-kind';
import { OFFERING_TABLES } from '../../src/infrastructure/knex/offering-tables';
import { PostgresOfferingCatalogue } from '../../src/infrastructure/search/postgres/postgres-offering-catalogue';
import { createOffering } from '../support/offerings';
import { type TestServer, sharedServer } from '../support/test-server';
import { createUser, uniqueName } from '../support/users';

describe('A page and a detail read with the viewer’s registrations', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });

  it('tell the items the viewer holds an active registration for, as the lookup does, for every sort, direction and depth of the plain lists', async () => {
    const catalogue = server.running.app.container.get(PostgresOfferingCatalogue);
    const lookup = server.running.app.container.get<RegistrationLookup>(REGISTRATION_LOOKUP);
    const viewer = await createUser(server.api);
    const other = await createUser(server.api);
    const tag = uniqueName('viewer');
    try {
      for (const kind of ALL_OFFERING_KINDS) {
        for (let i = 0; i < 6; i += 1) await createOffering(server.db, kind);
        const base = { kind, words: [], now: new Date(), limit: 5 } as const;
        const top = (await catalogue.list({ ...base, sort: 'created' })).items.map((item) => item.id);
        // Active (registered, completed), cancelled, and another user's.
        await register(kind, viewer.id, top[0], 'active');
        await register(kind, viewer.id, top[2], 'completed');
        await register(kind, viewer.id, top[3], 'cancelled');
        await register(kind, other.id, top[1], 'active');
        expect([...((await catalogue.list({ ...base, sort: 'created', viewerId: viewer.id })).registered ?? [])]).to.have.members([top[0], top[2]]);

        for (const sort of OFFERING_SORTS) {
          const first = await catalogue.list({ ...base, sort, viewerId: viewer.id });
          const { position } = first.items[1];
          const reads: CatalogueQuery[] = [
            { ...base, sort, viewerId: viewer.id, offset: 3 },
            ...(['next', 'previous'] as const).map((direction) => ({ ...base, sort, viewerId: viewer.id, after: { sort, values: position.values, id: position.id, direction } })),
          ];
          for (const slice of [first, ...(await Promise.all(reads.map((read) => catalogue.list(read))))]) {
            const ids = slice.items.map((item) => item.id);
            expect(slice.registered, `${kind} ${sort}`).to.deep.equal(await lookup.activeAmong(kind, viewer.id, ids));
          }
        }

        const detail = async (id: number, viewerId: number) => (await catalogue.get(kind, id, viewerId))?.isRegistered;
        expect(await detail(top[0], viewer.id)).to.equal(true);
        expect(await detail(top[2], viewer.id)).to.equal(true);
        expect(await detail(top[3], viewer.id)).to.equal(false);
        expect(await detail(top[1], viewer.id)).to.equal(false);
        expect(await detail(top[1], other.id)).to.equal(true);
      }
    } finally {
      for (const kind of ALL_OFFERING_KINDS) {
        await server.db(OFFERING_TABLES[kind].registrations).whereIn('user_id', [viewer.id, other.id]).delete();
      }
      await server.db('payments').where('gateway_transaction_id', 'like', `${tag}-%`).delete();
    }

    /** A registration written directly (with its payment), as the commands would leave it. */
    async function register(kind: OfferingKind, userId: number, itemId: number, status: 'active' | 'completed' | 'cancelled'): Promise<void> {
      const [{ id: paymentId }] = await server
        .db('payments')
        .insert({ user_id: userId, payment_type: kind, target_id: itemId, amount: '45000.00', payment_method: 'card', gateway_transaction_id: `${tag}-${kind}-${itemId}-${userId}`, status: status === 'cancelled' ? 'cancelled' : 'paid', item_title: 'item', paid_at: new Date(), ...(status === 'cancelled' ? { cancelled_at: new Date() } : {}) })
        .returning('id');
      const { registrations, itemColumn, activeStatus } = OFFERING_TABLES[kind];
      await server.db(registrations).insert({
        user_id: userId,
        [itemColumn]: itemId,
        payment_id: paymentId,
        status: status === 'active' ? activeStatus : status,
        ...(status === 'completed' ? { completed_at: new Date() } : {}),
        ...(status === 'cancelled' ? { cancelled_at: new Date() } : {}),
      });
    }
  });
});
