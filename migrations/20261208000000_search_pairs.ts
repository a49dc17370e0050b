import type { Knex } from 'knex';
import { LEARNING_FUNCTIONS } from './20261206000000_search_vocabulary';
import { FUNCTION as POSSIBLE_FUNCTION } from './20261207000000_search_possible';

/**
 * `search_pairs`: every two lexemes (with a character other than a digit) that an item of the
 * catalogue holds together, both ways round, kept by the triggers that keep `search_vocabulary`,
 * in the transaction that writes the item. Proving that two common words share no item costs the
 * full-text index in proportion to both words' postings (about 60 ms for two words of a sixth of
 * the items each, at five million items); the pairs tell it in one index lookup. Like the
 * vocabulary, the pairs may hold more than the items (a renamed or deleted item leaves its own),
 * never less.
 *
 * `catalogue_search_possible(catalogue, words)` also rules out a search with two lexemes that no
 * item holds together: two of the words before the last, or one of them and the start of the last
 * word (unless the whole word itself starts with it). A whole word paired with '' (held by an item
 * of more lexemes than are paired) rules out no other word. In PL/pgSQL, unlike the SQL function
 * it replaces, so that each connection plans its statement once (0.6 ms a call planned each
 * time, 0.1 ms with the plan kept). A word longer than a pair holds is left to the vocabulary.
 */
const TABLES = ['tests', 'courses'] as const;

const KEPT = (lexeme: string) => `${lexeme} ~ '[^0-9]'`;

/**
 * An item with more lexemes than this has its lexemes paired with '' (with any other) instead of
 * with each other: its pairs would grow with the square of its words (a thousand words, a million
 * pairs).
 */
const MOST_PAIRED_LEXEMES = 32;

/**
 * The characters of a lexeme that a pair holds. A longer lexeme (words of up to 2,047 bytes are
 * indexed) is paired by its start, so that two fit in an index row (at most 2,704 bytes, and a
 * character takes four bytes at most): the start still completes every prefix as long, and a
 * longer search word is checked by the vocabulary alone.
 */
export const PAIRED_CHARACTERS = 256;

/**
 * An item's lexemes with a character other than a digit, as an array, from its search vector,
 * each cut to what a pair holds.
 */
const KEPT_LEXEMES = (vector: string) => `array(SELECT left(l, ${PAIRED_CHARACTERS}) FROM unnest(tsvector_to_array(${vector})) AS l WHERE ${KEPT('l')})`;

/** The pairs (`pair.lexeme`, `pair.other`) of an item's `lexemes` (an array), a LATERAL FROM item. */
const PAIRS = (lexemes: string) => `
    LATERAL (
      SELECT a.lexeme, b.lexeme AS other
      FROM unnest(${lexemes}) AS a(lexeme),
           unnest(CASE WHEN cardinality(${lexemes}) > ${MOST_PAIRED_LEXEMES} THEN ARRAY[''] ELSE ${lexemes} END) AS b(lexeme)
      WHERE a.lexeme <> b.lexeme
    ) AS pair`;

/**
 * What a trigger learns from `vectors` (a FROM item with a `search_vector` column): the lexemes
 * and the pairs of lexemes. Rows are inserted in key order, as the vocabulary's always were, so
 * that two writers that add the same new rows wait for each other instead of deadlocking.
 */
const LEARN = (vectors: string) => `
    INSERT INTO search_vocabulary (catalogue, lexeme)
    SELECT DISTINCT TG_TABLE_NAME, lexeme
    FROM ${vectors}, unnest(tsvector_to_array(search_vector)) AS lexeme
    WHERE ${KEPT('lexeme')}
    ORDER BY 2
    ON CONFLICT DO NOTHING;
    INSERT INTO search_pairs (catalogue, lexeme, other)
    SELECT DISTINCT TG_TABLE_NAME, pair.lexeme, pair.other
    FROM ${vectors}, LATERAL (SELECT ${KEPT_LEXEMES('search_vector')} AS lexemes) AS item, ${PAIRS('item.lexemes')}
    ORDER BY 2, 3
    ON CONFLICT DO NOTHING;`;

