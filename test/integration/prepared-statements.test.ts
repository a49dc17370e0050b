import { expect } from 'chai';
import type { Redis } from 'ioredis';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { KnexPaymentHistory } from '../../src/infrastructure/knex/knex-payment-history';
import { KnexRegistrationLookup } from '../../src/infrastructure/knex/knex-registration-lookup';
import { runPrepared } from '../../src/infrastructure/knex/prepared-statement';
import { OFFERING_SORTS } from '../../src/application/ports/offering-catalogue';
import { PAYMENT_HISTORY, type PaymentHistory } from '../../src/application/ports/payment-history';
import { ALL_OFFERING_KINDS } from '../../src/domain/offering-kind';
import { PostgresOfferingCatalogue } from '../../src/infrastructure/search/postgres/postgres-offering-catalogue';
import { CATALOGUE_COUNT_POLICY, type CatalogueCountPolicy } from '../../src/infrastructure/search/postgres/catalogue-counter';
import { REDIS } from '../../src/infrastructure/redis/create-redis';
import { CatalogueReadPlanner } from '../../src/infrastructure/search/postgres/catalogue-read-planner';
import { withStatusBounds } from '../../src/infrastructure/search/postgres/catalogue-sql';
import { SearchSelectivity } from '../../src/infrastructure/search/postgres/search-selectivity';
import { SearchVocabulary } from '../../src/infrastructure/search/postgres/search-vocabulary';
import { createOffering } from '../support/offerings';
import { testConfig } from '../support/test-config';
import { type TestServer, sharedServer } from '../support/test-server';
import { createUser, uniqueName } from '../support/users';

describe('Prepared statements for the hot reads', () => {
  it('prepares a query once per connection, under a name of its SQL, and binds new values each time', async () => {
    const db = createKnex(testConfig().databaseUrl, 1);
    try {
      const byValue = (value: number) => db.select(db.raw('?::int * 2 AS doubled', [value]));
      expect(await runPrepared(db, byValue(2))).to.deep.equal([{ doubled: 4 }]);
      expect(await runPrepared(db, byValue(21))).to.deep.equal([{ doubled: 42 }]);
      await runPrepared(db, db.select(db.raw('?::int + 1 AS next', [1])));
      const { rows } = await db.raw(`SELECT name, statement FROM pg_prepared_statements ORDER BY prepare_time`);
      expect(rows.map((row: { statement: string }) => row.statement)).to.deep.equal(['select $1::int * 2 AS doubled', 'select $1::int + 1 AS next']);
      expect(rows[0].name).to.match(/^q_/);
    } finally {
      await db.destroy();
    }
  });
});

describe('Prepared reads built once per shape', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });

  it('bind their values in the query builder’s order for every shape of the plain lists (each kind, sort, direction, cursor and page depth)', async () => {
    const catalogue = server.running.app.container.get(PostgresOfferingCatalogue);
    for (const kind of ALL_OFFERING_KINDS) {
      await createOffering(server.db, kind);
      for (const sort of OFFERING_SORTS) {
        for (const viewer of [{}, { viewerId: 1 }]) {
          const first = await catalogue.list({ kind, words: [], now: new Date(), sort, limit: 3, ...viewer });
          const position = first.items[0].position;
          for (const direction of ['next', 'previous'] as const) {
            await catalogue.list({ kind, words: [], now: new Date(), sort, limit: 3, after: { sort, values: position.values, id: position.id, direction }, ...viewer });
          }
          await catalogue.list({ kind, words: [], now: new Date(), sort, limit: 3, offset: 3, ...viewer });
        }
      }
      expect(await catalogue.get(kind, 987_654_321, 1)).to.equal(null);
    }
  });

  it('bind their values in the query builder’s order for every filter shape of the payment history', async () => {
    const history = server.running.app.container.get<PaymentHistory>(PAYMENT_HISTORY);
    const user = await createUser(server.api);
    const options = [{ status: 'paid' as const }, { kind: 'course' as const }, { from: '2026-01-01' }, { to: '2026-12-31' }];
    for (let mask = 0; mask < 1 << options.length; mask += 1) {
      const filter = Object.assign({ words: [] }, ...options.filter((_, i) => mask & (1 << i)));
      for (const offset of [0, 20]) expect((await history.list(user.id, filter, offset, 20)).count).to.equal(0);
    }
  });
});

