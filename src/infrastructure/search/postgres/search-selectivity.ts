import type { Knex } from 'knex';
import type { OfferingKind } from '../../../domain/offering-kind';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { LexemeSample } from './lexeme-sample';
import { tokenConditions } from './search-terms';

interface LexemeStatistics {
  readonly frequencies: ReadonlyMap<string, number>;
  /** Frequency assumed for a lexeme the statistics do not list (half the least listed one). */
  readonly unlisted: number;
  readonly rows: number;
  /** The share of rows whose words no index entry carries (see `WordsEstimate.testedOnRows`). */
  readonly testedOnRows: number;
  readonly loadedAt: number;
}

/**
 * What a search's words are estimated to match, and what the full-text index reads to find them;
 * `conditions` counts the distinct conditions the estimate took as independent.
 */
export interface WordsEstimate {
  readonly matches: number;
  readonly postings: number;
  readonly conditions: number;
  /**
   * Whether the matches of several words were counted in a sample of the items (see
   * `LexemeSample`); otherwise (or absent) they are multiplied from each word's share.
   */
  readonly sampled?: boolean;
  /**
   * The share of items whose words are too many for an index entry (their `search_lexemes` is
   * null): a walk or a range tests those items' words on their table rows, a random page each.
   */
  readonly testedOnRows: number;
}

const REFRESH_MS = 5 * 60 * 1000;

/**
 * How many postings of a longer list the full-text index reads per match of the rarest word when
 * it intersects them (a skip lands in a compressed segment that is decoded whole). Measured at
 * five million items: a word of 0.1 % ANDed with one of 12.5 % took 6.6 ms, the rare word alone
 * 3.8 ms; decoding every posting of the common one would have taken ~35 ms.
 */
const SKIPPED_POSTINGS = 20;

/**
 * Estimates how many items a search matches from the lexeme frequencies ANALYZE keeps for the
 * search column. PostgreSQL's own estimate for a prefix term (`word:*`) is a fixed guess, which
 * sends rare-word searches down the wrong plan; this one sums the frequencies of the listed
 * lexemes that start with the prefix.
 */
export class SearchSelectivity {
  private readonly statistics = new Map<OfferingKind, Promise<LexemeStatistics | null>>();
  private readonly samples = new Map<OfferingKind, { readonly sample: Promise<LexemeSample | null>; readonly takenAt: number }>();

  constructor(private readonly db: Knex) {}

  /**
   * Estimated matching rows for the tokens (the last one a prefix; each condition once, see
   * `tokenConditions`), and the entries of the full-text index read to find them; null without
   * statistics. The index intersects the words' posting lists by skipping through the longer ones
   * to the next entry of the shortest, so a word is read in full only up to `SKIPPED_POSTINGS`
   * times the rarest word's matches. Several words are estimated together from a sample of the
   * items (see `LexemeSample`) where it holds enough of them, and otherwise as if independent.
   */
  async estimate(kind: OfferingKind, tokens: readonly string[]): Promise<WordsEstimate | null> {
    const stats = await this.load(kind);
    if (!stats || tokens.length === 0) return null;
    const conditions = tokenConditions(tokens);
    const shares = conditions.map(({ token, prefix }) => (prefix ? prefixShare(stats, token) : (stats.frequencies.get(token) ?? stats.unlisted)));
    const rarest = Math.min(...shares);
    const together = conditions.length > 1 ? ((await this.sample(kind, stats.rows))?.share(conditions) ?? null) : null;
    return {
      matches: Math.round((together ?? shares.reduce((product, share) => product * share, 1)) * stats.rows),
      postings: Math.round(shares.reduce((sum, share) => sum + Math.min(share, rarest * SKIPPED_POSTINGS), 0) * stats.rows),
      conditions: conditions.length,
      sampled: together !== null,
      testedOnRows: stats.testedOnRows,
    };
  }