export const FUNCTIONS = `
  CREATE OR REPLACE FUNCTION search_vocabulary_learn_added() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN ${LEARN('added')}
    RETURN NULL;
  END $$;

  CREATE OR REPLACE FUNCTION search_vocabulary_learn_changed() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN ${LEARN('(SELECT NEW.search_vector) AS changed(search_vector)')}
    RETURN NULL;
  END $$;

  CREATE OR REPLACE FUNCTION catalogue_search_possible(catalogue text, words text[]) RETURNS boolean
  LANGUAGE plpgsql STABLE PARALLEL SAFE AS $$
  BEGIN
    RETURN (WITH lexemes AS (
      SELECT DISTINCT t.lexeme COLLATE "C" AS lexeme, w.ord = cardinality(words) AS last
      FROM unnest(words) WITH ORDINALITY AS w(word, ord),
           unnest(to_tsvector('simple', replace(w.word, 'ς', 'σ'))) AS t
      WHERE ${KEPT('t.lexeme')}
    )
    SELECT NOT EXISTS (
      SELECT 1
      FROM lexemes l
      WHERE NOT coalesce((
        SELECT CASE WHEN l.last THEN starts_with(v.lexeme, l.lexeme) ELSE v.lexeme = l.lexeme END
        FROM search_vocabulary v
        WHERE v.catalogue = catalogue_search_possible.catalogue AND v.lexeme >= l.lexeme
        ORDER BY v.lexeme
        LIMIT 1), false)
    ) AND NOT EXISTS (
      SELECT 1
      FROM lexemes whole, lexemes o
      WHERE NOT whole.last AND whole.lexeme <> o.lexeme AND (o.last OR whole.lexeme < o.lexeme)
        AND char_length(whole.lexeme) <= ${PAIRED_CHARACTERS} AND char_length(o.lexeme) <= ${PAIRED_CHARACTERS}
        AND NOT (o.last AND starts_with(whole.lexeme, o.lexeme))
        AND NOT coalesce((
          SELECT CASE WHEN o.last THEN starts_with(p.other, o.lexeme) ELSE p.other = o.lexeme END
          FROM search_pairs p
          WHERE p.catalogue = catalogue_search_possible.catalogue AND p.lexeme = whole.lexeme AND p.other >= o.lexeme
          ORDER BY p.other
          LIMIT 1), false)
        AND NOT EXISTS (SELECT 1 FROM search_pairs p WHERE p.catalogue = catalogue_search_possible.catalogue AND p.lexeme = whole.lexeme AND p.other = '')
    ));
  END $$;
`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE search_pairs (
      catalogue text NOT NULL,
      lexeme text COLLATE "C" NOT NULL,
      other text COLLATE "C" NOT NULL,
      PRIMARY KEY (catalogue, lexeme, other)
    )`);
  await knex.raw(FUNCTIONS);
  for (const table of TABLES) {
    // Writers (registrations too, which update an item's count) wait until the migration commits,
    // so the pairs read below miss no item: one that commits meanwhile would be read by neither
    // them nor the new triggers. 15 s for a million tests and a million courses here.
    await knex.raw(`LOCK TABLE ${table} IN SHARE ROW EXCLUSIVE MODE`);
    // Items with the same words have the same pairs: each set of words is paired once (a million
    // items held 55,000 sets here: 15 s for both tables, against 150 s pairing every item).
    await knex.raw(
      `INSERT INTO search_pairs (catalogue, lexeme, other)
       SELECT DISTINCT '${table}', pair.lexeme, pair.other
       FROM (SELECT DISTINCT ${KEPT_LEXEMES('search_vector')} AS lexemes FROM ${table}) AS item, ${PAIRS('item.lexemes')}`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(LEARNING_FUNCTIONS);
  await knex.raw(POSSIBLE_FUNCTION);
  await knex.raw('DROP TABLE IF EXISTS search_pairs');
}
