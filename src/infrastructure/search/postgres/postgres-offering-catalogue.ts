import { createHash } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import {
  type CatalogueCount,
  type CatalogueFilter,
  type CatalogueItem,
  type CatalogueQuery,
  type CatalogueSlice,
  type OfferingCatalogue,
  SORT_DEFINITIONS,
} from '../../../application/ports/offering-catalogue';
import type { OfferingKind } from '../../../domain/offering-kind';
import { KNEX } from '../../knex/create-knex';
import { OFFERING_COLUMNS, type OfferingRow, offeringFields } from '../../knex/offering-row';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { REDIS } from '../../redis/create-redis';
import { runPrepared } from '../../knex/prepared-statement';
import { type SearchPlan, filteredOfferings, keyParameter, keyText, planDependsOnValues, sampledOfferings, sortColumns } from './catalogue-sql';
import { SearchSelectivity } from './search-selectivity';
import { searchTokens, toTsQuery } from './search-terms';

export interface CatalogueCountPolicy {
  /** Sets up to this size are counted exactly; larger ones are estimated by the planner. */
  readonly exactUpTo: number;
  /** Counts are kept in Redis this long (0: not cached). */
  readonly cacheSeconds: number;
}

export const CATALOGUE_COUNT_POLICY = Symbol.for('CatalogueCountPolicy');

interface ItemRow extends OfferingRow {
  /** The sort keys as exact text, for cursors. */
  [key: `k${number}`]: string;
}

/** Estimates this many times over the exact-count limit are trusted without counting. */
const ESTIMATE_TRUST_FACTOR = 5;
/** Searches estimated to match at most this many items may collect their matches first. */
const MATCHES_FIRST_MAX = 20_000;
/** Below this many matches, collecting them first beats walking the sort's index even unfiltered. */
const RARE_MATCHES = 5_000;
/** Rows a sampled estimate reads; its error is then a few per cent, so it is trusted sooner. */
const SAMPLE_ROWS = 10_000;
const SAMPLE_TRUST_FACTOR = 1.5;
/** Counts are kept in the process this long (at most), on top of the shared cache in Redis. */
const LOCAL_COUNT_SECONDS = 5;
const LOCAL_COUNT_ENTRIES = 10_000;

/** The catalogue read side on PostgreSQL indexes (the default search engine). */
@injectable()
export class PostgresOfferingCatalogue implements OfferingCatalogue {
  private readonly inFlight = new Map<string, Promise<CatalogueCount>>();
  private readonly recentCounts = new Map<string, { readonly count: CatalogueCount; readonly until: number }>();
  private readonly selectivity: SearchSelectivity;

  constructor(
    @inject(KNEX) private readonly db: Knex,
    @inject(REDIS) private readonly redis: Redis,
    @inject(CATALOGUE_COUNT_POLICY) private readonly countPolicy: CatalogueCountPolicy,
  ) {
    this.selectivity = new SearchSelectivity(db);
  }

