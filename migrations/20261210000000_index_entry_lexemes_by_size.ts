import type { Knex } from 'knex';

/**
 * The sort indexes carry an item's lexemes (`search_lexemes`) whenever they fit an index entry,
 * measured on the stripped vector itself. They used to be carried only while a bound drawn from
 * the text's length promised it (8 bytes, 4 per lexeme and one and a half times the text's
 * bytes), which a text that repeats its words, or one of a few hundred Korean characters, failed:
 * a walk then tested such an item's words on its table row, a random page each. The vector is
 * now computed once per row, by a function, where the bound computed it twice.
 *
 * The column is replaced without leaving the lists without their indexes: the new one is added
 * (the table is rewritten, locked, a few seconds per million items), the indexes that carry it
 * are built beside the old ones, then the old column and its indexes are dropped and the new ones
 * take their names. Rows written before keep the old column's bytes until they are next written.
 */
const TABLES = ['tests', 'courses'] as const;
const SEARCH_TEXT = `title || ' ' || description`;
/** What the vector may take of an index entry (at most about 2.7 kB), leaving room for the keys and the other columns. */
export const INDEXED_LEXEMES_MAX_BYTES = 2_600;

const BY_SIZE = `catalogue_entry_lexemes(${SEARCH_TEXT})`;
const BY_TEXT_LENGTH = `CASE WHEN 8 + 4 * length(to_tsvector('simple', ${SEARCH_TEXT})) + octet_length(${SEARCH_TEXT}) * 3 / 2 <= ${INDEXED_LEXEMES_MAX_BYTES}
  THEN strip(to_tsvector('simple', ${SEARCH_TEXT})) END`;

export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION catalogue_entry_lexemes(search_text text) RETURNS tsvector
    LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
    DECLARE
      lexemes tsvector := strip(to_tsvector('simple', search_text));
    BEGIN
      RETURN CASE WHEN pg_column_size(lexemes) <= ${INDEXED_LEXEMES_MAX_BYTES} THEN lexemes END;
    END $$`);
  for (const table of TABLES) await replaceLexemes(knex, table, BY_SIZE);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await replaceLexemes(knex, table, BY_TEXT_LENGTH);
  await knex.raw('DROP FUNCTION IF EXISTS catalogue_entry_lexemes(text)');
}

/** `search_lexemes` computed by `expression`, in every index that carries it (see above). */
async function replaceLexemes(knex: Knex, table: string, expression: string): Promise<void> {
  const { rows: carrying } = await knex.raw<{ rows: Array<{ name: string; definition: string }> }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
     WHERE x.indrelid = ?::regclass AND a.attname = 'search_lexemes' AND i.relname NOT LIKE '%\\_next'`,
    [table],
  );
  await knex.raw(`ALTER TABLE ${table} DROP COLUMN IF EXISTS search_lexemes_next`);
  await knex.raw(`ALTER TABLE ${table} ADD COLUMN search_lexemes_next tsvector GENERATED ALWAYS AS (${expression}) STORED`);
  for (const { name, definition } of carrying) {
    const next = definition
      .replace(/^CREATE INDEX \S+ ON/, `CREATE INDEX CONCURRENTLY ${name}_next ON`)
      .replace(/\bsearch_lexemes\b/g, 'search_lexemes_next');
    await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}_next`);
    await knex.raw(next);
  }
  await knex.transaction(async (trx) => {
    for (const { name } of carrying) await trx.raw(`DROP INDEX ${name}`);
    await trx.raw(`ALTER TABLE ${table} DROP COLUMN search_lexemes`);
    await trx.raw(`ALTER TABLE ${table} RENAME COLUMN search_lexemes_next TO search_lexemes`);
    for (const { name } of carrying) await trx.raw(`ALTER INDEX ${name}_next RENAME TO ${name}`);
  });
}
