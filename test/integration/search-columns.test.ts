import { expect } from 'chai';
import type { Knex } from 'knex';
import { ALL_OFFERING_KINDS } from '../../src/domain/offering-kind';
import { OFFERING_TABLES } from '../../src/infrastructure/knex/offering-tables';
import * as oneParseMigration from '../../migrations/20261221000000_search_columns_from_one_parse';
import { createOffering } from '../support/offerings';
import { type TestServer, sharedServer } from '../support/test-server';
import { uniqueName } from '../support/users';

/** What the search columns must hold for an item's text: the vector, and its stripped copy where it fits an index entry. */
const EXPECTED = `to_tsvector('simple', title || ' ' || description)::text AS expected_vector,
  CASE WHEN pg_column_size(strip(to_tsvector('simple', title || ' ' || description))) <= 2600 THEN strip(to_tsvector('simple', title || ' ' || description))::text END AS expected_lexemes`;

describe('An item\'s search columns', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });

  const columnsOf = async (db: Knex, table: string, id: number) =>
    (await db.raw(`SELECT search_vector::text AS vector, search_lexemes::text AS lexemes, ${EXPECTED} FROM ${table} WHERE id = ?`, [id])).rows[0] as Record<string, string | null>;

  for (const kind of ALL_OFFERING_KINDS) {
    const table = OFFERING_TABLES[kind].items;

    it(`${table}: made from the text when an item is written, whatever else a write names, and only then`, async () => {
      const id = await createOffering(server.db, kind, { title: `Python ${uniqueName('입문')}`, description: 'Σίσυφος & <b>markup</b> it\'s' });
      const check = async (label: string) => {
        const row = await columnsOf(server.db, table, id);
        expect({ vector: row.vector, lexemes: row.lexemes }, label).to.deep.equal({ vector: row.expected_vector, lexemes: row.expected_lexemes });
        return row;
      };
      const created = await check('created');
      expect(created.vector).to.include("'python'");

      await server.db(table).where({ id }).update({ title: 'Kotlin 심화' });
      expect((await check('title changed')).vector).to.include("'kotlin'").and.not.include("'python'");
      await server.db(table).where({ id }).update({ description: 'Erlang' });
      expect((await check('description changed')).vector).to.include("'erlang'");
      // A write of the columns themselves is made from the text all the same.
      await server.db(table).where({ id }).update({ search_vector: server.db.raw(`to_tsvector('simple', 'forged')`), search_lexemes: null });
      expect((await check('columns written')).vector).to.not.include('forged');
      // A write that names neither text nor column leaves them as they were.
      await server.db(table).where({ id }).update({ price: '1000.00' });
      await check('price changed');
    });

    it(`${table}: carries no lexemes for the sort indexes where they would not fit an index entry`, async () => {
      // Few words but long ones (60 of 50 letters: 3 kB stripped), as the pairs of words an
      // item holds are counted for every two of its words.
      const words = Array.from({ length: 60 }, (_, i) => `${'w'.repeat(45)}${String(i).padStart(2, '0')}x`).join(' ');
      const id = await createOffering(server.db, kind, { title: uniqueName('long'), description: words });
      const row = await columnsOf(server.db, table, id);
      expect(row.lexemes).to.equal(null);
      expect(row.vector).to.include(`'${'w'.repeat(45)}59x'`);
    });
  }

  it('are generated columns again after the migration is rolled back, with the same values, indexes and triggers', async () => {
    const id = await createOffering(server.db, 'course', { title: `Haskell ${uniqueName('고급')}` });
    const shape = async (db: Knex) => ({
      generated: (await db.raw(`SELECT attname, attgenerated FROM pg_attribute WHERE attrelid = 'courses'::regclass AND attname IN ('search_vector', 'search_lexemes') ORDER BY attname`)).rows,
      indexes: (await db.raw(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'courses' ORDER BY indexname`)).rows,
      triggers: (await db.raw(`SELECT tgname, pg_get_triggerdef(oid) AS definition FROM pg_trigger WHERE tgrelid = 'courses'::regclass AND NOT tgisinternal ORDER BY tgname`)).rows,
      values: (await db.raw('SELECT search_vector::text AS vector, search_lexemes::text AS lexemes FROM courses WHERE id = ?', [id])).rows,
    });
    const trx = await server.db.transaction();
    try {
      const withTrigger = await shape(trx);
      expect(withTrigger.generated.map((column: { attgenerated: string }) => column.attgenerated)).to.deep.equal(['', '']);
      await oneParseMigration.down(trx);
      const generated = await shape(trx);
      expect(generated.generated.map((column: { attgenerated: string }) => column.attgenerated)).to.deep.equal(['s', 's']);
      expect(generated.values).to.deep.equal(withTrigger.values);
      expect(generated.indexes).to.deep.equal(withTrigger.indexes);
      expect(generated.triggers).to.deep.equal(withTrigger.triggers.filter((trigger: { tgname: string }) => trigger.tgname !== 'courses_search_columns'));
      await oneParseMigration.up(trx);
      expect(await shape(trx)).to.deep.equal(withTrigger);
    } finally {
      await trx.rollback();
    }
  });
});
