import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import type { CatalogueCount, CatalogueFilter } from '../../../application/ports/offering-catalogue';
import { isQueryTimeout } from '../../errors/query-timeout';
import type { CatalogueReadPlanner } from './catalogue-read-planner';
import { filteredOfferings, withStartBounds } from './catalogue-sql';
import { searchTokens, toTsQuery } from './search-terms';

export interface CatalogueCountPolicy {
  /** Sets up to this size are counted exactly; larger ones are estimated. */
  readonly exactUpTo: number;
  /** Counts are kept in Redis this long (0: not cached). */
  readonly cacheSeconds: number;
}

export const CATALOGUE_COUNT_POLICY = Symbol.for('CatalogueCountPolicy');

/** Estimates this many times over the exact-count limit are trusted without counting. */
const ESTIMATE_TRUST_FACTOR = 5;
/** A sampled estimate's error is a few per cent, so it is trusted sooner. */
const SAMPLE_TRUST_FACTOR = 1.5;
/** Up to this many estimated matches, the words' estimate alone bounds the count from above. */
const FEW_MATCHES = 20_000;
/** Counts are kept in the process this long (at most), on top of the shared cache in Redis. */
const LOCAL_COUNT_SECONDS = 5;
const LOCAL_COUNT_ENTRIES = 10_000;

/**
 * The `count` of catalogue lists: exact up to `exactUpTo`, an estimate beyond. The estimate comes
 * first (it costs a plan or a small sample, not a scan); only a set estimated small is counted,
 * with a LIMIT-capped count, so no request counts a million rows; a count that runs into the
 * statement timeout falls back to the estimate. Cached briefly in Redis (computed anyway when
 * Redis is down) and for a few seconds in the process; concurrent requests for the same count
 * share one computation.
 */
export class CatalogueCounter {
  private readonly inFlight = new Map<string, Promise<CatalogueCount>>();
  private readonly recentCounts = new Map<string, { readonly count: CatalogueCount; readonly until: number }>();

  constructor(
    private readonly db: Knex,
    private readonly redis: Redis,
    private readonly policy: CatalogueCountPolicy,
    private readonly planner: CatalogueReadPlanner,
  ) {}

  count(filter: CatalogueFilter): Promise<CatalogueCount> {
    const key = cacheKey(filter);
    const recent = this.recentCounts.get(key);
    if (recent && recent.until > Date.now()) return Promise.resolve(recent.count);
    const running = this.inFlight.get(key);
    if (running) return running;
    const computation = this.cachedCount(key, filter)
      .then((count) => this.remember(key, count))
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, computation);
    return computation;
  }

  /** Keeps a count in the process too, sparing the hottest lists a Redis round trip. */
  private remember(key: string, count: CatalogueCount): CatalogueCount {
    const seconds = Math.min(this.policy.cacheSeconds, LOCAL_COUNT_SECONDS);
    if (seconds <= 0) return count;
    if (this.recentCounts.size >= LOCAL_COUNT_ENTRIES) this.recentCounts.clear();
    this.recentCounts.set(key, { count, until: Date.now() + seconds * 1000 });
    return count;
  }

  private async cachedCount(key: string, filter: CatalogueFilter): Promise<CatalogueCount> {
    const { cacheSeconds } = this.policy;
    if (cacheSeconds > 0) {
      const cached = await this.redis.get(key).catch(() => null);
      if (cached) return JSON.parse(cached) as CatalogueCount;
    }
    const count = await this.computeCount(filter);
    if (cacheSeconds > 0) await this.redis.set(key, JSON.stringify(count), 'EX', cacheSeconds).catch(() => undefined);
    return count;
  }

  private async computeCount(filter: CatalogueFilter): Promise<CatalogueCount> {
    const cap = this.policy.exactUpTo;
    const { estimate, wordMatches } = await this.estimate(filter);
    const sampledOnly = wordMatches === null && filter.status === 'available';
    const trusted = cap * (sampledOnly ? SAMPLE_TRUST_FACTOR : ESTIMATE_TRUST_FACTOR);
    // Counting reads every item the words match before the other filters narrow them down.
    if (estimate > trusted || (wordMatches ?? 0) > trusted) return { value: estimate, estimated: true };
    let counted: number;
    try {
      counted = await this.countUpTo(filter, cap + 1);
    } catch (error) {
      if (isQueryTimeout(error)) return { value: estimate, estimated: true };
      throw error;
    }
    return counted <= cap ? { value: counted, estimated: false } : { value: Math.max(estimate, cap + 1), estimated: true };
  }

  /** The estimated count, and how many items the words alone match (null without words). */
  private async estimate(filter: CatalogueFilter): Promise<{ readonly estimate: number; readonly wordMatches: number | null }> {
    const tokens = searchTokens(filter.words);
    const wordMatches = tokens.length === 0 ? null : await this.planner.selectivity.estimateMatches(filter.kind, tokens);
    if (wordMatches === null) return { estimate: await this.planner.estimateWithoutSearch(filter), wordMatches };
    if (wordMatches <= FEW_MATCHES) return { estimate: wordMatches, wordMatches };
    // A common word: the estimate of the other filters, scaled by the word's share.
    const total = (await this.planner.selectivity.rowCount(filter.kind)) ?? 1;
    const others = await this.planner.estimateWithoutSearch({ ...filter, words: [] });
    return { estimate: Math.round((wordMatches * others) / Math.max(total, 1)), wordMatches };
  }

  /**
   * Counts the matches, stopping at `limit`. With search words the matches are gathered through
   * the indexes first (the CTE keeps the planner from walking a whole index in search of them).
   */
  private async countUpTo(filter: CatalogueFilter, limit: number): Promise<number> {
    const matching = filteredOfferings(this.db, await withStartBounds(this.db, filter)).select('id');
    const source = toTsQuery(filter.words) ? this.db.queryBuilder().withMaterialized('matches', matching).from('matches').select('id') : matching;
    const [{ n }] = await this.db.from(source.limit(limit).as('capped')).count<{ n: number }[]>({ n: '*' });
    return Number(n);
  }
}

function cacheKey(filter: CatalogueFilter): string {
  const identity = JSON.stringify([filter.status ?? null, toTsQuery(filter.words), filter.priceMin?.toString() ?? null, filter.priceMax?.toString() ?? null]);
  return `catalogue-count:${filter.kind}:${createHash('sha1').update(identity).digest('hex')}`;
}
