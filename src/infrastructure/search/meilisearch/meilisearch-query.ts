import {
  type CatalogueFilter,
  type CatalogueQuery,
  type CursorPosition,
  SORT_DEFINITIONS,
  type SortField,
} from '../../../application/ports/offering-catalogue';
import { Money } from '../../../domain/money';
import { opaqueQuery } from './opaque-words';

/** The document attribute each sort field is sorted and filtered on. */
export const SORT_ATTRIBUTE: Readonly<Record<SortField, string>> = {
  createdAt: 'created_at_ms',
  registrationCount: 'registration_count',
  price: 'price_minor',
  startAt: 'start_at_ms',
};

export interface MeilisearchSearch {
  readonly q: string;
  readonly filter: string[];
  readonly sort: string[];
  readonly limit: number;
  readonly offset: number;
  readonly matchingStrategy: 'all';
}

/**
 * Translates a catalogue query into Meilisearch search parameters with the Postgres adapter's
 * semantics: every word required (`matchingStrategy: all`; Meilisearch matches the last word as a
 * prefix itself), in the opaque form the index's words have; status and price bounds as numeric
 * filters, the sort with `id` as the final tiebreaker, and a cursor as a keyset filter in the
 * sort's direction.
 */
export function toMeilisearchSearch(query: CatalogueQuery): MeilisearchSearch {
  const definition = SORT_DEFINITIONS[query.sort];
  const readingBack = query.after?.direction === 'previous';
  const direction = readingBack ? (definition.direction === 'asc' ? 'desc' : 'asc') : definition.direction;
  const attributes = [...definition.keys.map((key) => SORT_ATTRIBUTE[key.field]), 'id'];
  const filter = filterExpressions(query);
  if (query.after) filter.push(keysetFilter(attributes, cursorNumbers(query.after), direction));
  return {
    q: opaqueQuery(query.words),
    filter,
    sort: attributes.map((attribute) => `${attribute}:${direction}`),
    limit: query.limit + 1,
    offset: query.offset ?? 0,
    matchingStrategy: 'all',
  };
}

export interface MeilisearchCount {
  readonly q: string;
  readonly filter: string[];
  readonly hitsPerPage: 0;
  readonly page: 1;
  readonly matchingStrategy: 'all';
}

/**
 * Counts the matches of a filter without fetching any: page mode (`hitsPerPage`) makes
 * Meilisearch count exhaustively, up to the index's `maxTotalHits`.
 */
export function toMeilisearchCount(filter: CatalogueFilter): MeilisearchCount {
  return { q: opaqueQuery(filter.words), filter: filterExpressions(filter), hitsPerPage: 0, page: 1, matchingStrategy: 'all' };
}

/** Status and price bounds, as Meilisearch filter expressions (AND-ed). */
export function filterExpressions(filter: CatalogueFilter): string[] {
  const now = filter.now.getTime();
  const expressions: string[] = [];
  if (filter.status === 'available') expressions.push(`start_at_ms <= ${now}`, `end_at_ms >= ${now}`);
  if (filter.status === 'upcoming') expressions.push(`start_at_ms > ${now}`);
  if (filter.status === 'closed') expressions.push(`end_at_ms < ${now}`);
  if (filter.priceMin) expressions.push(`price_minor >= ${filter.priceMin.minorUnits}`);
  if (filter.priceMax) expressions.push(`price_minor <= ${filter.priceMax.minorUnits}`);
  return expressions;
}

/** `(a < x) OR (a = x AND b < y) OR (a = x AND b = y AND id < z)`: a row comparison spelled out. */
function keysetFilter(attributes: readonly string[], values: readonly number[], direction: 'asc' | 'desc'): string {
  const op = direction === 'desc' ? '<' : '>';
  const alternatives = attributes.map((attribute, i) => {
    const equalities = attributes.slice(0, i).map((previous, j) => `${previous} = ${values[j]}`);
    return `(${[...equalities, `${attribute} ${op} ${values[i]}`].join(' AND ')})`;
  });
  return alternatives.join(' OR ');
}

/** The cursor's sort values (and id) as the documents' numbers. */
function cursorNumbers(position: CursorPosition): number[] {
  const keys = SORT_DEFINITIONS[position.sort].keys;
  const values = keys.map((key, i) => {
    const text = position.values[i];
    if (key.type === 'timestamp') return Date.parse(text);
    if (key.type === 'numeric') return Money.parse(text, 'cursor').minorUnits;
    return Number(text);
  });
  return [...values, position.id];
}

/** A document's sort values in the cursor's text formats (timestamps with microseconds). */
export function positionValues(query: Pick<CatalogueQuery, 'sort'>, document: Record<string, number>): string[] {
  return SORT_DEFINITIONS[query.sort].keys.map((key) => {
    const value = document[SORT_ATTRIBUTE[key.field]];
    if (key.type === 'timestamp') return new Date(value).toISOString().replace('Z', '000Z');
    if (key.type === 'numeric') return Money.ofMinorUnits(value).toString();
    return String(value);
  });
}
