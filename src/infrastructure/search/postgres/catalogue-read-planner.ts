import type { Knex } from 'knex';
import { type CatalogueFilter, type CatalogueQuery, SORT_DEFINITIONS } from '../../../application/ports/offering-catalogue';
import type { AvailabilityStatus } from '../../../domain/availability-window';
import type { OfferingKind } from '../../../domain/offering-kind';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { runPrepared } from '../../knex/prepared-statement';
import { type BitmapRanges, EVERY_RANGE, type RangeIndex, type ReadPlan, type SqlFilter, type SqlQuery, filteredOfferings, sampledOfferings, sortRangeEntries, startRangeOfferings } from './catalogue-sql';
import type { Posted } from './search-postings';
import { SearchSelectivity, type WordsEstimate } from './search-selectivity';
import { SharedPerInstant } from './shared-per-instant';
import { samplePercent } from './table-sample';
import { searchTokens } from './search-terms';

/** The least a walk may read, in index entries, before the matches are collected instead. */
const MIN_WALK_ENTRIES = 500;
/**
 * The most a walk may cost (µs) before the walks that go on from it (see `continuation`) take over
 * with a rate they measured. A page number's walk cannot go on: it may cost twice what its page
 * should take, if that is more (page 500 of a word of a tenth of the items reads 100,000 entries).
 */
const MAX_WALK_COST = 20_000;
/**
 * How many times its estimated cost a walk for several words may spend: one that has read that
 * many times the entries its page should have taken has found the estimate wrong (words that
 * seldom or never occur together, estimated as if independent), and collecting is the better bet.
 */
const WALK_SLACK = 20;
/**
 * A walk that goes on may read the entries that twice the rest of its page, and a few matches
 * more, should take: matches along the index come at random, and for a rest of one or two, twice
 * alone falls short about one time in ten (four more, one time in three hundred).
 */
const CONTINUATION_SLACK = 2;
const CONTINUATION_EXTRA_MATCHES = 4;
/**
 * The most the walks that go on may cost in all (µs), whatever the collect's estimate: a rate
 * measured from a few matches is rough, and an entry costs more than `INDEX_ENTRY_COST` under
 * load, so this keeps the walks well inside the statement timeout.
 */
const MAX_CONTINUATION_COST = 6 * MAX_WALK_COST;
/**
 * What each step costs, in microseconds of PostgreSQL time, measured on the seeded catalogue
 * (warm cache): an entry of a sort index read in order with every filter tested there (an
 * index-only scan); a posting of the full-text index decoded by a collect; a match of the words
 * added to its bitmap; a matching row fetched from the table and sorted (a random page each).
 * At five million items, two words of 10 % that never occur together cost the full-text index
 * 69 ms (1.25 million postings), one word of 12.5 % alone 172 ms (625,000 matches).
 */
const INDEX_ENTRY_COST = 0.25;
const POSTING_COST = 0.05;
const BITMAP_ROW_COST = 0.2;
const COLLECTED_ROW_COST = 4;
/**
 * An entry of a range's index read into a bitmap, in the same units: measured at twice a walk's
 * entry for a sort index, whose entries carry the lexemes (the window's own index costs less).
 */
const RANGE_ENTRY_COST = 0.5;
/**
 * Testing the words of an item on its table row, for an entry read by a walk or a range that
 * carries no lexemes (the item's words are too many for an index entry): a lookup by primary key
 * and the test, measured at ~6 µs for items of long texts.
 */
const ROW_WORDS_TEST_COST = 6;
/** How long a status's share of the catalogue, or of its starts, is reused for plan choices (it drifts slowly). */
const STATUS_SHARE_MS = 60_000;

/** What a plan is weighed from: estimates that cost no scan (see `CatalogueReadPlanner.choose`). */
export interface ReadEstimates {
  /** The kind's items, as of the last ANALYZE. */
  readonly rows: number;
  /** What the search's words match, and the postings read to find them; null without words. */
  readonly words: WordsEstimate | null;
  /** The share of the items with the status (1 without one). */
  readonly statusShare: number;
  /**
   * The share of the items within the price bounds, which thins the matches along a sort's index;
   * null without bounds, and for a sort by price, whose walk reads the range alone.
   */
  readonly priceShare: number | null;
  /**
   * The share of the items in the start index's range for the status (see `withStartRange`);
   * null without a status, and for a sort by start, whose walk reads that range alone.
   */
  readonly startShare: number | null;
  /**
   * The share of the items in the end index's range for items closed: all of them, and only
   * them, so their own share; null for the other statuses, whose range there is no narrower than
   * the start index's.
   */
  readonly endShare: number | null;
  /**
   * The postings of the listed words that hold every match (see `SearchPostings`), read whole in
   * their index; null or absent where no such words are listed.
   */
  readonly postings?: number | null;
  /**
   * The share of the items in the window a walk for items open now reads instead of the whole
   * sort index (see `SqlFilter.openWindow`); null or absent without one.
   */
  readonly windowShare?: number | null;
}

