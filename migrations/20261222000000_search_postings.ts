import type { Knex } from 'knex';

/**
 * The postings of the catalogue's mid-frequency words, each with what a page's filters and sorts
 * read of its item, so that a search for such a word reads its postings in one index and no
 * table row.
 *
 * A word held by a few thousand items is too rare for a walk of a sort's index (a match every
 * thousand entries) and too common for a collect, which reads a table page per match: at five
 * million items, 5,000 random pages for a search for `Elixir`, ten times what it reads at a
 * million. Its postings here are read in order of the primary key, which carries the rest.
 *
 * - `search_posting_words`: the words whose postings are kept, per catalogue table, with their
 *   number of postings when listed (a cost for the planner, not kept up to date). A word is
 *   listed with all its postings in one transaction that holds off the table's writers, and is
 *   never unlisted while the service runs, so a word the service saw listed has all its postings.
 * - `search_postings`: one row per item and listed word it holds, kept by the items' trigger in
 *   the transaction that writes the item. `search_lexemes` is the item's (see the sort indexes),
 *   where it fits an index entry beside the rest; where it does not (null), a search tests the
 *   item's words on its table row.
 * - `catalogue_search_posted(catalogue, words, most)`: the listed lexemes a search's matches all
 *   hold one of: a listed lexeme of a word before the last, or the last word's completions (see
 *   `catalogue_search_completions`) where all of them are listed; the choice with the fewest
 *   postings, NULL where there is none. A search with a Greek sigma is left out, as the
 *   vocabulary leaves it (its query looks for both forms of a final sigma).
 */
const TABLES = ['tests', 'courses'] as const;

/** The most bytes of an item's lexemes a posting's index entry carries beside the word and the rest. */
const POSTED_LEXEMES_MAX_BYTES = 2_400;

/** The columns of an item that its postings hold (its words, and what filters and sorts read). */
const POSTED_COLUMNS = ['search_vector', 'price', 'start_at', 'end_at', 'created_at', 'registration_count'] as const;

const FOLLOW_FUNCTION = `
  CREATE OR REPLACE FUNCTION search_postings_follow() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    -- As text: compared as a name, the catalogue would not enter the indexes.
    catalogue_table text := TG_TABLE_NAME;
  BEGIN
    IF TG_OP = 'UPDATE' AND OLD.search_vector = NEW.search_vector THEN
      UPDATE search_postings
      SET price = NEW.price, start_at = NEW.start_at, end_at = NEW.end_at, created_at = NEW.created_at, registration_count = NEW.registration_count
      WHERE catalogue = catalogue_table AND item_id = NEW.id;
      RETURN NULL;
    END IF;
    IF TG_OP <> 'INSERT' THEN
      DELETE FROM search_postings WHERE catalogue = catalogue_table AND item_id = OLD.id;
    END IF;
    IF TG_OP <> 'DELETE' THEN
      INSERT INTO search_postings (catalogue, lexeme, item_id, price, start_at, end_at, created_at, registration_count, search_lexemes)
      SELECT catalogue_table, w.lexeme, NEW.id, NEW.price, NEW.start_at, NEW.end_at, NEW.created_at, NEW.registration_count,
             CASE WHEN pg_column_size(NEW.search_lexemes) + octet_length(w.lexeme) <= ${POSTED_LEXEMES_MAX_BYTES} THEN NEW.search_lexemes END
      FROM search_posting_words w
      WHERE w.catalogue = catalogue_table AND w.lexeme = ANY(tsvector_to_array(NEW.search_vector));
    END IF;
    RETURN NULL;
  END $$;`;

const POSTED_FUNCTION = `
  CREATE OR REPLACE FUNCTION catalogue_search_posted(catalogue text, words text[], most integer) RETURNS TABLE (lexemes text[], postings bigint)
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH parsed AS (
      SELECT w.ord, t.lexeme
      FROM unnest(words) WITH ORDINALITY AS w(word, ord), unnest(to_tsvector('simple', w.word)) AS t
      WHERE NOT EXISTS (SELECT 1 FROM unnest(words) AS s WHERE s ~ '[σςΣ]')
    ), last AS (
      SELECT max(ord) AS ord FROM parsed
    ), whole AS (
      SELECT ARRAY[p.lexeme::text] AS lexemes, p.postings
      FROM parsed, last, search_posting_words p
      WHERE parsed.ord < last.ord AND p.catalogue = catalogue_search_posted.catalogue AND p.lexeme = parsed.lexeme
    ), completed AS (
      SELECT c.lexemes, listed.postings::bigint AS postings
      FROM last, catalogue_search_completions(catalogue_search_posted.catalogue, words[last.ord], most) AS c(lexemes),
           LATERAL (SELECT count(*) AS n, sum(p.postings) AS postings FROM search_posting_words p
                    WHERE p.catalogue = catalogue_search_posted.catalogue AND p.lexeme = ANY(c.lexemes)) AS listed
      WHERE listed.n = cardinality(c.lexemes)
    )
    SELECT choices.lexemes, choices.postings FROM (SELECT * FROM whole UNION ALL SELECT * FROM completed) AS choices
    ORDER BY choices.postings LIMIT 1
  $$;`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE search_posting_words (
      catalogue text NOT NULL,
      lexeme text COLLATE "C" NOT NULL,
      postings bigint NOT NULL,
      PRIMARY KEY (catalogue, lexeme)
    )`);
  await knex.raw(`
    CREATE TABLE search_postings (
      catalogue text NOT NULL,
      lexeme text COLLATE "C" NOT NULL,
      item_id bigint NOT NULL,
      price numeric(10, 2) NOT NULL,
      start_at timestamptz NOT NULL,
      end_at timestamptz NOT NULL,
      created_at timestamptz NOT NULL,
      registration_count integer NOT NULL,
      search_lexemes tsvector,
      PRIMARY KEY (catalogue, lexeme, item_id) INCLUDE (price, start_at, end_at, created_at, registration_count, search_lexemes)
    )`);
  await knex.raw('CREATE INDEX search_postings_by_item ON search_postings (catalogue, item_id)');
  await knex.raw(FOLLOW_FUNCTION + POSTED_FUNCTION);
  for (const table of TABLES) {
    await knex.raw(`
      CREATE TRIGGER ${table}_search_postings AFTER INSERT OR DELETE ON ${table}
      FOR EACH ROW EXECUTE FUNCTION search_postings_follow()`);
    await knex.raw(`
      CREATE TRIGGER ${table}_search_postings_changed AFTER UPDATE ON ${table}
      FOR EACH ROW WHEN (${POSTED_COLUMNS.map((column) => `OLD.${column} IS DISTINCT FROM NEW.${column}`).join(' OR ')})
      EXECUTE FUNCTION search_postings_follow()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_search_postings ON ${table}`);
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_search_postings_changed ON ${table}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS catalogue_search_posted(text, text[], integer)');
  await knex.raw('DROP FUNCTION IF EXISTS search_postings_follow()');
  await knex.raw('DROP TABLE IF EXISTS search_postings');
  await knex.raw('DROP TABLE IF EXISTS search_posting_words');
}
