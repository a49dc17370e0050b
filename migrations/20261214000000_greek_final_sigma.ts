import type { Knex } from 'knex';

/**
 * A Greek word's final sigma, as the index keeps it and as a search reads it. The search vectors
 * keep the text's own letters, lower-cased by PostgreSQL: a word written in lower case ends in
 * `ς` (`δρόμος`), one written in capitals in `σ` (`ΔΡΟΜΟΣ` is `δρομοσ`). A search read every `ς` as
 * `σ`, so it found the second kind whole and the first only by a prefix. Each lexeme with a sigma
 * is now looked for in both forms (`'δρόμοσ' | 'δρόμος'`). The vocabulary keeps the forms as the
 * items had them, so it is not asked about a search with a sigma (`SearchVocabulary`): such a
 * search is read from the index. A sigma is final where no letter of a lower-cased Greek or Latin
 * word follows it (named, not `[:alpha:]`, which follows the database's collation: under `C` no
 * Greek letter is one).
 */
export const QUOTED = (value: string): string => `'''' || replace(replace(${value}, '\\', '\\\\'), '''', '''''') || ''''`;

/**
 * The two query functions, as this migration makes them and as it found them: they differ in the
 * text each word is read from (`wordText`, of `w.word`) and in how a lexeme becomes a term of the
 * query (`term`, of a lexeme and whether it is a prefix).
 */
export interface QueryReading {
  readonly wordText: string;
  readonly term: (lexeme: string, prefix: string) => string;
  /** Which word is the last, whose lexemes are also prefixes: by default the last one given. */
  readonly lastWord?: string;
}

export const QUERY_FUNCTIONS = ({ wordText, term, lastWord = 'cardinality(words)' }: QueryReading): string => `
  CREATE OR REPLACE FUNCTION catalogue_search_query(words text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH lexemes AS (
      SELECT w.ord, t.lexeme
      FROM unnest(words) WITH ORDINALITY AS w(word, ord),
           unnest(to_tsvector('simple', ${wordText})) AS t
    )
    SELECT string_agg(${term('lexeme', `ord = ${lastWord}`)}, ' & ')::tsquery
    FROM lexemes
  $$;

  CREATE OR REPLACE FUNCTION catalogue_search_query(words text[], completions text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    WITH lexemes AS (
      SELECT w.ord, t.lexeme
      FROM unnest(words) WITH ORDINALITY AS w(word, ord),
           unnest(to_tsvector('simple', ${wordText})) AS t
    ), last AS (
      SELECT min(lexeme) AS lexeme, count(*) AS lexemes FROM lexemes WHERE ord = ${lastWord}
    ), choice AS (
      SELECT '(' || string_agg(${QUOTED('c')}, ' | ' ORDER BY c) || ')' AS part
      FROM last, unnest(completions) AS c
      WHERE last.lexemes = 1 AND starts_with(c, last.lexeme)
    )
    SELECT CASE WHEN choice.part IS NULL THEN catalogue_search_query(words)
                ELSE (SELECT string_agg(part, ' & ')
                      FROM (SELECT ${term('lexeme', 'false')} AS part FROM lexemes WHERE ord < ${lastWord}
                            UNION ALL SELECT choice.part) parts)::tsquery END
    FROM choice
  $$;`;

export const TERM_FUNCTION = `
  CREATE OR REPLACE FUNCTION catalogue_search_term(lexeme text, prefix boolean) RETURNS text
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN count(*) = 1 THEN min(term) ELSE '(' || string_agg(term, ' | ' ORDER BY term) || ')' END
    FROM (
      SELECT DISTINCT ${QUOTED('form')} || CASE WHEN prefix THEN ':*' ELSE '' END AS term
      FROM unnest(CASE WHEN lexeme ~ '[σς]'
                       THEN ARRAY[replace(lexeme, 'ς', 'σ'), regexp_replace(replace(lexeme, 'ς', 'σ'), 'σ($|[^a-z0-9ΐά-ώ])', 'ς\\1', 'g')]
                       ELSE ARRAY[lexeme] END) AS form
    ) AS terms
  $$;`;

/** Each word read as typed; each lexeme with a sigma looked for in both forms. */
export const BOTH_SIGMAS: QueryReading = { wordText: 'w.word', term: (lexeme, prefix) => `catalogue_search_term(${lexeme}, ${prefix})` };

/** As before: every `ς` read as `σ`, each lexeme quoted as it is. */
const SIGMA_AS_SIGMA: QueryReading = {
  wordText: "replace(w.word, 'ς', 'σ')",
  term: (lexeme, prefix) => `${QUOTED(lexeme)} || CASE WHEN ${prefix} THEN ':*' ELSE '' END`,
};

export async function up(knex: Knex): Promise<void> {
  await knex.raw(TERM_FUNCTION + QUERY_FUNCTIONS(BOTH_SIGMAS));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`${QUERY_FUNCTIONS(SIGMA_AS_SIGMA)}
    DROP FUNCTION catalogue_search_term(text, boolean);`);
}