describe('Prepared reads keep one generic plan', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });

  it('are not planned anew on every call: the payment history of a user with thousands of payments (every filter, every depth), and is_registered for a page and for one item', async () => {
    // A hundred users with a hundred payments each, and one with thousands: planned for that
    // user, a query can look cheaper than its generic plan. (Items that do not exist: negative ids.)
    const user = await createUser(server.api);
    const tag = uniqueName('plans');
    await server.db.raw(
      `INSERT INTO users (email, username, password_hash) SELECT ? || g || '@example.com', ? || g, 'x' FROM generate_series(1, 100) AS g`,
      [tag, tag],
    );
    const payments = (count: number) =>
      `SELECT CASE WHEN g % 3 = 0 THEN 'test' ELSE 'course' END, -g, 1000, 'card', '${tag}-' || u.id || '-' || g,
              CASE WHEN g % 5 = 0 THEN 'cancelled' ELSE 'paid' END, 'item ' || g, now() - g * interval '1 minute',
              CASE WHEN g % 5 = 0 THEN now() END
       FROM generate_series(1, ${count}) AS g`;
    const columns = 'user_id, payment_type, target_id, amount, payment_method, gateway_transaction_id, status, item_title, paid_at, cancelled_at';
    await server.db.raw(`INSERT INTO payments (${columns}) SELECT u.id, p.* FROM users u CROSS JOIN LATERAL (${payments(100)}) AS p WHERE u.username LIKE ?`, [`${tag}%`]);
    await server.db.raw(`INSERT INTO payments (${columns}) SELECT u.id, p.* FROM users u CROSS JOIN LATERAL (${payments(3000)}) AS p WHERE u.id = ?`, [user.id]);
    await server.db.raw('ANALYZE payments');
    // One connection, so that every call meets the same prepared statements.
    const db = createKnex(testConfig().databaseUrl, 1);
    try {
      const history = new KnexPaymentHistory(db);
      const lookup = new KnexRegistrationLookup(db);
      const { container } = server.running.app;
      const catalogue = new PostgresOfferingCatalogue(db, container.get<Redis>(REDIS), container.get<CatalogueCountPolicy>(CATALOGUE_COUNT_POLICY));
      const options = [{ status: 'paid' as const }, { kind: 'course' as const }, { from: '2026-01-01' }, { to: '2099-12-31' }];
      const filters = Array.from({ length: 1 << options.length }, (_, mask) => Object.assign({ words: [] }, ...options.filter((_, i) => mask & (1 << i))));
      for (let call = 0; call < 8; call += 1) {
        expect((await history.list(user.id, { words: [] }, 0, 20)).count).to.equal(3000);
        for (const filter of filters) for (const offset of [0, 20]) await history.list(user.id, filter, offset, 20);
        await lookup.activeAmong('test', user.id, [1, 2, 3]);
        await lookup.activeAmong('course', user.id, [4]);
        for (const kind of ALL_OFFERING_KINDS) {
          await catalogue.list({ kind, words: [], now: new Date(), sort: 'created', limit: 20, viewerId: user.id });
          await catalogue.get(kind, 1, user.id);
        }
      }
      const { rows } = await db.raw('SELECT statement, generic_plans FROM pg_prepared_statements');
      // Each filter shape: a page from the top and a page further down, each with its count; two
      // lookups; per kind, page 1 and the detail, each with the viewer's registrations.
      expect(rows).to.have.length(filters.length * 2 + 2 + ALL_OFFERING_KINDS.length * 2);
      for (const row of rows) expect(row.generic_plans, row.statement).to.be.greaterThan(0);
    } finally {
      await db.destroy();
      // Payments without registrations: no other test may meet them.
      await server.db('payments').where('gateway_transaction_id', 'like', `${tag}-%`).delete();
      await server.db('users').where('username', 'like', `${tag}%`).delete();
    }
  });

  it('are not planned anew on every search either: the bounds of items open now and closed, the row counts and the vocabulary lookups', async () => {
    const BOUNDED_STATUSES = ['available', 'closed'] as const;
    // One connection, so that every call meets the same prepared statements.
    const db = createKnex(testConfig().databaseUrl, 1);
    try {
      const planner = new CatalogueReadPlanner(db);
      const vocabulary = new SearchVocabulary(db, new SearchSelectivity(db));
      for (let call = 0; call < 8; call += 1) {
        const now = new Date(Date.now() + call * 60_000);
        for (const kind of ALL_OFFERING_KINDS) {
          for (const status of BOUNDED_STATUSES) await withStatusBounds(db, { kind, status, words: [], now });
          await planner.tableRows(kind);
          await vocabulary.lookUp({ kind, words: ['Python', uniqueName('Pyth')], now });
        }
      }
      const { rows } = await db.raw('SELECT statement, generic_plans FROM pg_prepared_statements');
      // Per kind, the bounds of each status; for every kind (the table a value), the row count and the lookup.
      expect(rows).to.have.length(ALL_OFFERING_KINDS.length * BOUNDED_STATUSES.length + 2);
      for (const row of rows) expect(row.generic_plans, row.statement).to.be.greaterThan(0);
    } finally {
      await db.destroy();
    }
  });
});
