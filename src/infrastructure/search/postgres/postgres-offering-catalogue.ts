import { inject, injectable } from 'inversify';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type {
  CatalogueCount,
  CatalogueDetail,
  CatalogueFilter,
  CatalogueItem,
  CatalogueQuery,
  CatalogueSlice,
  CursorPosition,
  OfferingCatalogue,
} from '../../../application/ports/offering-catalogue';
import type { OfferingKind } from '../../../domain/offering-kind';
import { withActiveRegistrationOf } from '../../knex/active-registration';
import { KNEX } from '../../knex/create-knex';
import { hiddenFromPlanner } from '../../knex/hidden-from-planner';
import { OFFERING_COLUMNS, type OfferingRow, offeringFields } from '../../knex/offering-row';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { PreparedRead } from '../../knex/prepared-statement';
import { REDIS } from '../../redis/create-redis';
import { CATALOGUE_COUNT_POLICY, CatalogueCounter, type CatalogueCountPolicy } from './catalogue-counter';
import { CatalogueReadPlanner, type ReadChoice, type WalkChoice } from './catalogue-read-planner';
import { OpenWindows } from './open-windows';
import { RecentStatusBounds } from './recent-status-bounds';
import { SearchPostings } from './search-postings';
import { SearchVocabulary } from './search-vocabulary';
import {
  type BitmapRanges,
  type RangeIndex,
  afterCursor,
  COLUMNS_BUT_TEXTS,
  collectedOfferings,
  keyText,
  narrowsSortRange,
  planDependsOnValues,
  readApartAfterRange,
  rangedOfferings,
  readingOrder,
  sortColumns,
  type SqlQuery,
  walkReadsApart,
  walkableEntries,
  walkedOfferings,
  withTextsOfPage,
} from './catalogue-sql';

/** A collect, with the ranges its bitmap takes from their indexes (all of them by default). */
interface CollectChoice {
  readonly plan: 'collect';
  readonly ranges?: BitmapRanges;
}

/** A range: every entry of a range in its index (the price's by default). */
interface RangeChoice {
  readonly plan: 'range';
  readonly index?: RangeIndex;
}

/**
 * How many times a walk's budget the planner's estimate of the entries in its range must be for
 * the walk to be taken as stopped short of the range's end without counting them: its estimates
 * of a range of one column are off by far less.
 */
const ESTIMATE_SURELY_BEYOND = 2;

/** One walk of a page: the rows it found, its budget, and whether it read to the end of its range. */
interface Walk {
  readonly rows: ItemRow[];
  readonly budget: number;
  readonly readToTheEnd: () => Promise<boolean>;
  /**
   * Whether it may have read to the end of its range: where it was not counted, whether the
   * planner estimates the entries of its range, from where it started, at no more than its budget.
   */
  readonly mayHaveReadToTheEnd: () => Promise<boolean>;
}

/** Reads the rows of one walk of a page. */
export type WalkReader = (query: SqlQuery, choice: ReadChoice) => Promise<ItemRow[]>;

export interface ItemRow extends OfferingRow {
  /** The sort keys as exact text, for cursors. */
  [key: `k${number}`]: string;
  /** All matches of a collected page read without a cursor. */
  total?: number;
  /** Whether the viewer holds an active registration for the item, where the read looked it up. */
  is_registered?: boolean;
}

/**
 * The catalogue read side on PostgreSQL indexes (the default search engine). Plain lists read
 * the sort's index through prepared statements; filtered ones are read by a plan whose work is
 * bounded (see `CatalogueReadPlanner`).
 */
@injectable()
export class PostgresOfferingCatalogue implements OfferingCatalogue {
  readonly planner: CatalogueReadPlanner;
  readonly vocabulary: SearchVocabulary;
  readonly postings: SearchPostings;
  private readonly counter: CatalogueCounter;
  private readonly startBounds: RecentStatusBounds;
  private readonly openWindows: OpenWindows;
  private readonly plainPages: PreparedRead<[CatalogueQuery]>;
  private readonly details: PreparedRead<[OfferingKind, number, number]>;