export interface ReadChoice {
  readonly plan: ReadPlan;
  /** Entries of the sort index a walk may read before it gives up and the matches are collected. */
  readonly walkBudget: number;
}

/** How far the walks for a page have gone: the index entries they read, the matches they found. */
export interface WalkProgress {
  readonly entries: number;
  readonly found: number;
}

/**
 * A choice with what it weighed: the estimated costs (µs) of collecting the matches and of
 * reading the cheaper range, price or start (Infinity without one, or where the walk reads it in
 * order), and which range that is.
 */
export interface PlannedRead extends WalkChoice {
  readonly rangeIndex: RangeIndex;
}

/**
 * A walk's choice with the costs of what would follow it, which a walk that goes on weighs, and
 * what each entry it reads costs (µs).
 */
export interface WalkChoice extends ReadChoice {
  readonly collectCost: number;
  readonly rangeCost: number;
  readonly entryCost: number;
  /**
   * Entries a walk that found nothing may read again from its start before the others take over
   * (see `weigh`); none where absent.
   */
  readonly blindBudget?: number;
}

/**
 * Chooses how a filtered page is read, from estimates that cost no scan: the words' frequencies
 * in the full-text statistics and each status's share of the catalogue. A walk reads the sort
 * index in order and tests every filter on its entries; it is tried when its estimated cost is
 * below the estimated cost of collecting, and may then cost as much as a collect would (for
 * several words, `WALK_SLACK` times its own estimate if that is less), so that when the
 * estimates are wrong (words that never occur together) the walk and the collect after it cost
 * at most about twice the cheaper of the two, and often little more than the collect. Either
 * way the page is the same; only the cost changes.
 */
export class CatalogueReadPlanner {
  readonly selectivity: SearchSelectivity;
  private readonly statusShares = new SharesKeptAMinute();
  private readonly priceShares = new SharedPerInstant<number>();
  private readonly startShares = new SharesKeptAMinute();

  constructor(private readonly db: Knex) {
    this.selectivity = new SearchSelectivity(db);
  }

  /**
   * The plan for a page, from estimates that cost no scan. The start index's range is weighed for
   * a status only with its bound read (`withStatusBounds`; items upcoming need none), so that a
   * share kept for a minute is never that of an unbounded range.
   */
  async choose(query: CatalogueQuery & SqlFilter, posted: Posted | null = null): Promise<PlannedRead> {
    const tokens = searchTokens(query.words);
    const words = tokens.length === 0 ? null : await this.selectivity.estimate(query.kind, tokens);
    const rows = await this.selectivity.rowCount(query.kind);
    const wanted = (query.offset ?? 0) + query.limit + 1;
    if (!rows) return { plan: 'walk', walkBudget: Math.min(MAX_WALK_COST / INDEX_ENTRY_COST, wanted * MIN_WALK_ENTRIES), collectCost: Infinity, rangeCost: Infinity, entryCost: INDEX_ENTRY_COST, rangeIndex: 'price' };
    const firstKey = SORT_DEFINITIONS[query.sort].keys[0].field;
    const [statusShare, priceShare, startShare] = await Promise.all([
      query.status ? this.statusShare(query.kind, query.status, query.now) : 1,
      hasPriceBounds(query) && firstKey !== 'price' ? this.priceShare(query) : null,
      query.status && query.status !== 'closed' && firstKey !== 'startAt' && (query.status === 'upcoming' || query.startBounds) ? this.startShare(query) : null,
    ]);
    const windowShare = query.openWindow ? Math.min(1, Math.max(statusShare, query.openWindow.entries / rows)) : null;
    return this.weigh(query, { rows, words, statusShare, priceShare, startShare, endShare: query.status === 'closed' ? statusShare : null, postings: posted?.postings ?? null, windowShare });
  }

