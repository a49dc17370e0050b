import type { Knex } from 'knex';
import { BOTH_SIGMAS, QUERY_FUNCTIONS, TERM_FUNCTION } from './20261214000000_greek_final_sigma';

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
export const TERM_BEFORE_ANY_OTHER_LETTER = TERM_FUNCTION.replace("'σ($|[^a-z0-9ΐά-ώ])'", "'σ($|[^ΐά-ώἀ-ῼ])'");

export const LAST_WORD_WITH_LEXEMES = QUERY_FUNCTIONS({ ...BOTH_SIGMAS, lastWord: '(SELECT max(ord) FROM lexemes)' });

export async function up(knex: Knex): Promise<void> {
  if (TERM_BEFORE_ANY_OTHER_LETTER === TERM_FUNCTION) throw new Error('the final sigma pattern to replace was not found');
  await knex.raw(TERM_BEFORE_ANY_OTHER_LETTER + LAST_WORD_WITH_LEXEMES);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(TERM_FUNCTION + QUERY_FUNCTIONS(BOTH_SIGMAS));
}