  constructor(
    @inject(KNEX) private readonly db: Knex,
    @inject(REDIS) redis: Redis,
    @inject(CATALOGUE_COUNT_POLICY) countPolicy: CatalogueCountPolicy,
  ) {
    this.planner = new CatalogueReadPlanner(db);
    this.startBounds = new RecentStatusBounds(db);
    this.openWindows = new OpenWindows(db);
    this.vocabulary = new SearchVocabulary(db, this.planner.selectivity);
    this.postings = new SearchPostings(db);
    this.counter = new CatalogueCounter(db, redis, countPolicy, this.planner, this.startBounds, this.vocabulary, this.postings);
    this.plainPages = new PreparedRead<[CatalogueQuery]>(db, {
      shape: (query) =>
        `${query.kind}:${query.sort}:${readingOrder(query).direction}:${query.after ? 'after' : 'start'}:${query.offset ? 'skip' : 'top'}:${query.limit}:${query.viewerId === undefined ? 'anyone' : 'viewer'}`,
      build: (query) => this.plainQuery(query),
      values: (query) => {
        const cursor = query.after ? [...query.after.values, query.after.id] : [];
        return [...(query.offset ? [...cursor, ...cursor, query.offset] : cursor), ...(query.viewerId === undefined ? [] : [query.viewerId])];
      },
    });
    // The item and whether the viewer holds an active registration for it, in one statement.
    this.details = new PreparedRead<[OfferingKind, number, number]>(db, {
      shape: (kind) => kind,
      build: (kind, id, viewerId) => {
        const table = OFFERING_TABLES[kind].items;
        return withActiveRegistrationOf(this.db, this.db(table).select(...OFFERING_COLUMNS, 'version'), kind, viewerId, `${table}.id`)
          .where({ id })
          .limit(1, { skipBinding: true });
      },
      values: (_kind, id, viewerId) => [viewerId, id],
    });
  }

  async list(query: CatalogueQuery): Promise<CatalogueSlice> {
    // A plain page looks up the viewer's registrations among its items as it reads them.
    const plain = !planDependsOnValues(query);
    const rows = plain ? await this.plainPages.run<ItemRow>(query) : await this.filteredRows(query);
    const more = rows.length > query.limit;
    const keyCount = sortColumns(query.sort).length;
    const pageRows = rows.slice(0, query.limit);
    const page = pageRows.map((row) => toItem(row, keyCount as 1 | 2));
    const total = rows[0]?.total;
    return {
      items: query.after?.direction === 'previous' ? page.reverse() : page,
      more,
      ...(total === undefined ? {} : { total: Number(total) }),
      ...(plain && query.viewerId !== undefined ? { registered: new Set(pageRows.filter((row) => row.is_registered).map((row) => row.id)) } : {}),
    };
  }

  count(filter: CatalogueFilter): Promise<CatalogueCount> {
    return this.counter.count(filter);
  }

  forgetCounts(kind: OfferingKind): Promise<void> {
    return this.counter.forget(kind);
  }

  /** The SQL of one detail (see `get`); also for EXPLAIN. */
  detailQuery(kind: OfferingKind, id: number, viewerId: number): Knex.QueryBuilder {
    return this.details.query(kind, id, viewerId);
  }

  /** Lists and counts are read from the tables, whatever the search index holds. */
  async indexCaughtUp(): Promise<void> {}

  countUpTo(filter: CatalogueFilter, limit: number): Promise<number | null> {
    return this.counter.countUpTo(filter, limit);
  }

  /** The largest id: ids are distinct positive integers, so no more items than that exist (one index probe). */
  async mostItems(kind: OfferingKind): Promise<number> {
    const [row] = await this.db(OFFERING_TABLES[kind].items).max({ id: 'id' });
    return Number(row?.id ?? 0);
  }

