import type { Knex } from 'knex';
import { type CatalogueFilter, type OfferingSort, SORT_DEFINITIONS, type SortField, type SortKeyType } from '../../../application/ports/offering-catalogue';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { toTsQuery } from './search-terms';

const COLUMN_OF: Readonly<Record<SortField, string>> = {
  createdAt: 'created_at',
  registrationCount: 'registration_count',
  price: 'price',
  startAt: 'start_at',
};

/** The sort's columns before `id`, in index order (every sort has an index in this order). */
export const sortColumns = (sort: OfferingSort) =>
  SORT_DEFINITIONS[sort].keys.map((key) => ({ column: COLUMN_OF[key.field], type: key.type }));

/** A key as exact text (microseconds for timestamps), so that a cursor never loses precision. */
export const keyText = (column: string, type: SortKeyType): string =>
  type === 'timestamp' ? `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')` : `${column}::text`;

export const keyParameter = (type: SortKeyType): string => (type === 'timestamp' ? '?::timestamptz' : type === 'numeric' ? '?::numeric' : '?::integer');


/**
 * How a search is executed: `filter` lets the planner walk the sort's index and test each row
 * (best for common words), `matches-first` collects the matching ids from the full-text index
 * first and sorts only those (best for rare words, where walking would read most of the table).
 */
export type SearchPlan = 'filter' | 'matches-first';

/** The catalogue table of the filter's kind with every filter of the query applied. */
export function filteredOfferings(db: Knex, filter: CatalogueFilter, plan: SearchPlan = 'filter'): Knex.QueryBuilder {
  const table = OFFERING_TABLES[filter.kind].items;
  const tsQuery = toTsQuery(filter.words);
  if (tsQuery && plan === 'matches-first') {
    // One bitmap scan of the full-text index reads every matching row once; sorting the few
    // rows that pass the other filters is then cheap. The CTE keeps the planner from walking a
    // sort index instead.
    const matches = withoutSearch(db(table).select('*'), filter).whereRaw(`search_vector @@ to_tsquery('simple', ?)`, [tsQuery]);
    return db.queryBuilder().withMaterialized('matches', matches).from({ [table]: 'matches' });
  }
  const query = withoutSearch(db(table), filter);
  if (tsQuery) query.whereRaw(`search_vector @@ to_tsquery('simple', ?)`, [tsQuery]);
  return query;
}

/**
 * Whether the filter's best plan depends on the values bound (search words, range filters), so
 * that the query must be planned for each request rather than prepared once.
 */
export const planDependsOnValues = (filter: CatalogueFilter): boolean =>
  Boolean(toTsQuery(filter.words) || filter.status || filter.priceMin || filter.priceMax);

/** Every filter but the search words, over a block sample of `percent` of the kind's table. */
export function sampledOfferings(db: Knex, filter: CatalogueFilter, percent: number): Knex.QueryBuilder {
  const table = OFFERING_TABLES[filter.kind].items;
  return withoutSearch(db.from(db.raw(`?? TABLESAMPLE SYSTEM (${percent.toFixed(4)})`, [table])), filter);
}

/** Every filter but the search words. */
function withoutSearch(query: Knex.QueryBuilder, filter: CatalogueFilter): Knex.QueryBuilder {
  const now = filter.now;
  if (filter.status === 'available') query.where('start_at', '<=', now).where('end_at', '>=', now);
  if (filter.status === 'upcoming') query.where('start_at', '>', now);
  if (filter.status === 'closed') query.where('end_at', '<', now);
  if (filter.priceMin) query.where('price', '>=', filter.priceMin.toString());
  if (filter.priceMax) query.where('price', '<=', filter.priceMax.toString());
  return query;
}
