import { expect } from 'chai';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { runPrepared } from '../../src/infrastructure/knex/prepared-statement';
import { testConfig } from '../support/test-config';

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