  /** The plan for a page from the estimates `choose` gathered: arithmetic alone. */
  weigh(query: Pick<CatalogueQuery, 'sort' | 'limit' | 'offset'>, { rows, words, statusShare, priceShare, startShare, endShare, postings = null, windowShare = null }: ReadEstimates): PlannedRead {
    const wanted = (query.offset ?? 0) + query.limit + 1;
    // A status bounds a start_at walk to its own range, where most entries have that status.
    const statusInRange = SORT_DEFINITIONS[query.sort].keys[0].field === 'startAt';
    // Without words a collect gathers what the status and price indexes give, costed here as the
    // whole table: a walk is tried first, and collecting is left to walks that run out of budget.
    const matches = (words?.matches ?? rows) * statusShare;
    // A collect of words reaches the status's matches among theirs as its bitmap does (see
    // `bitmapRanges`): by the status's range read into the bitmap, or by testing the other
    // matches on their rows, whichever costs less.
    const toStatus = words && statusShare < 1 ? Math.min(...narrowingCosts(statusShare, rows, words.matches)) : 0;
    const collectCost = (words?.postings ?? rows) * POSTING_COST + (words?.matches ?? 0) * BITMAP_ROW_COST + matches * COLLECTED_ROW_COST + toStatus;
    // An entry read in an index costs more where `passing` of them pass every filter but the
    // words, and some of those carry no lexemes: their words are tested on their table rows.
    const entryCost = (passing: number) => INDEX_ENTRY_COST + Math.min(1, passing) * (words?.testedOnRows ?? 0) * ROW_WORDS_TEST_COST;
    // A price range thins the matches along the sort's index (see `ReadEstimates.priceShare`);
    // a walk through a window reads the status's items among the window's alone.
    const statusAmongEntries = windowShare ? statusShare / windowShare : statusShare;
    const passingWalk = (statusInRange ? 1 : statusAmongEntries) * (priceShare ?? 1);
    const walkEntryCost = entryCost(passingWalk);
    const density = ((words?.matches ?? rows) / rows) * passingWalk;
    const walkCost = density > 0 ? (wanted / density) * walkEntryCost : Infinity;
    // Several words are estimated as if independent, which they may not be at all: a walk for
    // them may spend `WALK_SLACK` times what its page should take (at the density the words and
    // the status and the price give over the whole index, or the window), then the matches are
    // collected.
    const sparsest = ((words?.matches ?? rows) / rows) * statusAmongEntries * (priceShare ?? 1);
    const slackCost = (words?.conditions ?? 0) > 1 && sparsest > 0 ? (wanted / sparsest) * walkEntryCost * WALK_SLACK : Infinity;
    // A narrow range, read whole in its index (the price's, or the start's for the status), tests
    // every filter on its entries and reads the rest of the matches' rows.
    const priceRangeCost = priceShare === null ? Infinity : priceShare * rows * entryCost(statusShare) + matches * priceShare * COLLECTED_ROW_COST;
    // Of the start range's entries, those with the status (all of them, for an empty range).
    const statusInStartRange = startShare ? statusShare / startShare : 1;
    const startRangeCost =
      startShare === null ? Infinity : startShare * rows * entryCost(statusInStartRange * (priceShare ?? 1)) + matches * (priceShare ?? 1) * COLLECTED_ROW_COST;
    // Of the end range's entries, all have the status.
    const endRangeCost = endShare === null ? Infinity : endShare * rows * entryCost(priceShare ?? 1) + matches * (priceShare ?? 1) * COLLECTED_ROW_COST;
    // The postings' index holds every column a filter or a sort reads: each posting is an entry
    // tested there, and no match reads a table row.
    const postingsCost = postings === null ? Infinity : postings * entryCost(1);
    const ranges: ReadonlyArray<readonly [RangeIndex, number]> = [['price', priceRangeCost], ['start', startRangeCost], ['end', endRangeCost], ['postings', postingsCost]];
    const [rangeIndex, rangeCost] = ranges.reduce((cheapest, range) => (range[1] < cheapest[1] ? range : cheapest));
    const fallbackCost = Math.min(collectCost, rangeCost);
    // A walk for a page number cannot go on from where it stopped (the matches it skipped are not
    // counted): it may read what its page should take, twice, where that is more.
    const walkCap = query.offset ? Math.max(MAX_WALK_COST, walkCost * CONTINUATION_SLACK) : MAX_WALK_COST;
    const budgetCost = Math.min(walkCap, Math.max(fallbackCost, wanted * 5 * walkEntryCost), slackCost);
    const walkBudget = Math.round(Math.max(MIN_WALK_ENTRIES, budgetCost / walkEntryCost));
    const plan = walkCost <= fallbackCost ? 'walk' : rangeCost < collectCost ? 'range' : 'collect';
    // A walk that found nothing may have met a stretch of the index without the status's items,
    // which the density over the whole index does not tell: the newest items are not closed yet
    // (an item closes weeks after it is created), and at five million items that stretch is
    // longer than a walk's budget. The walk then reads again from its start, as far as the
    // fallback would cost (up to `MAX_CONTINUATION_COST`), so that the two cost at most about
    // twice the fallback; words that seldom occur together (estimated as if independent) are
    // among what that bound pays for.
    const blindBudget = Math.round(Math.min(fallbackCost, MAX_CONTINUATION_COST) / walkEntryCost);
    return { plan, walkBudget, collectCost, rangeCost, entryCost: walkEntryCost, rangeIndex, blindBudget };
  }

