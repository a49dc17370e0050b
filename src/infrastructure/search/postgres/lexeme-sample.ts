import { setImmediate } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { TokenCondition } from './search-terms';

/** The items a sample reads, whatever the catalogue's size: a share of a few in ten thousand is told to ~10 %. */
export const SAMPLED_ITEMS = 30_000;

/**
 * The fewest sampled items that must hold the words together, or that the words' shares in the
 * sample say should, for the sample to tell their share: below that, its count is mostly chance.
 */
const MIN_SAMPLED_MATCHES = 10;

/** The sampled items indexed at a time before other work may run. */
const ITEMS_PER_SLICE = 2_000;

/** A lexeme the vocabulary keeps: one with a character other than a digit. */
const NOT_A_NUMBER = /[^0-9]/;

/**
 * The lexemes of a block sample of a catalogue's items, by lexeme: which sampled items hold each.
 * The lexeme statistics give each word's share alone, and a product of shares takes words as
 * independent, which the words of one item seldom are: two technologies named in one title are
 * held together by half the items the product says (each title names two), words of a subject
 * more often than it, and a walk chosen for matches that are not there reads its whole budget.
 * Counting the items that hold every word in a sample of a fixed size costs the same (a few tens
 * of microseconds) at any size of the catalogue.
 */
export class LexemeSample {
  private constructor(
    /** The sampled items holding each lexeme, by their position in the sample, ascending. */
    private readonly holders: ReadonlyMap<string, Int32Array>,
    /** The lexemes, sorted as JavaScript compares strings, for the completions of a prefix. */
    private readonly lexemes: readonly string[],
    readonly items: number,
  ) {}

  /**
   * Samples about `SAMPLED_ITEMS` of the table's `rows` items, whole pages at random (as ANALYZE
   * does; a page's items are as independent as the catalogue's writes make them). Lexemes of digits
   * alone are left out, as the vocabulary leaves them out: a number names an item or two. (A
   * lexeme with a space, which the parser does not make of items' texts, would be sampled as two.)
   */
  static async read(db: Knex, table: string, rows: number): Promise<LexemeSample> {
    const percent = rows > SAMPLED_ITEMS ? (SAMPLED_ITEMS / rows) * 100 : 100;
    // As one text per item: node-postgres parses a text array several times slower.
    const { rows: sampled } = await db.raw(`SELECT array_to_string(tsvector_to_array(search_vector), ' ') AS lexemes FROM ?? TABLESAMPLE SYSTEM (?)`, [table, percent]);
    const texts = (sampled as { lexemes: string | null }[]).map((row) => row.lexemes);
    const holding = new Map<string, number[]>();
    for (let item = 0; item < texts.length; item += 1) {
      // Indexing the sample takes the process ~100 ms in all: in slices, between other work.
      if (item % ITEMS_PER_SLICE === 0 && item > 0) await setImmediate();
      for (const lexeme of texts[item]?.split(' ') ?? []) {
        if (!NOT_A_NUMBER.test(lexeme)) continue;
        const items = holding.get(lexeme);
        if (items) items.push(item);
        else holding.set(lexeme, [item]);
      }
    }
    const holders = new Map([...holding].map(([lexeme, items]) => [lexeme, Int32Array.from(items)]));
    return new LexemeSample(holders, [...holders.keys()].sort(), sampled.length);
  }

  /**
   * The share of the items that hold every condition (a whole lexeme, or the start of one) as the
   * sample tells it; null where the sample holds too few such items to tell (see
   * `MIN_SAMPLED_MATCHES`). Held by none where the words' shares say several should be, the share
   * is taken as half an item's: such words are held together by a few items at most.
   */
  share(conditions: readonly TokenCondition[]): number | null {
    if (this.items === 0 || conditions.length === 0) return null;
    const held = conditions.map((condition) => this.holding(condition)).sort((a, b) => a.length - b.length);
    const independent = held.reduce((product, items) => (product * items.length) / this.items, this.items);
    const together = held.slice(1).reduce(intersection, held[0]).length;
    if (together < MIN_SAMPLED_MATCHES && independent < MIN_SAMPLED_MATCHES) return null;
    return Math.max(together, 0.5) / this.items;
  }

  /** The sampled items holding the condition's lexeme, or for a prefix, any lexeme it starts, ascending. */
  private holding({ token, prefix }: TokenCondition): Int32Array {
    if (!prefix) return this.holders.get(token) ?? NONE;
    const completions: Int32Array[] = [];
    for (let i = lowerBound(this.lexemes, token); i < this.lexemes.length && this.lexemes[i].startsWith(token); i += 1) completions.push(this.holders.get(this.lexemes[i])!);
    if (completions.length <= 1) return completions[0] ?? NONE;
    const marks = new Uint8Array(this.items);
    for (const items of completions) for (const item of items) marks[item] = 1;
    const union: number[] = [];
    marks.forEach((marked, item) => marked && union.push(item));
    return Int32Array.from(union);
  }
}

const NONE = new Int32Array(0);

/** The items in both ascending lists, ascending. */
function intersection(a: Int32Array, b: Int32Array): Int32Array {
  const both: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length; ) {
    if (a[i] < b[j]) i += 1;
    else if (a[i] > b[j]) j += 1;
    else {
      both.push(a[i]);
      i += 1;
      j += 1;
    }
  }
  return Int32Array.from(both);
}

/** The first index of the sorted `values` whose value is not below `value`. */
function lowerBound(values: readonly string[], value: string): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
