import type { Knex } from 'knex';

/**
 * `search_vocabulary`: every lexeme of the catalogue's search vectors that holds a character
 * other than a digit, per catalogue table, kept by triggers in the transaction that writes the
 * item. It lets a search replace the prefix of its last word (`pyth:*`) by the few lexemes that
 * word completes to (`python`): the full-text index reads a prefix by decoding every posting of
 * every lexeme it covers into a bitmap before it can intersect it with another word, while whole
 * lexemes are intersected by skipping through their postings (five times faster for two common
 * words, measured).
 *
 * The vocabulary may hold more than the index (an item deleted or renamed leaves its lexemes),
 * never less: a completion that matches nothing costs nothing. Lexemes of digits alone (the
 * numbers in titles) are left out, as a prefix of digits alone is never replaced; a lexeme that
 * starts with any other prefix holds a character other than a digit, so it is kept.
 *
 * `catalogue_search_completions(catalogue, word, most)`: the lexemes that the word, read as the
 * index reads it (one lexeme, not digits alone), completes to in that catalogue, when there are
 * between one and `most`; NULL otherwise, and the search keeps its prefix.
 *
 * `catalogue_search_query(words, completions)`: the query of `catalogue_search_query(words)`, the
 * last word's prefix replaced by a choice among `completions` (those of them that start with it).
 */
const TABLES = ['tests', 'courses'] as const;

const KEPT = `lexeme ~ '[^0-9]'`;

/** A lexeme quoted into the syntax of a query, so that no text can inject an operator. */
const QUOTED = (expression: string) => `'''' || replace(replace(${expression}, '\\', '\\\\'), '''', '''''') || ''''`;

/** The triggers' functions, which keep the vocabulary (a later migration changes and restores them). */
export const LEARNING_FUNCTIONS = `
  CREATE OR REPLACE FUNCTION search_vocabulary_learn_added() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO search_vocabulary (catalogue, lexeme)
    SELECT DISTINCT TG_TABLE_NAME, lexeme
    FROM added, unnest(tsvector_to_array(added.search_vector)) AS lexeme
    WHERE ${KEPT}
    ORDER BY 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
  END $$;

  CREATE OR REPLACE FUNCTION search_vocabulary_learn_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO search_vocabulary (catalogue, lexeme)
    SELECT TG_TABLE_NAME, lexeme
    FROM unnest(tsvector_to_array(NEW.search_vector)) AS lexeme
    WHERE ${KEPT}
    ORDER BY 2
    ON CONFLICT DO NOTHING;
    RETURN NULL;
  END $$;
`;

const SEARCH_FUNCTIONS = `
  CREATE OR REPLACE FUNCTION catalogue_search_completions(catalogue text, word text, most integer) RETURNS text[]
  LANGUAGE sql STABLE PARALLEL SAFE AS $$
    WITH prefix AS (
      SELECT min(t.lexeme) COLLATE "C" AS lexeme, count(*) AS lexemes
      FROM unnest(to_tsvector('simple', replace(word, 'ς', 'σ'))) AS t
    ), bounds AS (
      -- Lexemes that start with the prefix sort from it up to the prefix with its last character
      -- one higher (skipping the surrogates, which no text holds).
      SELECT lexeme AS low,
             left(lexeme, -1) || chr(CASE WHEN ascii(right(lexeme, 1)) + 1 BETWEEN 55296 AND 57343 THEN 57344 ELSE ascii(right(lexeme, 1)) + 1 END) COLLATE "C" AS high
      FROM prefix
      WHERE lexemes = 1 AND ${KEPT} AND ascii(right(lexeme, 1)) < 1114111
    ), found AS (
      SELECT v.lexeme
      FROM bounds, search_vocabulary v
      WHERE v.catalogue = catalogue_search_completions.catalogue AND v.lexeme >= bounds.low AND v.lexeme < bounds.high
        AND starts_with(v.lexeme, bounds.low)
      LIMIT most + 1
    )
    SELECT CASE WHEN count(*) BETWEEN 1 AND most THEN array_agg(lexeme ORDER BY lexeme) END FROM found
  $$;

  CREATE OR REPLACE FUNCTION catalogue_search_query(words text[], completions text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH lexemes AS (
      SELECT w.ord, t.lexeme
      FROM unnest(words) WITH ORDINALITY AS w(word, ord),
           unnest(to_tsvector('simple', replace(w.word, 'ς', 'σ'))) AS t
    ), last AS (
      SELECT min(lexeme) AS lexeme, count(*) AS lexemes FROM lexemes WHERE ord = cardinality(words)
    ), choice AS (
      SELECT '(' || string_agg(${QUOTED('c')}, ' | ' ORDER BY c) || ')' AS part
      FROM last, unnest(completions) AS c
      WHERE last.lexemes = 1 AND starts_with(c, last.lexeme)
    )
    SELECT CASE WHEN choice.part IS NULL THEN catalogue_search_query(words)
                ELSE (SELECT string_agg(part, ' & ')
                      FROM (SELECT ${QUOTED('lexeme')} AS part FROM lexemes WHERE ord < cardinality(words)
                            UNION ALL SELECT choice.part) parts)::tsquery END
    FROM choice
  $$;
`;

export const FUNCTIONS = LEARNING_FUNCTIONS + SEARCH_FUNCTIONS;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE search_vocabulary (
      catalogue text NOT NULL,
      lexeme text COLLATE "C" NOT NULL,
      PRIMARY KEY (catalogue, lexeme)
    )`);
  await knex.raw(FUNCTIONS);
  for (const table of TABLES) {
    // The triggers first: creating them waits for the table's writers and keeps new ones out until
    // the migration commits, so the vocabulary read below misses no item.
    await knex.raw(`
      CREATE TRIGGER ${table}_vocabulary_added AFTER INSERT ON ${table}
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION search_vocabulary_learn_added()`);
    await knex.raw(`
      CREATE TRIGGER ${table}_vocabulary_changed AFTER UPDATE ON ${table}
      FOR EACH ROW WHEN (OLD.search_vector IS DISTINCT FROM NEW.search_vector) EXECUTE FUNCTION search_vocabulary_learn_changed()`);
    await knex.raw(`
      INSERT INTO search_vocabulary (catalogue, lexeme)
      SELECT DISTINCT '${table}', lexeme FROM ${table}, unnest(tsvector_to_array(search_vector)) AS lexeme WHERE ${KEPT}
      ON CONFLICT DO NOTHING`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_vocabulary_added ON ${table}`);
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_vocabulary_changed ON ${table}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS catalogue_search_query(text[], text[])');
  await knex.raw('DROP FUNCTION IF EXISTS catalogue_search_completions(text, text, integer)');
  await knex.raw('DROP FUNCTION IF EXISTS search_vocabulary_learn_changed()');
  await knex.raw('DROP FUNCTION IF EXISTS search_vocabulary_learn_added()');
  await knex.raw('DROP TABLE IF EXISTS search_vocabulary');
}
