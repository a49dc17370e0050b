import type { Knex } from 'knex';
import { INDEXED_LEXEMES_MAX_BYTES } from './20261210000000_index_entry_lexemes_by_size';

/**
 * An item's two search columns, the full-text vector (`search_vector`, which the GIN index holds)
 * and the lexemes the sort indexes carry (`search_lexemes`: the vector stripped of positions,
 * where it fits an index entry), made by a trigger from one parse of the item's text. As
 * generated columns each parsed the text: 7.2 s and 9.8 s per million items, of which one parse
 * spares about 5 s (the seed, a staff change of a title). The columns keep their values; the
 * trigger runs before a row is written, so the triggers after it (the search vocabulary's) see
 * the new columns, and on an update that names the title, the description, or either column, so
 * that no write sets them apart from the text.
 */
const TABLES = ['tests', 'courses'] as const;
const SEARCH_TEXT = `title || ' ' || description`;

/** What each column held as a generated column (see `down`). */
const GENERATED = {
  search_vector: `to_tsvector('simple', ${SEARCH_TEXT})`,
  search_lexemes: `catalogue_entry_lexemes(${SEARCH_TEXT})`,
} as const;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION catalogue_item_search_columns() RETURNS trigger
    LANGUAGE plpgsql AS $$
    DECLARE
      vector tsvector := to_tsvector('simple', NEW.title || ' ' || NEW.description);
      lexemes tsvector := strip(vector);
    BEGIN
      NEW.search_vector := vector;
      NEW.search_lexemes := CASE WHEN pg_column_size(lexemes) <= ${INDEXED_LEXEMES_MAX_BYTES} THEN lexemes END;
      RETURN NEW;
    END $$`);
  for (const table of TABLES) {
    await knex.raw(`ALTER TABLE ${table} ALTER COLUMN search_vector DROP EXPRESSION, ALTER COLUMN search_lexemes DROP EXPRESSION`);
    await knex.raw(
      `CREATE TRIGGER ${table}_search_columns BEFORE INSERT OR UPDATE OF title, description, search_vector, search_lexemes ON ${table}
       FOR EACH ROW EXECUTE FUNCTION catalogue_item_search_columns()`,
    );
  }
}

/**
 * Generated columns again: PostgreSQL 15 cannot give a column an expression back, so each is
 * added anew as a generated column (the table is rewritten) and takes the old one's place, with
 * the indexes and triggers that named it made again as they were.
 */
export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_search_columns ON ${table}`);
    for (const [column, expression] of Object.entries(GENERATED)) await regenerate(knex, table, column, expression);
  }
  await knex.raw('DROP FUNCTION IF EXISTS catalogue_item_search_columns()');
}

async function regenerate(knex: Knex, table: string, column: string, expression: string): Promise<void> {
  const { rows: indexes } = await knex.raw<{ rows: Array<{ name: string; definition: string }> }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = ANY(x.indkey)
     WHERE x.indrelid = ?::regclass AND a.attname = ?`,
    [table, column],
  );
  const { rows: triggers } = await knex.raw<{ rows: Array<{ name: string; definition: string }> }>(
    `SELECT tgname AS name, pg_get_triggerdef(oid) AS definition FROM pg_trigger
     WHERE tgrelid = ?::regclass AND NOT tgisinternal AND pg_get_triggerdef(oid) ~ ?`,
    [table, `\\m${column}\\M`],
  );
  for (const { name } of triggers) await knex.raw(`DROP TRIGGER ${name} ON ${table}`);
  for (const { name } of indexes) await knex.raw(`DROP INDEX ${name}`);
  await knex.raw(`ALTER TABLE ${table} ADD COLUMN ${column}_generated tsvector GENERATED ALWAYS AS (${expression}) STORED`);
  await knex.raw(`ALTER TABLE ${table} DROP COLUMN ${column}`);
  await knex.raw(`ALTER TABLE ${table} RENAME COLUMN ${column}_generated TO ${column}`);
  for (const { definition } of [...indexes, ...triggers]) await knex.raw(definition);
}
