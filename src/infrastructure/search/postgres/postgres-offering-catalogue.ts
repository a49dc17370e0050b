import { createHash } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type {
  CatalogueCount,
  CatalogueFilter,
  CatalogueItem,
  CatalogueQuery,
  CatalogueSlice,
  OfferingCatalogue,
} from '../../../application/ports/offering-catalogue';
import { SORT_DEFINITIONS } from '../../../application/ports/offering-catalogue';
import type { OfferingKind } from '../../../domain/offering-kind';
import { KNEX } from '../../knex/create-knex';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { REDIS } from '../../redis/create-redis';
import { ITEM_COLUMNS, filteredOfferings, keyParameter, keyText, sortColumns } from './catalogue-sql';
import { toTsQuery } from './search-terms';

export interface CatalogueCountPolicy {
  /** Sets up to this size are counted exactly; larger ones are estimated by the planner. */
  readonly exactUpTo: number;
  /** Counts are kept in Redis this long (0: not cached). */
  readonly cacheSeconds: number;
}

export const CATALOGUE_COUNT_POLICY = Symbol.for('CatalogueCountPolicy');

interface ItemRow {
  id: number;
  title: string;
  description: string;
  price: string;
  start_at: Date;
  end_at: Date;
  created_at: Date;
  registration_count: number;
  [key: `k${number}`]: string;
}

/** The catalogue read side on PostgreSQL indexes (the default search engine). */
/** Estimates this many times over the exact-count limit are trusted without counting. */
const ESTIMATE_TRUST_FACTOR = 5;

@injectable()
export class PostgresOfferingCatalogue implements OfferingCatalogue {
  private readonly inFlight = new Map<string, Promise<CatalogueCount>>();

  constructor(
    @inject(KNEX) private readonly db: Knex,
    @inject(REDIS) private readonly redis: Redis,
    @inject(CATALOGUE_COUNT_POLICY) private readonly countPolicy: CatalogueCountPolicy,
  ) {}

  async list(query: CatalogueQuery): Promise<CatalogueSlice> {
    const keys = sortColumns(query.sort);
    const readingBack = query.after?.direction === 'previous';
    const sortDirection = SORT_DEFINITIONS[query.sort].direction;
    const direction = readingBack ? (sortDirection === 'asc' ? 'desc' : 'asc') : sortDirection;
    const columns = [...keys.map((key) => key.column), 'id'];

    const sql = filteredOfferings(this.db, query).select(
      ...ITEM_COLUMNS,
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
    sql.orderByRaw(columns.map((column) => `${column} ${direction}`).join(', ')).limit(query.limit + 1);
    if (query.offset) sql.offset(query.offset);

    const rows: ItemRow[] = await sql;
    const more = rows.length > query.limit;
    const page = rows.slice(0, query.limit).map((row) => toItem(row, keys.length));
    return { items: readingBack ? page.reverse() : page, more };
  }

  async get(kind: OfferingKind, id: number): Promise<CatalogueItem | null> {
    const row = await this.db(OFFERING_TABLES[kind].items).select(ITEM_COLUMNS).where({ id }).first();
    return row ? toItem(row, 0) : null;
  }

  /**
   * Exact up to `exactUpTo`, the planner's estimate beyond. The estimate comes first (it costs a
   * plan, not a scan); only a set the planner thinks small is counted, with a LIMIT-capped count,
   * so no request ever counts a million rows. Cached briefly in Redis (computed anyway when Redis
   * is down), and concurrent requests for the same count share one computation.
   */
  async count(filter: CatalogueFilter): Promise<CatalogueCount> {
    const key = this.cacheKey(filter);
    const running = this.inFlight.get(key);
    if (running) return running;
    const computation = this.cachedCount(key, filter).finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, computation);
    return computation;
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

  private async computeCount(filter: CatalogueFilter): Promise<CatalogueCount> {
    const cap = this.countPolicy.exactUpTo;
    const matching = () => filteredOfferings(this.db, filter).select(this.db.raw('1'));
    const { sql, bindings } = matching().toSQL();
    const { rows } = await this.db.raw(`EXPLAIN (FORMAT JSON) ${sql}`, bindings);
    const estimate = Math.round(rows[0]['QUERY PLAN'][0].Plan['Plan Rows'] as number);
    if (estimate > cap * ESTIMATE_TRUST_FACTOR) return { value: estimate, estimated: true };
    const [{ n }] = await this.db.from(matching().limit(cap + 1).as('capped')).count<{ n: number }[]>({ n: '*' });
    if (Number(n) <= cap) return { value: Number(n), estimated: false };
    return { value: Math.max(estimate, cap + 1), estimated: true };
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
    id: row.id,
    title: row.title,
    description: row.description,
    price: row.price,
    startAt: row.start_at,
    endAt: row.end_at,
    createdAt: row.created_at,
    registrationCount: row.registration_count,
    position: { values: Array.from({ length: keyCount }, (_, i) => row[`k${i}`]), id: row.id },
  };
}
