import type { Knex } from 'knex';

/**
 * Each sort index also carries what the catalogue filters on: the window, the price and the
 * item's search words. A walk in sort order then tests every filter on the index entries alone
 * (an index-only scan) and reads the table only for the entries of the page; it used to read a
 * table row, a random page, for every entry it passed.
 *
 * The words go into the index as `search_lexemes`: the search vector without word positions
 * (matching never uses them), kept only while it surely fits an index entry (a B-tree entry holds
 * at most about 2.7 kB, whatever compression might do). An item with a longer text has none, and
 * a walk tests its words on the table row instead. A stripped vector takes 8 bytes, 4 per lexeme
 * and the lexemes' text, which is the item's text lower-cased: at most one and a half times its
 * bytes (a few letters grow when lower-cased). So the bound holds for any text.
 *
 * Adding the column rewrites the tables (a few seconds per million items, the table locked);
 * the indexes are built alongside the old ones and swapped in, so that lists keep an index.
 */
const TABLES = ['tests', 'courses'] as const;

const SEARCH_TEXT = `title || ' ' || description`;
/** What the vector may take of an index entry, leaving room for the keys and the other columns. */
const INDEXED_LEXEMES_MAX_BYTES = 2_600;

const SORT_INDEXES = [
  { name: 'created', keys: 'created_at DESC, id DESC', carried: 'start_at, end_at, price' },
  { name: 'popular', keys: 'registration_count DESC, created_at DESC, id DESC', carried: 'start_at, end_at, price' },
  { name: 'price', keys: 'price, id', carried: 'start_at, end_at' },
  { name: 'start_at', keys: 'start_at, id', carried: 'end_at, price' },
] as const;

export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`
      ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS search_lexemes tsvector GENERATED ALWAYS AS (
        CASE WHEN 8 + 4 * length(to_tsvector('simple', ${SEARCH_TEXT})) + octet_length(${SEARCH_TEXT}) * 3 / 2 <= ${INDEXED_LEXEMES_MAX_BYTES}
             THEN strip(to_tsvector('simple', ${SEARCH_TEXT})) END
      ) STORED`);
    for (const index of SORT_INDEXES) {
      await swapIndex(knex, `${table}_${index.name}_idx`, `ON ${table} (${index.keys}) INCLUDE (${index.carried}, search_lexemes)`);
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    for (const index of SORT_INDEXES) await swapIndex(knex, `${table}_${index.name}_idx`, `ON ${table} (${index.keys})`);
    await knex.raw(`ALTER TABLE ${table} DROP COLUMN IF EXISTS search_lexemes`);
  }
}

async function swapIndex(knex: Knex, name: string, definition: string): Promise<void> {
  await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}_next`);
  await knex.raw(`CREATE INDEX CONCURRENTLY ${name}_next ${definition}`);
  await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
  await knex.raw(`ALTER INDEX ${name}_next RENAME TO ${name}`);
}
