/**
 * The words of a search as letters-and-digits tokens, lower-cased: what the lexeme statistics are
 * looked up by for the plan's estimates, and whether a search has terms at all. The query itself
 * is made in PostgreSQL by its own parser (`searchCondition`), so that it finds what the index holds.
 */
export function searchTokens(words: readonly string[]): string[] {
  return words.filter(isTerm).flatMap((word) => lowerCased(word).match(/[\p{L}0-9]+/gu) ?? []);
}

/**
 * Lower-cased one letter for one, as PostgreSQL lower-cases: JavaScript writes the Turkish `İ` as
 * `i` and a combining dot, which would split `İzmir` into two tokens.
 */
const lowerCased = (word: string): string => word.toLowerCase().replace(/i\u0307/g, 'i');

/** A condition of a search on the items' lexemes: a whole token, or the start of one. */
export interface TokenCondition {
  readonly token: string;
  readonly prefix: boolean;
}

/**
 * The conditions a search's tokens (see `searchTokens`) make, each once: a token typed twice is
 * one condition, and the last token's prefix is none where an earlier whole token starts with it
 * (`go go` is `go`). Estimates multiply the conditions' shares, as if independent: counted four
 * times, a common word looked rare enough to collect every item that holds it.
 */
export function tokenConditions(tokens: readonly string[]): TokenCondition[] {
  if (tokens.length === 0) return [];
  const whole = [...new Set(tokens.slice(0, -1))];
  const last = tokens[tokens.length - 1];
  const conditions = whole.map((token) => ({ token, prefix: false }));
  return whole.some((token) => token.startsWith(last)) ? conditions : [...conditions, { token: last, prefix: true }];
}

/**
 * A letter, or a digit as PostgreSQL's parser reads digits (0–9): `½`, `①` or `²` are numbers to
 * Unicode, and no word to the parser.
 */
const LETTER_OR_DIGIT = /[\p{L}0-9]/u;

/** A word the parser reads as markup, which it does not index: an entity (`&amp;`) or a tag (`<b>`). */
const MARKUP = /^(?:&#?[A-Za-z0-9]+;|<\/?[A-Za-z][^<>]*>)$/;

/** Whether a word holds a letter or a digit and is no markup: one that is not has no lexeme. */
const isTerm = (word: string): boolean => LETTER_OR_DIGIT.test(word) && !MARKUP.test(word);

/** Whether the words hold any letter or digit: a search of none filters nothing. */
export const hasSearchTerms = (words: readonly string[]): boolean => words.some(isTerm);

/**
 * The words that hold a letter or a digit, as the query is made of them: a word without has no
 * lexeme, and left out, it cannot take the prefix from the last real one.
 */
export const searchTerms = (words: readonly string[]): string[] => words.filter(isTerm);

/**
 * `vector @@ query` for the words, the query made by `catalogue_search_query` (a migration): every
 * lexeme of every word required, those of the last word also as prefixes; with `completions`
 * (see `SearchVocabulary`), the last word's prefix is a choice among the lexemes it completes to.
 */
export function searchCondition(
  vector: string,
  words: readonly string[],
  completions?: readonly string[],
): { readonly sql: string; readonly bindings: readonly string[] } {
  const terms = searchTerms(words);
  const array = (values: readonly string[]) => `ARRAY[${values.map(() => '?').join(', ')}]::text[]`;
  if (!completions?.length) return { sql: `${vector} @@ catalogue_search_query(${array(terms)})`, bindings: terms };
  return { sql: `${vector} @@ catalogue_search_query(${array(terms)}, ${array(completions)})`, bindings: [...terms, ...completions] };
}
