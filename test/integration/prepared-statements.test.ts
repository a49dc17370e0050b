import { expect } from 'chai';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { runPrepared } from '../../src/infrastructure/knex/prepared-statement';
import { OFFERING_SORTS } from '../../src/application/ports/offering-catalogue';
import { PAYMENT_HISTORY, type PaymentHistory } from '../../src/application/ports/payment-history';
import { ALL_OFFERING_KINDS } from '../../src/domain/offering-kind';
import { PostgresOfferingCatalogue } from '../../src/infrastructure/search/postgres/postgres-offering-catalogue';
import { createOffering } from '../support/offerings';
import { testConfig } from '../support/test-config';
import { type TestServer, sharedServer } from '../support/test-server';
import { createUser } from '../support/users';

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
        const first = await catalogue.list({ kind, words: [], now: new Date(), sort, limit: 3 });
        const position = first.items[0].position;
        for (const direction of ['next', 'previous'] as const) {
          await catalogue.list({ kind, words: [], now: new Date(), sort, limit: 3, after: { sort, values: position.values, id: position.id, direction } });
        }
        await catalogue.list({ kind, words: [], now: new Date(), sort, limit: 3, offset: 3 });
      }
      expect(await catalogue.get(kind, 987_654_321)).to.equal(null);
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