  async get(kind: OfferingKind, id: number, viewerId: number): Promise<CatalogueDetail | null> {
    const [row] = await this.details.run<ItemRow & { version: number }>(kind, id, viewerId);
    return row ? Object.assign(toItem(row, 0), { version: row.version, isRegistered: row.is_registered === true }) : null;
  }

  /**
   * A filtered page: none where the vocabulary rules out every item; else walked when the
   * estimates promise a full page within budget, and otherwise, or when the walk fell short, read
   * by the cheaper of a range (of the price index or the start index) and a collect.
   */
  private async filteredRows(query: CatalogueQuery): Promise<ItemRow[]> {
    // The plan weighs the start index's range for the status, which starts at the status's bound,
    // and a walk through the window of items open now, where a copy of the sort's index holds it.
    const bounding = Promise.all([this.startBounds.of(query), this.openWindows.of(query)]).then(([bounded, openWindow]) => (openWindow ? { ...bounded, openWindow } : bounded));
    const posting = this.postings.of(query);
    const [bounded, looked, posted, choice] = await Promise.all([
      bounding,
      this.vocabulary.lookUpWhereItMayRuleOut(query),
      posting,
      Promise.all([bounding, posting]).then(([filter, postings]) => this.planner.choose(filter, postings)),
    ]);
    if (looked?.unmatchable) return [];
    if (choice.plan === 'walk') {
      const walked = await this.walkedPage(bounded, choice);
      if (walked) return walked;
    }
    if (choice.plan === 'range' || choice.rangeCost < choice.collectCost) {
      return this.listQuery(posted ? { ...bounded, posted: posted.lexemes } : bounded, { plan: 'range', index: choice.rangeIndex });
    }
    const [{ completions }, ranges] = await Promise.all([looked ?? this.vocabulary.lookUp(query), this.planner.bitmapRanges(bounded)]);
    return this.listQuery({ ...bounded, completions }, { plan: 'collect', ranges });
  }

  /**
   * A filtered page walked in the sort's index, null where the walk fell short. A full page found
   * within the budget is the page; otherwise the budget may have run out, and a walk that found
   * some matches goes on from the last one, again while each walk that goes on finds more, where
   * the planner finds that cheaper than collecting (a page number's skipped matches are not
   * counted, so only a page read from the start or from a cursor does); one that found nothing
   * walks again from its start with a larger budget, where the planner allows. The walk keeps the last
   * word's prefix (see `SearchVocabulary`). Each walk is read by `read` (EXPLAIN shows them).
   */
  async walkedPage(query: SqlQuery, choice: WalkChoice, read: WalkReader = (walk, by) => this.listQuery(walk, by)): Promise<ItemRow[] | null> {
    let walk = await this.readWalk(query, choice, read);
    let rows = walk.rows;
    let entries = choice.walkBudget;
    while (rows.length <= query.limit) {
      // Short of a page: the budget ran out, or the walk read to the end of the index, as the
      // last page does, or a page read back to the first; then what it found is the page. Where
      // the range holds more entries than the walk read, as estimated, a walk that goes on from
      // the last match is read without counting them first: where the walk did read to the end,
      // it reads what is left after that match, and finds nothing more.
      const uncounted = rows.length > 0 && !(await walk.mayHaveReadToTheEnd());
      if (!uncounted && (await walk.readToTheEnd())) return rows;
      const next = rows.length === 0 ? blindWalk(query, choice, walk.budget) : this.continuationOf(query, choice, rows, entries);
      if (!next) return uncounted && (await walk.readToTheEnd()) ? rows : null;
      const before = walk;
      walk = await this.readWalk(next.query, next.choice, read);
      if (walk.rows.length === 0) return (await walk.readToTheEnd()) || (await before.readToTheEnd()) ? rows : null;
      rows = [...rows, ...walk.rows];
      entries += next.choice.walkBudget;
    }
    return rows.slice(0, query.limit + 1);
  }