  /**
   * Whether the statistics list every token (the last one as the start of a listed lexeme): then
   * each was held by items when they were taken. A word they do not list is rare, or held by no
   * item at all.
   */
  async listsEvery(kind: OfferingKind, tokens: readonly string[]): Promise<boolean> {
    const stats = await this.load(kind);
    if (!stats) return false;
    const last = tokens.length - 1;
    return tokens.every((token, i) => (i < last ? stats.frequencies.has(token) : listsPrefix(stats, token)));
  }

  /** The table's row count as of the last ANALYZE. */
  async rowCount(kind: OfferingKind): Promise<number | null> {
    return (await this.load(kind))?.rows ?? null;
  }

  private load(kind: OfferingKind): Promise<LexemeStatistics | null> {
    const cached = this.statistics.get(kind);
    if (cached) return cached.then((stats) => (stats && Date.now() - stats.loadedAt < REFRESH_MS ? stats : this.reload(kind)));
    return this.reload(kind);
  }

  private reload(kind: OfferingKind): Promise<LexemeStatistics | null> {
    const loading = this.read(kind).catch(() => null);
    this.statistics.set(kind, loading);
    return loading;
  }

  /**
   * The kind's lexeme sample: read when first asked for, and again every `REFRESH_MS` while the
   * older one still answers (an estimate waits for no sample but the first). Null where reading it
   * failed, until it is read again.
   */
  private sample(kind: OfferingKind, rows: number): Promise<LexemeSample | null> {
    const known = this.samples.get(kind);
    if (known && Date.now() - known.takenAt < REFRESH_MS) return known.sample;
    const reading = LexemeSample.read(this.db, OFFERING_TABLES[kind].items, rows).catch(() => null);
    this.samples.set(kind, { sample: known?.sample ?? reading, takenAt: Date.now() });
    if (known) void reading.then((sample) => sample && this.samples.set(kind, { sample: reading, takenAt: Date.now() }));
    return this.samples.get(kind)!.sample;
  }

  private async read(kind: OfferingKind): Promise<LexemeStatistics | null> {
    const table = OFFERING_TABLES[kind].items;
    const { rows } = await this.db.raw(
      `SELECT s.most_common_elems::text::text[] AS lexemes, s.most_common_elem_freqs AS frequencies, c.reltuples AS rows,
              (SELECT e.null_frac FROM pg_stats e WHERE e.schemaname = s.schemaname AND e.tablename = s.tablename AND e.attname = 'search_lexemes') AS tested_on_rows
       FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename AND c.relnamespace = current_schema()::regnamespace
       WHERE s.schemaname = current_schema() AND s.tablename = ? AND s.attname = 'search_vector'`,
      [table],
    );
    const row = rows[0] as { lexemes: string[] | null; frequencies: number[] | null; rows: number; tested_on_rows: number | null } | undefined;
    if (!row?.lexemes || !row.frequencies || row.rows <= 0) return null;
    const frequencies = new Map(row.lexemes.map((lexeme, i) => [lexeme, row.frequencies![i]]));
    // After the per-lexeme frequencies come the minimum, the maximum and the null frequency.
    const minimum = row.frequencies[row.lexemes.length];
    return { frequencies, unlisted: minimum / 2, rows: row.rows, testedOnRows: Number(row.tested_on_rows ?? 0), loadedAt: Date.now() };
  }
}

/** Whether the statistics list a lexeme that starts with the prefix (the prefix itself included). */
function listsPrefix(stats: LexemeStatistics, prefix: string): boolean {
  for (const lexeme of stats.frequencies.keys()) if (lexeme.startsWith(prefix)) return true;
  return false;
}

/** The share of rows holding a lexeme that starts with the prefix (the prefix itself included). */
function prefixShare(stats: LexemeStatistics, prefix: string): number {
  let share = 0;
  for (const [lexeme, frequency] of stats.frequencies) if (lexeme.startsWith(prefix)) share += frequency;
  return Math.min(1, share || stats.unlisted);
}