  /**
   * Where walks read `read.entries` entries of the index in all and found `read.found` of the
   * `wanted` matches, they have measured how sparse the matches are along it: the budget of a
   * walk that goes on from the last match, what twice the rest of the page and a few matches more
   * should take at that rate, within what the walks that go on may read in all
   * (`MAX_CONTINUATION_COST`). Null where nothing was found to measure by, or where the rest
   * should take more, after what the walks that went on read, than that or than collecting.
   */
  continuation(choice: WalkChoice, read: WalkProgress, wanted: number): number | null {
    const { entries, found } = read;
    if (found <= 0 || found >= wanted) return null;
    const rest = ((wanted - found) * entries) / found;
    const goneOn = Math.max(0, entries - choice.walkBudget);
    if ((goneOn + rest) * choice.entryCost >= Math.min(choice.collectCost, choice.rangeCost, MAX_CONTINUATION_COST)) return null;
    const budget = rest * CONTINUATION_SLACK + (CONTINUATION_EXTRA_MATCHES * entries) / found;
    return Math.ceil(Math.min(budget, MAX_CONTINUATION_COST / choice.entryCost - goneOn));
  }

  /**
   * Which ranges the bitmap of a gathering (a collect, a count) should take from their indexes:
   * those whose entries cost less to read than testing the rows they would spare. PostgreSQL
   * cannot weigh this for a search, as it guesses the matches of the last word (a prefix): it
   * ANDed a closed status's 470,000 entries with a rare word's 1,000 matches (150 ms, where
   * testing the word's rows took 5). Without words the ranges are the bitmap.
   */
  async bitmapRanges(filter: SqlFilter): Promise<BitmapRanges> {
    const tokens = searchTokens(filter.words);
    if (tokens.length === 0) return EVERY_RANGE;
    const [words, rows] = await Promise.all([this.selectivity.estimate(filter.kind, tokens), this.selectivity.rowCount(filter.kind)]);
    if (!words || !rows) return EVERY_RANGE;
    const pays = (share: number) => {
      const [byRange, byRows] = narrowingCosts(share, rows, words.matches);
      return byRange < byRows;
    };
    const [status, price] = await Promise.all([
      filter.status ? this.statusShare(filter.kind, filter.status, filter.now).then(pays) : true,
      hasPriceBounds(filter) ? this.priceShare(filter).then(pays) : true,
    ]);
    return { status, price };
  }

  /**
   * The share of the kind's items that pass the filter's status and price bounds, from estimates
   * that cost no scan: the status's share (kept for a minute) times the price range's.
   */
  async shareWithoutSearch(filter: CatalogueFilter): Promise<number> {
    const [status, price] = await Promise.all([
      filter.status ? this.statusShare(filter.kind, filter.status, filter.now) : 1,
      hasPriceBounds(filter) ? this.priceShare(filter) : 1,
    ]);
    return status * price;
  }

  /**
   * The share of the kind's items within the filter's price bounds (the planner's estimate), asked
   * once per instant (see `SharedPerInstant`): a plan's choice, its collect's bitmap and the count
   * after it ask together.
   */
  private priceShare(filter: CatalogueFilter): Promise<number> {
    const key = `${filter.kind}:${filter.priceMin?.toString()}:${filter.priceMax?.toString()}:${filter.now.getTime()}`;
    return this.priceShares.get(key, () => this.estimatePriceShare(filter));
  }

  private async estimatePriceShare(filter: CatalogueFilter): Promise<number> {
    const total = await this.tableRows(filter.kind);
    if (total <= 0) return 1;
    const inRange = await this.plannerEstimate({ kind: filter.kind, words: [], now: filter.now, priceMin: filter.priceMin, priceMax: filter.priceMax });
    return Math.min(1, inRange / total);
  }

  /**
   * The share of the kind's items in the start index's range for the filter's status (the
   * planner's estimate), kept for a minute like the status's share: for items upcoming, the
   * status's own share; for the others, the range from the status's bound (see `withStatusBounds`).
   */
  private startShare(filter: SqlFilter): Promise<number> {
    if (filter.status === 'upcoming') return this.statusShare(filter.kind, filter.status, filter.now);
    return this.startShares.get(`${filter.kind}:${filter.status}`, () => this.estimateStartShare(filter));
  }