  /**
   * One walk: its rows, and whether it read to the end of its range (asked once at most). The
   * items it reads apart that come after its range in the page's order (see
   * `readApartAfterRange`) are in their place only behind a walk that read to the end of the
   * range; behind one that stopped short, the range's entries it did not read come first, so what
   * it found ends before them.
   */
  private async readWalk(query: SqlQuery, choice: ReadChoice, read: WalkReader): Promise<Walk> {
    const found = await read(query, choice);
    let inRange: Promise<number> | undefined;
    const entriesInRange = () => (inRange ??= this.entriesInRange(query));
    let toTheEnd: Promise<boolean> | undefined;
    const readToTheEnd = () => (toTheEnd ??= this.walkedToTheEnd(query, choice.walkBudget, entriesInRange));
    const after = readApartAfterRange(query);
    const firstAfter = after.length === 0 ? -1 : found.findIndex((row) => after.includes(String(row.id)));
    const rows = firstAfter < 0 || (await readToTheEnd()) ? found : found.slice(0, firstAfter);
    // Once counted (for the items read apart), the count tells instead of the estimate.
    const mayHaveReadToTheEnd = async () => toTheEnd !== undefined || (await entriesInRange()) <= choice.walkBudget;
    return { rows, budget: choice.walkBudget, readToTheEnd, mayHaveReadToTheEnd };
  }

  /**
   * Whether a walk of `budget` from the query's cursor reads to the end of the sort's index (or
   * of the range of it the filters allow). Answering no where the walk did is safe, only slower:
   * the page is then read by a walk that goes on, or by another plan.
   */
  private async walkedToTheEnd(query: SqlQuery, budget: number, entriesInRange: () => Promise<number>): Promise<boolean> {
    // Only where the entries are few enough, as estimated (a count would read the budget's
    // entries again: 300,000 of them, 80 ms, for a walk that goes on at five million items).
    if ((await entriesInRange()) > ESTIMATE_SURELY_BEYOND * budget) return false;
    const [{ n }] = await walkableEntries(this.db, query, budget);
    return Number(n) <= budget;
  }

  /**
   * The entries a walk may read, as the planner estimates them: through the whole index, the
   * table's items; from a cursor or through a range, those from there; at most, through a window
   * (see `SqlFilter.openWindow`), the window's entries.
   */
  private async entriesInRange(query: SqlQuery): Promise<number> {
    const entries = query.after || narrowsSortRange(query) ? await this.planner.entriesInSortRange(query) : await this.planner.tableRows(query.kind);
    return query.openWindow ? Math.min(entries, query.openWindow.entries) : entries;
  }

  /**
   * The walk that goes on after walks that read `entries` index entries and found `walked`, or
   * null where none does.
   */
  continuationOf(query: SqlQuery, choice: WalkChoice, walked: readonly ItemRow[], entries: number): { readonly query: SqlQuery; readonly choice: ReadChoice } | null {
    const last = walked[walked.length - 1];
    // An item read apart from the walk's range: going on after it would pass by the range's
    // entries that the walk did not read.
    if (!last || walkReadsApart(query, last.id)) return null;
    const budget = query.offset ? null : this.planner.continuation(choice, { entries, found: walked.length }, query.limit + 1);
    if (budget === null) return null;
    return { query: { ...query, after: positionAfter(last, query) }, choice: { plan: 'walk', walkBudget: budget } };
  }

  /** The SQL of one filtered page by the given plan (one row more than asked); also for EXPLAIN. */
  listQuery(query: SqlQuery, choice: ReadChoice | CollectChoice | RangeChoice): Knex.QueryBuilder {
    if (choice.plan === 'walk') return this.page(walkedOfferings(this.db, query, choice.walkBudget), query).offset(query.offset ?? 0);
    const rows = choice.plan === 'range' ? rangedOfferings(this.db, query, 'index' in choice ? choice.index : undefined) : collectedOfferings(this.db, query, 'ranges' in choice ? choice.ranges : undefined);
    const collected = this.page(rows, query, COLUMNS_BUT_TEXTS).offset(query.offset ?? 0);
    // Every match is at hand once collected: counting them on the way spares a count of its own.
    return withTextsOfPage(this.db, query.after ? collected : collected.select(this.db.raw('count(*) OVER () AS total')), query);
  }

