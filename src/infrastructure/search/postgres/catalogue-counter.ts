import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { CatalogueCount, CatalogueFilter } from '../../../application/ports/offering-catalogue';
import type { OfferingKind } from '../../../domain/offering-kind';
import { isQueryTimeout } from '../../errors/query-timeout';
import { type CatalogueReadPlanner, isSampled } from './catalogue-read-planner';
import { type SqlFilter, filteredOfferings, gatheredMatches, postedMatches } from './catalogue-sql';
import type { RecentStatusBounds } from './recent-status-bounds';
import type { SearchPostings } from './search-postings';
import type { SearchVocabulary } from './search-vocabulary';
import { CountCache } from '../count-cache';
import { hasSearchTerms, searchTokens } from './search-terms';

export interface CatalogueCountPolicy {
  /** Sets up to this size are counted exactly; larger ones are estimated. */
  readonly exactUpTo: number;
  /** Counts are kept in Redis this long (0: not cached). */
  readonly cacheSeconds: number;
}

export const CATALOGUE_COUNT_POLICY = Symbol.for('CatalogueCountPolicy');

/** Estimates this many times over the exact-count limit are trusted without counting. */
const ESTIMATE_TRUST_FACTOR = 5;
/**
 * A sampled estimate's error is a few per cent, so it is trusted sooner: a status's share of the
 * items, or the matches of several words counted in a sample.
 */
const SAMPLE_TRUST_FACTOR = 1.5;
/** Up to this many estimated matches, the words' estimate alone bounds the count from above. */
const FEW_MATCHES = 20_000;

/**
 * The `count` of catalogue lists: exact up to `exactUpTo`, an estimate beyond. The estimate comes
 * first (it costs a plan or a small sample, not a scan); only a set estimated small is counted,
 * with a LIMIT-capped count, so no request counts a million rows; a count that runs into the
 * statement timeout falls back to the estimate. Cached (see `CountCache`).
 */
export class CatalogueCounter {
  private readonly cache: CountCache;

  constructor(
    private readonly db: Knex,
    redis: Redis,
    private readonly policy: CatalogueCountPolicy,
    private readonly planner: CatalogueReadPlanner,
    private readonly startBounds: RecentStatusBounds,
    private readonly vocabulary: SearchVocabulary,
    private readonly postings: SearchPostings,
  ) {
    this.cache = new CountCache(redis, policy.cacheSeconds, 'catalogue-count');
  }

  count(filter: CatalogueFilter): Promise<CatalogueCount> {
    return this.cache.count(filter, () => this.computeCount(filter));
  }

  forget(kind: OfferingKind): Promise<void> {
    return this.cache.forget(kind);
  }

  private async computeCount(filter: CatalogueFilter): Promise<CatalogueCount> {
    const cap = this.policy.exactUpTo;
    const [looked, estimated] = await Promise.all([this.vocabulary.lookUpWhereItMayRuleOut(filter), this.estimate(filter)]);
    if (looked?.unmatchable) return { value: 0, estimated: false };
    const { estimate, wordMatches, wordsSampled } = estimated;
    const sampled = wordMatches === null ? isSampled(filter) : wordsSampled;
    const trusted = cap * (sampled ? SAMPLE_TRUST_FACTOR : ESTIMATE_TRUST_FACTOR);
    // Counting reads every item the words match before the other filters narrow them down.
    if (estimate > trusted || (wordMatches ?? 0) > cap * ESTIMATE_TRUST_FACTOR) return { value: await this.narrowed(filter, estimated), estimated: true };
    const counted = await this.countMatchesUpTo(filter, cap + 1, looked);
    if (counted === null) return { value: await this.narrowed(filter, estimated), estimated: true };
    return counted <= cap ? { value: counted, estimated: false } : { value: Math.max(await this.narrowed(filter, estimated), cap + 1), estimated: true };
  }

