/**
 * The words of a search as full-text lexemes: letters and digits only (so no input can inject
 * tsquery syntax), lower-cased, split where the text has other characters.
 */
export function searchTokens(words: readonly string[]): string[] {
  return words.flatMap((word) => word.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
}

/** `python & 시험:*`: every token required, the last one also as a prefix (search-as-you-type). */
export function toTsQuery(words: readonly string[]): string | null {
  const tokens = searchTokens(words);
  if (tokens.length === 0) return null;
  return tokens.map((token, i) => (i === tokens.length - 1 ? `${token}:*` : token)).join(' & ');
}
