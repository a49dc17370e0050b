import { searchTokens } from '../postgres/search-terms';

/**
 * The catalogue's words as Meilisearch receives them, so that both engines agree on what a word
 * is and how it matches.
 *
 * Meilisearch segments text by script and language of its own: Korean into morphemes (`자격시험`
 * → `자격` + `시험`), Chinese and Japanese into dictionary words, text at `.` or `-`. It also joins
 * adjacent search words into one (`sun flower` finds `sunflower`) and splits one into two, even
 * with typos off. The contract is PostgreSQL's: a word is what its `simple` parser makes of the
 * text, and each search word matches a whole word, the last one also a word's start.
 *
 * So the index is given PostgreSQL's own words, each written so that Meilisearch keeps it whole:
 * - ASCII letters and digits stay as they are (Meilisearch's prefix cache covers up to four
 *   bytes of a prefix: `pyth` is answered from it);
 * - every other character becomes one character of Unicode's supplementary private use areas
 *   (two for one beyond the Basic Multilingual Plane, whose first never stands alone): they have
 *   no script, case or decomposition and are no separator, so nothing splits or changes them;
 * - each indexed word ends with a mark found nowhere else, and so does each search word but the
 *   last (which matches a word's start). A joined or split search word has the mark inside it or
 *   not at its end, and no indexed word is so.
 * A word starts with another exactly when its form starts with the other's unmarked form.
 */

/** Supplementary Private Use Area-A: one character for each of the Basic Multilingual Plane's. */
const PLANE_A = 0xf0000;
/** Supplementary Private Use Area-B: a lead and a trail for each character beyond the BMP. */
const LEAD = 0x100000;
const TRAIL = 0x100400;
/** U+FFFE and U+FFFF would land on plane A's two noncharacters; they take these instead. */
const LAST_TWO = 0x100800;
/** The end of a whole word. */
export const WORD_END = String.fromCodePoint(0x100802);

const isKept = (codePoint: number): boolean => (codePoint >= 0x61 && codePoint <= 0x7a) || (codePoint >= 0x30 && codePoint <= 0x39);

function opaqueCharacter(character: string): string {
  const codePoint = character.codePointAt(0)!;
  if (isKept(codePoint)) return character;
  if (codePoint < 0xfffe) return String.fromCodePoint(PLANE_A + codePoint);
  if (codePoint <= 0xffff) return String.fromCodePoint(LAST_TWO + codePoint - 0xfffe);
  const offset = codePoint - 0x10000;
  return String.fromCodePoint(LEAD + (offset >> 10), TRAIL + (offset & 0x3ff));
}

/** A word's form without its end mark: what a search's last word (a word's start) is sent as. */
export function opaqueWord(word: string): string {
  let opaque = '';
  for (const character of word) opaque += opaqueCharacter(character);
  return opaque;
}

/** An item's words (PostgreSQL's, in their order) as the text of its searchable attribute. */
export const opaqueText = (words: readonly string[]): string => words.map((word) => opaqueWord(word) + WORD_END).join(' ');

/** A search's words, split as the PostgreSQL engine splits them: whole words, then a word's start. */
export function opaqueQuery(words: readonly string[]): string {
  const tokens = searchTokens(words);
  return tokens.map((token, i) => opaqueWord(token) + (i < tokens.length - 1 ? WORD_END : '')).join(' ');
}
