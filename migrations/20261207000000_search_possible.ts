import type { Knex } from 'knex';

/**
 * `catalogue_search_possible(catalogue, words)`: false when the catalogue's vocabulary shows that
 * no item can match the words: a lexeme of a word before the last that no item holds, or a last
 * word that no lexeme starts with. Each lexeme is one index lookup in `search_vocabulary`: the
 * first entry at or after it is the lexeme itself, or the first that starts with it, if any is.
 * Lexemes of digits alone are not in the vocabulary and rule nothing out. The words are read as
 * `catalogue_search_query` reads them, so the two agree on every word and on which one is last.
 *
 * The vocabulary keeps every lexeme an item has held (renames and deletions leave theirs), so
 * "possible" may be wrong only in that direction: a search it rules out finds nothing.
 */
export const FUNCTION = `
  CREATE OR REPLACE FUNCTION catalogue_search_possible(catalogue text, words text[]) RETURNS boolean
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT NOT EXISTS (
      SELECT 1
      FROM unnest(words) WITH ORDINALITY AS w(word, ord),
           unnest(to_tsvector('simple', replace(w.word, 'ς', 'σ'))) AS t
      WHERE t.lexeme ~ '[^0-9]'
        AND NOT coalesce((
          SELECT CASE WHEN w.ord = cardinality(words) THEN starts_with(v.lexeme, t.lexeme COLLATE "C")
                      ELSE v.lexeme = t.lexeme COLLATE "C" END
          FROM search_vocabulary v
          WHERE v.catalogue = catalogue_search_possible.catalogue AND v.lexeme >= t.lexeme COLLATE "C"
          ORDER BY v.lexeme
          LIMIT 1), false)
    )
  $$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(FUNCTION);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS catalogue_search_possible(text, text[])');
}