  async list(query: CatalogueQuery): Promise<CatalogueSlice> {
    const keys = sortColumns(query.sort);
    const sql = this.listQuery(query, await this.searchPlan(query));
    const rows: ItemRow[] = planDependsOnValues(query) ? await sql : await runPrepared<ItemRow>(this.db, sql);
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit).map((row) => toItem(row, keys.length));
    return { items: query.after?.direction === 'previous' ? page.reverse() : page, more };
  }

  /** The SQL of one page (one row more than asked, to tell whether more follow); also for EXPLAIN. */
  listQuery(query: CatalogueQuery, plan: SearchPlan): Knex.QueryBuilder {
    const keys = sortColumns(query.sort);
    const readingBack = query.after?.direction === 'previous';
    const sortDirection = SORT_DEFINITIONS[query.sort].direction;
    const direction = readingBack ? (sortDirection === 'asc' ? 'desc' : 'asc') : sortDirection;
    const columns = [...keys.map((key) => key.column), 'id'];

    const sql = filteredOfferings(this.db, query, plan).select(
      ...OFFERING_COLUMNS,
      ...keys.map((key, i) => this.db.raw(`${keyText(key.column, key.type)} AS k${i}`)),
    );
    if (query.after) {
      // A row comparison in index order: the index is entered at the cursor, whatever the depth.
      const placeholders = [...keys.map((key) => keyParameter(key.type)), '?::bigint'];
      sql.whereRaw(`(${columns.join(', ')}) ${direction === 'desc' ? '<' : '>'} (${placeholders.join(', ')})`, [
        ...query.after.values,
        query.after.id,
      ]);
    }
    const order = columns.map((column) => `${column} ${direction}`).join(', ');
    if (!query.offset) return sql.orderByRaw(order).limit(query.limit + 1);
    // A deep page number: skip rows in the sort's index alone (an index-only scan), then read
    // just the page's rows, instead of reading every skipped row from the table.
    const pageIds = filteredOfferings(this.db, query, plan).select('id').orderByRaw(order).offset(query.offset).limit(query.limit + 1);
    return sql.whereIn('id', pageIds).orderByRaw(order);
  }

  async get(kind: OfferingKind, id: number): Promise<CatalogueItem | null> {
    const [row] = await runPrepared<ItemRow>(this.db, this.db(OFFERING_TABLES[kind].items).select(OFFERING_COLUMNS).where({ id }).limit(1));
    return row ? toItem(row, 0) : null;
  }

  /**
   * Exact up to `exactUpTo`, the planner's estimate beyond. The estimate comes first (it costs a
   * plan, not a scan); only a set the planner thinks small is counted, with a LIMIT-capped count,
   * so no request ever counts a million rows. Cached briefly in Redis (computed anyway when Redis
   * is down) and for a few seconds in the process, and concurrent requests for the same count
   * share one computation.
   */
  async count(filter: CatalogueFilter): Promise<CatalogueCount> {
    const key = this.cacheKey(filter);
    const recent = this.recentCounts.get(key);
    if (recent && recent.until > Date.now()) return recent.count;
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
    const seconds = Math.min(this.countPolicy.cacheSeconds, LOCAL_COUNT_SECONDS);
    if (seconds <= 0) return count;
    if (this.recentCounts.size >= LOCAL_COUNT_ENTRIES) this.recentCounts.clear();
    this.recentCounts.set(key, { count, until: Date.now() + seconds * 1000 });
    return count;
  }

  private async cachedCount(key: string, filter: CatalogueFilter): Promise<CatalogueCount> {
    const { cacheSeconds } = this.countPolicy;
    if (cacheSeconds > 0) {
      const cached = await this.redis.get(key).catch(() => null);
      if (cached) return JSON.parse(cached) as CatalogueCount;
    }
    const count = await this.computeCount(filter);
    if (cacheSeconds > 0) await this.redis.set(key, JSON.stringify(count), 'EX', cacheSeconds).catch(() => undefined);
    return count;
  }

  /** Rare searches collect their matches first; common ones, and lists without search, filter. */
  async searchPlan(filter: CatalogueFilter): Promise<SearchPlan> {
    const matches = await this.searchMatches(filter);
    if (matches === null || matches > MATCHES_FIRST_MAX) return 'filter';
    const otherFilters = Boolean(filter.status || filter.priceMin || filter.priceMax);
    return otherFilters || matches <= RARE_MATCHES ? 'matches-first' : 'filter';
  }

  private async searchMatches(filter: CatalogueFilter): Promise<number | null> {
    const tokens = searchTokens(filter.words);
    return tokens.length === 0 ? null : this.selectivity.estimateMatches(filter.kind, tokens);
  }

  private async computeCount(filter: CatalogueFilter): Promise<CatalogueCount> {
    const cap = this.countPolicy.exactUpTo;
    const matches = await this.searchMatches(filter);
    let estimate: number;
    if (matches !== null && matches > MATCHES_FIRST_MAX) {
      // A common word: the estimate of the other filters, scaled by the word's share.
      const total = (await this.selectivity.rowCount(filter.kind)) ?? 1;
      estimate = Math.round((matches * (await this.estimateWithoutSearch({ ...filter, words: [] }))) / Math.max(total, 1));
    } else {
      estimate = matches ?? (await this.estimateWithoutSearch(filter));
    }
    const sampledOnly = matches === null && filter.status === 'available';
    if (estimate > cap * (sampledOnly ? SAMPLE_TRUST_FACTOR : ESTIMATE_TRUST_FACTOR)) return { value: estimate, estimated: true };
    const matching = filteredOfferings(this.db, filter, await this.searchPlan(filter)).select(this.db.raw('1')).limit(cap + 1);
    const [{ n }] = await this.db.from(matching.as('capped')).count<{ n: number }[]>({ n: '*' });
    if (Number(n) <= cap) return { value: Number(n), estimated: false };
    return { value: Math.max(estimate, cap + 1), estimated: true };
  }

  private estimateWithoutSearch(filter: CatalogueFilter): Promise<number> {
    return filter.status === 'available' ? this.sampledEstimate(filter) : this.plannerEstimate(filter);
  }

  /**
   * "Open now" is two range conditions that the planner multiplies as if independent: for tests,
   * a quarter of the table instead of a few per cent. A block sample of about `SAMPLE_ROWS` rows
   * (whole pages, so only those are read) tells their real share; a small table is read whole.
   */
  private async sampledEstimate(filter: CatalogueFilter): Promise<number> {
    const { rows } = await this.db.raw('SELECT reltuples FROM pg_class WHERE oid = ?::regclass', [OFFERING_TABLES[filter.kind].items]);
    const total = Number(rows[0]?.reltuples ?? 0);
    const percent = total > SAMPLE_ROWS ? (SAMPLE_ROWS / total) * 100 : 100;
    const [{ n }] = await sampledOfferings(this.db, filter, percent).count<{ n: number }[]>({ n: '*' });
    return Math.round((Number(n) * 100) / percent);
  }

  /** The planner's row estimate for the filter: the cost of planning, not of scanning. */
  private async plannerEstimate(filter: CatalogueFilter): Promise<number> {
    const { sql, bindings } = filteredOfferings(this.db, filter).select(this.db.raw('1')).toSQL();
    const { rows } = await this.db.raw(`EXPLAIN (FORMAT JSON) ${sql}`, bindings);
    return Math.round(rows[0]['QUERY PLAN'][0].Plan['Plan Rows'] as number);
  }

  private cacheKey(filter: CatalogueFilter): string {
    const identity = JSON.stringify([
      filter.status ?? null,
      toTsQuery(filter.words),
      filter.priceMin?.toString() ?? null,
      filter.priceMax?.toString() ?? null,
    ]);
    return `catalogue-count:${filter.kind}:${createHash('sha1').update(identity).digest('hex')}`;
  }
}

function toItem(row: ItemRow, keyCount: number): CatalogueItem {
  return {
    ...offeringFields(row),
    position: { values: Array.from({ length: keyCount }, (_, i) => row[`k${i}`]), id: row.id },
  };
}
