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
  OfferingCatalogue,
} from '../../../application/ports/offering-catalogue';
import type { OfferingKind } from '../../../domain/offering-kind';
import { KNEX } from '../../knex/create-knex';
import { OFFERING_COLUMNS, type OfferingRow, offeringFields } from '../../knex/offering-row';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { runPrepared } from '../../knex/prepared-statement';
import { REDIS } from '../../redis/create-redis';
import { CATALOGUE_COUNT_POLICY, CatalogueCounter, type CatalogueCountPolicy } from './catalogue-counter';
import { CatalogueReadPlanner, type ReadChoice } from './catalogue-read-planner';
import {
  afterCursor,
  collectedOfferings,
  keyText,
  planDependsOnValues,
  readingOrder,
  sortColumns,
  type SqlQuery,
  walkedOfferings,
  withStartBounds,
} from './catalogue-sql';

interface ItemRow extends OfferingRow {
  /** The sort keys as exact text, for cursors. */
  [key: `k${number}`]: string;
  /** All matches of a collected page read without a cursor. */
  total?: number;
}

/**
 * The catalogue read side on PostgreSQL indexes (the default search engine). Plain lists read
 * the sort's index through prepared statements; filtered ones are read by a plan whose work is
 * bounded (see `CatalogueReadPlanner`).
 */
@injectable()
export class PostgresOfferingCatalogue implements OfferingCatalogue {
  readonly planner: CatalogueReadPlanner;
  private readonly counter: CatalogueCounter;

  constructor(
    @inject(KNEX) private readonly db: Knex,
    @inject(REDIS) redis: Redis,
    @inject(CATALOGUE_COUNT_POLICY) countPolicy: CatalogueCountPolicy,
  ) {
    this.planner = new CatalogueReadPlanner(db);
    this.counter = new CatalogueCounter(db, redis, countPolicy, this.planner);
  }

  async list(query: CatalogueQuery): Promise<CatalogueSlice> {
    const rows = planDependsOnValues(query)
      ? await this.filteredRows(await withStartBounds(this.db, query))
      : await runPrepared<ItemRow>(this.db, this.plainQuery(query));
    const more = rows.length > query.limit;
    const keyCount = sortColumns(query.sort).length;
    const page = rows.slice(0, query.limit).map((row) => toItem(row, keyCount));
    const total = rows[0]?.total;
    return { items: query.after?.direction === 'previous' ? page.reverse() : page, more, ...(total === undefined ? {} : { total: Number(total) }) };
  }

  count(filter: CatalogueFilter): Promise<CatalogueCount> {
    return this.counter.count(filter);
  }

  async get(kind: OfferingKind, id: number): Promise<CatalogueDetail | null> {
    const query = this.db(OFFERING_TABLES[kind].items).select(...OFFERING_COLUMNS, 'version').where({ id }).limit(1);
    const [row] = await runPrepared<ItemRow & { version: number }>(this.db, query);
    return row ? { ...toItem(row, 0), version: row.version } : null;
  }

  /** A filtered page: walked when the estimates promise a full page within budget, else collected. */
  private async filteredRows(query: SqlQuery): Promise<ItemRow[]> {
    const choice = await this.planner.choose(query);
    if (choice.plan === 'walk') {
      const walked: ItemRow[] = await this.listQuery(query, choice);
      // A full page found within the budget is the page; otherwise the budget may have run out.
      if (walked.length > query.limit) return walked;
    }
    return this.listQuery(query, { plan: 'collect' });
  }

  /** The SQL of one filtered page by the given plan (one row more than asked); also for EXPLAIN. */
  listQuery(query: SqlQuery, choice: ReadChoice | { readonly plan: 'collect' }): Knex.QueryBuilder {
    if (choice.plan === 'walk') return this.page(walkedOfferings(this.db, query, choice.walkBudget), query).offset(query.offset ?? 0);
    const collected = this.page(collectedOfferings(this.db, query), query).offset(query.offset ?? 0);
    // Every match is at hand once collected: counting them on the way spares a count of its own.
    return query.after ? collected : collected.select(this.db.raw('count(*) OVER () AS total'));
  }

  /** The SQL of one page of a list without filters, which the sort's index answers alone. */
  plainQuery(query: CatalogueQuery): Knex.QueryBuilder {
    const table = OFFERING_TABLES[query.kind].items;
    const sql = this.page(afterCursor(this.db(table), query), query);
    if (!query.offset) return sql;
    // A deep page number: skip rows in the sort's index alone (an index-only scan), then read
    // just the page's rows, instead of reading every skipped row from the table.
    const pageIds = afterCursor(this.db(table), query).select('id').orderByRaw(readingOrder(query).sql).offset(query.offset).limit(query.limit + 1);
    return sql.whereIn('id', pageIds);
  }

  private page(source: Knex.QueryBuilder, query: CatalogueQuery): Knex.QueryBuilder {
    const keys = sortColumns(query.sort);
    return source
      .select(...OFFERING_COLUMNS, ...keys.map((key, i) => this.db.raw(`${keyText(key.column, key.type)} AS k${i}`)))
      .orderByRaw(readingOrder(query).sql)
      .limit(query.limit + 1);
  }
}

function toItem(row: ItemRow, keyCount: number): CatalogueItem {
  return {
    ...offeringFields(row),
    position: { values: Array.from({ length: keyCount }, (_, i) => row[`k${i}`]), id: row.id },
  };
}
