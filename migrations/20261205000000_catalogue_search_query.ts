import type { Knex } from 'knex';

/**
 * `catalogue_search_query(words)`: the full-text query of a catalogue search, made by the parser
 * that made the index. Each word typed is read by `to_tsvector('simple', …)`, as titles and
 * descriptions are, so `node.js`, `v1.2.3`, `user@example.com` or `devops/ci-cd` are looked up as
 * the single lexemes the index holds (and `real-time` as `real-time`, `real` and `time`), and
 * letters are lower-cased as PostgreSQL lower-cases them. Every lexeme is required; those of the
 * last word also match as prefixes (search-as-you-type). The lexemes are quoted into the query's
 * own syntax, so no input can inject operators. Greek final sigma is read as sigma, as the index
 * has it. Immutable: with its words known, the planner folds it into a constant and estimates
 * the matches from the lexeme statistics.
 */
const FUNCTION = `
  CREATE OR REPLACE FUNCTION catalogue_search_query(words text[]) RETURNS tsquery
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT string_agg(
             '''' || replace(replace(t.lexeme, '\\', '\\\\'), '''', '''''') || ''''
               || CASE WHEN w.ord = cardinality(words) THEN ':*' ELSE '' END,
             ' & ')::tsquery
    FROM unnest(words) WITH ORDINALITY AS w(word, ord),
         unnest(to_tsvector('simple', replace(w.word, 'ς', 'σ'))) AS t
  $$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(FUNCTION);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS catalogue_search_query(text[])');
}