  private async estimateStartShare(filter: SqlFilter): Promise<number> {
    const total = await this.tableRows(filter.kind);
    if (total <= 0) return 1;
    return Math.min(1, (await this.explainedRows(startRangeOfferings(this.db, filter))) / total);
  }

  /** The entries of the range of the sort's index that the filters name (the planner's estimate). */
  entriesInSortRange(query: SqlQuery): Promise<number> {
    return this.explainedRows(sortRangeEntries(this.db, query));
  }

  /** The share of the kind's items with the status, estimated and kept for a minute. */
  private statusShare(kind: OfferingKind, status: AvailabilityStatus, now: Date): Promise<number> {
    return this.statusShares.get(`${kind}:${status}`, () => this.estimateStatusShare({ kind, status, words: [], now }));
  }

  private async estimateStatusShare(filter: CatalogueFilter): Promise<number> {
    const total = await this.tableRows(filter.kind);
    if (total <= 0) return 1;
    return Math.min(1, (await this.estimateWithoutSearch(filter)) / total);
  }

  /** The items that pass the filter's status and price bounds, estimated without a scan. */
  estimateWithoutSearch(filter: CatalogueFilter): Promise<number> {
    return isSampled(filter) ? this.sampledEstimate(filter) : this.plannerEstimate(filter);
  }

  /**
   * "Open now" and "closed" are each two range conditions (on the start and on the end) that the
   * planner multiplies as if independent: for tests open now, a quarter of the table instead of a
   * few per cent; for those closed, half their number. A block sample (see `samplePercent`) tells
   * their real share; a small table is read whole.
   */
  private async sampledEstimate(filter: CatalogueFilter): Promise<number> {
    const total = await this.tableRows(filter.kind);
    const percent = samplePercent(total);
    const [{ n }] = await sampledOfferings(this.db, filter, percent).count<{ n: number }[]>({ n: '*' });
    return Math.round((Number(n) * 100) / percent);
  }

  /** The planner's row estimate for the filter: the cost of planning, not of scanning. */
  private plannerEstimate(filter: CatalogueFilter): Promise<number> {
    return this.explainedRows(filteredOfferings(this.db, filter));
  }

  /** The planner's row estimate for the rows of `source`. */
  private async explainedRows(source: Knex.QueryBuilder): Promise<number> {
    const { sql, bindings } = source.select(this.db.raw('1')).toSQL();
    const { rows } = await this.db.raw(`EXPLAIN (FORMAT JSON) ${sql}`, bindings);
    return Math.round(rows[0]['QUERY PLAN'][0].Plan['Plan Rows'] as number);
  }

  /** The kind's items, as the last ANALYZE counted them. */
  async tableRows(kind: OfferingKind): Promise<number> {
    const rows = await runPrepared<{ reltuples: number }>(this.db, this.db.raw('SELECT reltuples FROM pg_class WHERE oid = ?::regclass', [OFFERING_TABLES[kind].items]));
    return Number(rows[0]?.reltuples ?? 0);
  }
}

/**
 * Shares of the catalogue by key, each estimated once a minute (they drift slowly); one whose
 * estimate fails counts as the whole catalogue.
 */
class SharesKeptAMinute {
  private readonly kept = new Map<string, { readonly share: Promise<number>; readonly until: number }>();

  get(key: string, estimate: () => Promise<number>): Promise<number> {
    const known = this.kept.get(key);
    if (known && known.until > Date.now()) return known.share;
    const share = estimate().catch(() => 1);
    this.kept.set(key, { share, until: Date.now() + STATUS_SHARE_MS });
    return share;
  }
}

/**
 * What a gathering of `matches` pays to keep those within a filter of `share` of the `rows`: the
 * filter's range read into its bitmap, or the rows of the matches outside it read and tested.
 */
function narrowingCosts(share: number, rows: number, matches: number): readonly [byRange: number, byRows: number] {
  return [share * rows * RANGE_ENTRY_COST, matches * (1 - share) * COLLECTED_ROW_COST];
}

function hasPriceBounds(filter: CatalogueFilter): boolean {
  return Boolean(filter.priceMin || filter.priceMax);
}

/** Whether the items of the filter's status are estimated by a sample (see `sampledEstimate`). */
export const isSampled = (filter: CatalogueFilter): boolean => filter.status === 'available' || filter.status === 'closed';
