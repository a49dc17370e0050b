import type { Knex } from 'knex';
import { BOTH_SIGMAS, QUERY_FUNCTIONS, QUOTED, TERM_FUNCTION } from './20261214000000_greek_final_sigma';

/**
 * Two corrections of how a search's words become a query.
 *
 * The last word is the last one the parser makes a lexeme of. A word of letters that makes none
 * (`½`, `①`, an entity such as `&amp;`, a tag such as `<b>`) was taken as the last: the word
 * before it lost its prefix, so that `python ½` found fewer items than `python` alone.
 *
 * A Greek sigma followed by anything but a Greek letter may be a final `ς` (`οδος1`, `λόγοςabc`,
 * as the text was written), not only one at the end of the word or before a digit-less symbol:
 * such a word, typed as it was written or in capitals, is looked for in both forms.
 */
const TERM_BEFORE_ANY_OTHER_LETTER = TERM_FUNCTION.replace("'σ($|[^a-z0-9ΐά-ώ])'", "'σ($|[^ΐά-ώἀ-ῼ])'");

const LAST_WORD_WITH_LEXEMES = `
  CREATE OR REPLACE FUNCTION catalogue_search_query(words text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH lexemes AS (
      SELECT w.ord, t.lexeme
      FROM unnest(words) WITH ORDINALITY AS w(word, ord),
           unnest(to_tsvector('simple', w.word)) AS t
    )
    SELECT string_agg(catalogue_search_term(lexeme, ord = (SELECT max(ord) FROM lexemes)), ' & ')::tsquery
    FROM lexemes
  $$;

  CREATE OR REPLACE FUNCTION catalogue_search_query(words text[], completions text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH lexemes AS (
      SELECT w.ord, t.lexeme
      FROM unnest(words) WITH ORDINALITY AS w(word, ord),
           unnest(to_tsvector('simple', w.word)) AS t
    ), last AS (
      SELECT min(lexeme) AS lexeme, count(*) AS lexemes FROM lexemes WHERE ord = (SELECT max(ord) FROM lexemes)
    ), choice AS (
      SELECT '(' || string_agg(${QUOTED('c')}, ' | ' ORDER BY c) || ')' AS part
      FROM last, unnest(completions) AS c
      WHERE last.lexemes = 1 AND starts_with(c, last.lexeme)
    )
    SELECT CASE WHEN choice.part IS NULL THEN catalogue_search_query(words)
                ELSE (SELECT string_agg(part, ' & ')
                      FROM (SELECT catalogue_search_term(lexeme, false) AS part FROM lexemes WHERE ord < (SELECT max(ord) FROM lexemes)
                            UNION ALL SELECT choice.part) parts)::tsquery END
    FROM choice
  $$;`;

export async function up(knex: Knex): Promise<void> {
  if (TERM_BEFORE_ANY_OTHER_LETTER === TERM_FUNCTION) throw new Error('the final sigma pattern to replace was not found');
  await knex.raw(TERM_BEFORE_ANY_OTHER_LETTER + LAST_WORD_WITH_LEXEMES);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(TERM_FUNCTION + QUERY_FUNCTIONS(BOTH_SIGMAS));
}