  /**
   * The estimate to show: where it is the words' matches alone (a bound, for few matches), those
   * times the share of the items that the other filters let through.
   */
  private async narrowed(filter: CatalogueFilter, { estimate, wordMatches, bound }: CountEstimate): Promise<number> {
    if (!bound || wordMatches === null) return estimate;
    try {
      return Math.round(wordMatches * (await this.planner.shareWithoutSearch(filter)));
    } catch (error) {
      // The fallback of a count that ran into the statement timeout must not run into it too.
      if (isQueryTimeout(error)) return estimate;
      throw error;
    }
  }

  /** The matches counted exactly, stopping at `limit`; null where that ran into the statement timeout. */
  async countUpTo(filter: CatalogueFilter, limit: number): Promise<number | null> {
    const looked = await this.vocabulary.lookUpWhereItMayRuleOut(filter);
    return looked?.unmatchable ? 0 : this.countMatchesUpTo(filter, limit, looked);
  }

  private async countMatchesUpTo(filter: CatalogueFilter, limit: number, looked: SqlFilter | null): Promise<number | null> {
    try {
      return await this.countCapped(filter, limit, looked);
    } catch (error) {
      if (isQueryTimeout(error)) return null;
      throw error;
    }
  }

  /**
   * The estimated count, how many items the words alone match (null without words), and whether
   * those were counted in a sample (several words, see `LexemeSample`).
   */
  private async estimate(filter: CatalogueFilter): Promise<CountEstimate> {
    const tokens = searchTokens(filter.words);
    const words = tokens.length === 0 ? null : await this.planner.selectivity.estimate(filter.kind, tokens);
    if (!words) return { estimate: await this.planner.estimateWithoutSearch(filter), wordMatches: null, wordsSampled: false, bound: false };
    const { matches: wordMatches, sampled: wordsSampled = false } = words;
    // Few matches multiplied from the words' shares bound the count; several words counted in the
    // sample are narrowed like a common word's.
    if (wordMatches <= FEW_MATCHES && !wordsSampled) return { estimate: wordMatches, wordMatches, wordsSampled, bound: true };
    // A common word: its matches times the share of the items the other filters let through.
    return { estimate: Math.round(wordMatches * (await this.planner.shareWithoutSearch(filter))), wordMatches, wordsSampled, bound: false };
  }

  /**
   * Counts the matches, stopping at `limit`. With search words the matches are read from the
   * postings of listed words that hold them all, where there are some (see `postedMatches`);
   * otherwise gathered through the indexes first (see `gatheredMatches`: the planner would
   * otherwise walk a whole index in search of them), with the last word's completions and the
   * ranges that pay for themselves in the bitmap.
   */
  private async countCapped(filter: CatalogueFilter, limit: number, looked: SqlFilter | null): Promise<number> {
    const [bounded, posted] = await Promise.all([this.startBounds.of(filter), this.postings.of(filter)]);
    let source: Knex.QueryBuilder;
    if (posted) source = postedMatches(this.db, { ...bounded, posted: posted.lexemes }).select('id');
    else if (hasSearchTerms(filter.words)) {
      const [{ completions }, ranges] = await Promise.all([looked ?? this.vocabulary.lookUp(filter), this.planner.bitmapRanges(bounded)]);
      source = gatheredMatches(this.db, { ...bounded, completions }, RANGE_COLUMNS, ranges).select('id');
    } else source = filteredOfferings(this.db, bounded).select('id');
    const [{ n }] = await this.db.from(source.limit(limit).as('capped')).count<{ n: number }[]>({ n: '*' });
    return Number(n);
  }
}

/** A count's estimate, made before anything is counted (see `CatalogueCounter.estimate`). */
interface CountEstimate {
  readonly estimate: number;
  /** The items the words alone match; null without words. */
  readonly wordMatches: number | null;
  /** Whether the words' matches were counted in a sample (several words, see `LexemeSample`). */
  readonly wordsSampled: boolean;
  /** Whether `estimate` is the words' matches alone: a bound, not narrowed by the other filters. */
  readonly bound: boolean;
}

/** What a count gathers of each match: its id, and what the ranges tested on it read. */
const RANGE_COLUMNS = ['id', 'start_at', 'end_at', 'price'];