  /**
   * The SQL of one page of a list without filters, which the sort's index answers alone, with
   * whether the viewer (where one is given) holds an active registration for each of its items.
   */
  plainQuery(query: CatalogueQuery): Knex.QueryBuilder {
    const page = this.plainPageQuery(query);
    if (query.viewerId === undefined) return page;
    return withActiveRegistrationOf(this.db, this.db.from(page.as('page')).select('page.*'), query.kind, query.viewerId, 'page.id').orderByRaw(readingOrder(query).sql);
  }

  private plainPageQuery(query: CatalogueQuery): Knex.QueryBuilder {
    const table = OFFERING_TABLES[query.kind].items;
    const sql = this.page(afterCursor(this.db(table), query, { prepared: true }), query);
    if (!query.offset) return sql;
    // A deep page number: skip rows in the sort's index alone (an index-only scan), then read
    // just the page's rows, instead of reading every skipped row from the table.
    const pageIds = afterCursor(this.db(table), query, { prepared: true })
      .select('id')
      .orderByRaw(readingOrder(query).sql)
      // Hidden from the planner, like the cursor's values (knex takes a raw offset, though its
      // types name only numbers).
      .offset(hiddenFromPlanner(this.db, query.offset, 'bigint') as unknown as number)
      .limit(query.limit + 1, { skipBinding: true });
    return sql.whereIn('id', pageIds);
  }

  private page(source: Knex.QueryBuilder, query: CatalogueQuery, columns: readonly string[] = OFFERING_COLUMNS): Knex.QueryBuilder {
    const keys = sortColumns(query.sort);
    return source
      .select(...columns, ...keys.map((key, i) => this.db.raw(`${keyText(key.column, key.type)} AS k${i}`)))
      .orderByRaw(readingOrder(query).sql)
      // A literal, not a parameter: a prepared statement with a parameter LIMIT gets a generic
      // plan costed for a tenth of the table, so PostgreSQL would plan it again on every call.
      .limit(query.limit + 1, { skipBinding: true });
  }
}

/**
 * After a first walk that found nothing, the same walk again with the budget the planner allows
 * such a walk (`WalkChoice.blindBudget`), where that is more than it read; null otherwise (and
 * after that walk, which read it).
 */
function blindWalk(query: SqlQuery, choice: WalkChoice, read: number): { readonly query: SqlQuery; readonly choice: ReadChoice } | null {
  const budget = choice.blindBudget ?? 0;
  return read === choice.walkBudget && budget > read ? { query, choice: { plan: 'walk', walkBudget: budget } } : null;
}

/** The columns holding a row's sort keys as text (`k0`, `k1`), by how many the sort has. */
const KEY_COLUMNS = [[], ['k0'], ['k0', 'k1']] as const;

/** Where a read in the query's order goes on after a row it read. */
function positionAfter(row: ItemRow, query: CatalogueQuery): CursorPosition {
  return { sort: query.sort, values: keyValues(row, sortColumns(query.sort).length as 1 | 2), id: row.id, direction: query.after?.direction ?? 'next' };
}

/**
 * One row as an item. `Object.assign` onto the fresh object rather than a spread: on the hot
 * path, spreading a many-field object costs V8 about twenty times more (measured: 14 µs against
 * 0.7 µs for a page of 21 items).
 */
function toItem(row: ItemRow, keyCount: 0 | 1 | 2): CatalogueItem {
  return Object.assign(offeringFields(row), { position: { values: keyValues(row, keyCount), id: row.id } });
}

function keyValues(row: ItemRow, keyCount: 0 | 1 | 2): string[] {
  const keys: readonly `k${number}`[] = KEY_COLUMNS[keyCount];
  return keys.map((key) => row[key]);
}
