import type { Knex } from 'knex';
import {
  type CatalogueFilter,
  type CatalogueQuery,
  type OfferingSort,
  SORT_DEFINITIONS,
  type SortField,
  type SortKeyType,
} from '../../../application/ports/offering-catalogue';
import { hiddenPlaceholder } from '../../knex/hidden-from-planner';
import { OFFERING_COLUMNS } from '../../knex/offering-row';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { runPrepared } from '../../knex/prepared-statement';
import { type OpenWindow, windowCondition, windowedIndexOf } from './open-window-indexes';
import { hasSearchTerms, searchCondition } from './search-terms';

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

const keyParameter = (type: SortKeyType): string => (type === 'timestamp' ? '?::timestamptz' : type === 'numeric' ? '?::numeric' : '?::integer');

/** A cursor's values as parameters of a row in index order: the sort's keys, then the id. */
const cursorParameters = (sort: OfferingSort): string[] => [...sortColumns(sort).map((key) => keyParameter(key.type)), '?::bigint'];

/**
 * How a page is read:
 * - `walk`: the sort's index in order, testing each row against the filters, and stopping after
 *   a fixed number of rows (the budget) whether or not the page is full;
 * - `collect`: every row that the full-text index selects, with the start and price indexes
 *   where they pay for themselves (one bitmap), the other filters tested on those rows, sorted
 *   afterwards. Its cost is the number of matches, whatever the order;
 * - `range`: every entry of the price range in the price index, every filter tested there, the
 *   matches sorted afterwards. Its cost is the range's entries, whatever the words match.
 * A walk that runs out of budget is followed by a collect or a range, so all give the same page.
 */
export type ReadPlan = 'walk' | 'collect' | 'range';

/** The order of a page in the direction it is read (backwards for a `previous` cursor). */
export function readingOrder(query: CatalogueQuery): { readonly columns: readonly string[]; readonly direction: 'asc' | 'desc'; readonly sql: string } {
  const columns = [...sortColumns(query.sort).map((key) => key.column), 'id'];
  const sortDirection = SORT_DEFINITIONS[query.sort].direction;
  const direction = query.after?.direction === 'previous' ? (sortDirection === 'asc' ? 'desc' : 'asc') : sortDirection;
  return { columns, direction, sql: columns.map((column) => `${column} ${direction}`).join(', ') };
}

/** The catalogue table of the filter's kind with every filter applied (any plan the planner likes). */
export function filteredOfferings(db: Knex, filter: SqlFilter): Knex.QueryBuilder {
  return withSearch(withoutSearch(db(OFFERING_TABLES[filter.kind].items), filter), filter);
}

/**
 * Where items with a status can start: an item open now started at most a window ago, and one
 * closed at least a window ago, with the window's length read from the index on window lengths
 * (see `withStatusBounds`); the few items with the status whose windows are longer (open now) or
 * shorter (closed) than that are named by id. Exact text, as PostgreSQL computed it; a bound is
 * null where nothing bounds it, and for the other status.
 */
export interface StartBounds {
  readonly earliestOpen: string | null;
  readonly latestClosed: string | null;
  /** Items with the status that start beyond its bound, by id. */
  readonly beyond: readonly string[];
}

/**
 * Where items closed can have been created, for a walk of the created index: no later than the
 * latest start a closed item can have (see `StartBounds`) plus the longest delay of an item's
 * creation after its start, read from the index of items created after they started; the few
 * items created later than that after their start, and those beyond the start bound, are named
 * by id where they are closed and created after the bound. Exact text, as PostgreSQL computed it.
 */
export interface CreationBound {
  readonly latestCreated: string;
  /** Items closed created after the bound, by id. */
  readonly beyond: readonly string[];
}

/**
 * A filter as the SQL below takes it: the port's, with the start bounds of its status and what
 * the vocabulary told of its words (see `SearchVocabulary`), where they were looked up: the
 * lexemes its last word completes to, and whether no item can match them.
 */
export interface SqlFilter extends CatalogueFilter {
  readonly startBounds?: StartBounds;
  /** For items closed: where in the created index they can lie (see `CreationBound`). */
  readonly creationBound?: CreationBound;
  /**
   * For items upcoming: those with registrations, by id (see `withStatusBounds`); null where they
   * are more than `REGISTERED_UPCOMING_READ`.
   */
  readonly registeredUpcoming?: readonly string[] | null;
  readonly completions?: readonly string[];
  readonly unmatchable?: boolean;
  /**
   * Listed lexemes whose postings hold every match of the words (see `SearchPostings`), for a
   * range of the postings' index.
   */
  readonly posted?: readonly string[];
  /**
   * For items open now: the window of a partial copy of the sort's index that holds every one
   * of them (see `OpenWindowIndexes`), which a walk reads instead of the whole index.
   */
  readonly openWindow?: OpenWindow;
}

export type SqlQuery = CatalogueQuery & SqlFilter;

/** How many windows a start bound reads from the index on window lengths. */
export const WINDOWS_READ = 100;

/** How many items created after they started a creation bound reads (see `CreationBound`). */
export const LATE_CREATIONS_READ = 100;

/** The most upcoming items with registrations that a walk by popularity reads apart (see `withStatusBounds`). */
export const REGISTERED_UPCOMING_READ = 100;

/**
 * How each status's bound is read: the longest windows first for items open now, the shortest
 * first for closed ones; the bound is the last window read, and the items with the status among
 * those read that start beyond it are named.
 */
const WINDOW_BOUNDS = {
  available: { field: 'earliestOpen', order: 'DESC', last: 'min', beyond: 'start_at <= instant.now AND end_at >= instant.now AND start_at < bound.at' },
  closed: { field: 'latestClosed', order: 'ASC', last: 'max', beyond: 'end_at < instant.now AND start_at >= bound.at' },
} as const;

/**
 * The filter with what bounds where the items of its status lie in the indexes.
 *
 * For items open now or closed, the start bounds of the status: conditions on `start_at` that its
 * index answers, and that a bitmap can AND with the full-text index, where "open now" and
 * "closed" are otherwise conditions on two columns at once. From the `WINDOWS_READ` longest
 * windows (open now) or shortest (closed), in one pass of the index on window lengths: every
 * other item has a window as short as the last one read (or as long), so one open now started at
 * most that long ago (a closed one, at least); of those read, the items with the status that
 * start beyond the bound are named. So a few items open for years, or closed after a minute, cost
 * the status a few ids rather than a range of years.
 *
 * For items closed, also where in the created index they can lie (see `CreationBound`): an item
 * closes weeks after it is created, so the newest items are none of them, and at five million
 * items a walk by creation would pass more entries than its budget before it met one.
 *
 * For items upcoming, those that have registrations, by id (the partial index of registered
 * items by start): a registration is taken only while its item is open, so these are the few
 * whose windows staff moved after registrations, and every other upcoming item has none. A walk
 * by popularity reads them apart and enters the sort's index where the counts are 0, rather than
 * passing first every item with registrations (all of them, at a million items, for a search
 * of two words, before the walk gave up and collected).
 */
export async function withStatusBounds<F extends CatalogueFilter>(db: Knex, filter: F): Promise<F & SqlFilter> {
  if (filter.status === 'upcoming') return { ...filter, registeredUpcoming: await registeredUpcoming(db, filter) };
  if (filter.status !== 'available' && filter.status !== 'closed') return filter;
  const { field, order, last, beyond } = WINDOW_BOUNDS[filter.status];
  const closed = filter.status === 'closed';
  const table = OFFERING_TABLES[filter.kind].items;
  // A bound before 1970 bounds nothing (no item starts earlier), and one far enough back is
  // beyond PostgreSQL's timestamps (an item open from 2000 to 9999): either way there is none.
  // With fewer windows than that to read (a small table) there is none either.
  const bounds = db.raw(
    `WITH instant AS (SELECT ?::timestamptz AS now, ?::timestamptz - 'epoch'::timestamptz AS span),
     windows AS MATERIALIZED (SELECT id, start_at, end_at, created_at, end_at - start_at AS length FROM ?? ORDER BY end_at - start_at ${order} LIMIT ${WINDOWS_READ}),
     bound AS (
       SELECT CASE WHEN count(*) = ${WINDOWS_READ} AND ${last}(length) < instant.span THEN instant.now - ${last}(length) END AS at
       FROM windows, instant GROUP BY instant.now, instant.span)
     ${closed ? CREATION_BOUND_SQL : ''}
     SELECT bound.at::text AS at, array(SELECT id::text FROM windows, instant WHERE ${beyond} ORDER BY id) AS beyond
       ${closed ? ', creation.latest::text AS latest_created, creation.beyond AS created_beyond' : ''}
     FROM bound ${closed ? ', creation' : ''}`,
    [filter.now, filter.now, table, ...(closed ? [table] : [])],
  );
  // The same statement at every instant, its plan the same whatever the instant: prepared.
  const [read] = await runPrepared<StatusBoundsRow>(db, bounds);
  const startBounds: StartBounds = { earliestOpen: null, latestClosed: null, [field]: read?.at ?? null, beyond: read?.at ? read.beyond : [] };
  const creationBound: CreationBound | null = read?.latest_created ? { latestCreated: read.latest_created, beyond: read.created_beyond ?? [] } : null;
  return { ...filter, startBounds, ...(creationBound ? { creationBound } : {}) };
}

/** What `withStatusBounds` reads: the start bound and the items beyond it, and for items closed the creation bound. */
interface StatusBoundsRow {
  readonly at: string | null;
  readonly beyond: string[];
  readonly latest_created?: string;
  readonly created_beyond?: string[];
}

/**
 * The CTEs of a creation bound for items closed (see `CreationBound`), after those of the start
 * bound: from the `LATE_CREATIONS_READ` items created longest after they started (a partial
 * index holds the items created after they started), the longest delay of a creation after a
 * start that the rest keep to (none, where fewer were read); then the closed ones created after
 * the bound among the items read and those beyond the start bound. Every other item closed
 * starts before the start bound (or now) and was created at most that delay after it started.
 */
const CREATION_BOUND_SQL = `,
     late AS MATERIALIZED (
       SELECT id, end_at, created_at, created_at - start_at AS lateness FROM ??
       WHERE created_at > start_at ORDER BY created_at - start_at DESC LIMIT ${LATE_CREATIONS_READ}),
     latest AS (
       SELECT COALESCE(bound.at, instant.now)
         + (SELECT CASE WHEN count(*) = ${LATE_CREATIONS_READ} THEN min(lateness) ELSE interval '0' END FROM late) AS at
       FROM bound, instant),
     creation AS (
       SELECT latest.at AS latest, array(
         SELECT id::text FROM (SELECT id, end_at, created_at FROM windows UNION SELECT id, end_at, created_at FROM late) AS named, instant
         WHERE named.end_at < instant.now AND named.created_at > latest.at ORDER BY id) AS beyond
       FROM latest)`;

/**
 * The upcoming items with registrations, by id; null where they are more than
 * `REGISTERED_UPCOMING_READ`. The partial index of registered items by start finds them: its
 * condition written as a literal, so that PostgreSQL sees the query within it, and in no order,
 * which would have it walk the primary key testing every item instead (42 ms at five million).
 */
async function registeredUpcoming(db: Knex, filter: CatalogueFilter): Promise<readonly string[] | null> {
  const rows: Array<{ id: string }> = await registeredUpcomingItems(db, filter);
  return rows.length > REGISTERED_UPCOMING_READ ? null : rows.map((row) => row.id);
}

/** The SQL of `registeredUpcoming` (for EXPLAIN). */
export function registeredUpcomingItems(db: Knex, filter: CatalogueFilter): Knex.QueryBuilder {
  return db(OFFERING_TABLES[filter.kind].items)
    .select(db.raw('id::text AS id'))
    .whereRaw('registration_count > 0')
    .where('start_at', '>', filter.now)
    .limit(REGISTERED_UPCOMING_READ + 1);
}

/**
 * The rows of a `walk`: at most `budget` entries of the sort's index from the cursor on (narrowed
 * to the range the filters allow on the sort's first column, which the index enters directly).
 * Each sort index carries the window, the price and the search lexemes, so every filter is
 * tested on the entries alone (an index-only scan); the rest of an item's row is read, through
 * the primary key, for the page's entries only. The budget stays on the scan, so that it reads
 * at most `budget` entries, whatever the filters match.
 */
export function walkedOfferings(db: Knex, query: SqlQuery, budget: number, { texts = true } = {}): Knex.QueryBuilder {
  const table = OFFERING_TABLES[query.kind].items;
  const inIndex = indexedColumns(query.sort);
  const columns = [...inIndex, 'search_lexemes'];
  const entries = () => afterCursor(db(table).select(columns), query);
  return withRowsOfEntries(db, query, withItemsReadApart(db, sortRange(db, query, columns, budget), entries, query), inIndex, { texts });
}

/**
 * The columns of an item's row that a page read whole (a range, a collect) reads for the page's
 * own rows only (see `withTextsOfPage`): the texts, by far the widest, which every match would
 * otherwise carry through the sort.
 */
const TEXT_COLUMNS: readonly string[] = ['title', 'description'];

/** Every column of an item's row but its texts. */
export const COLUMNS_BUT_TEXTS = OFFERING_COLUMNS.filter((column) => !TEXT_COLUMNS.includes(column));

/**
 * Index entries (a FROM item named after the table, holding `inIndex` and the lexemes) with
 * every filter tested on them, and the rest of each match's row read through the primary key
 * (`texts` false: without the texts, and not at all where the entries hold the rest).
 */
function withRowsOfEntries(db: Knex, query: SqlFilter, entries: Knex.QueryBuilder | Knex.Raw, inIndex: readonly string[], { texts = true } = {}): Knex.QueryBuilder {
  const table = OFFERING_TABLES[query.kind].items;
  const restColumns = (texts ? OFFERING_COLUMNS : COLUMNS_BUT_TEXTS).filter((column) => !inIndex.includes(column));
  // The LIMIT (an id finds one row anyway) keeps the subquery a lookup per entry that passed
  // the filters, in the entries' order: joined instead, it could be planned as a hash join.
  const rest = db({ item: table }).select(restColumns).whereRaw('item.id = ??', [`${table}.id`]).limit(1, { skipBinding: true });
  const withRest = restColumns.length === 0 ? db.from(entries) : db.from(entries).crossJoin(db.raw('LATERAL (?) AS item_rest', [rest]));
  const source = withoutSearch(withRest, query);
  if (!hasSearchTerms(query.words)) return source;
  // An item whose lexemes are too many for an index entry has none there: its words are tested
  // on its table row.
  const onEntry = searchCondition('search_lexemes', query.words, query.completions);
  const onRow = searchCondition('own.search_vector', query.words, query.completions);
  return source.whereRaw(`COALESCE(${onEntry.sql}, (SELECT ${onRow.sql} FROM ?? AS own WHERE own.id = ??))`, [...onEntry.bindings, ...onRow.bindings, table, `${table}.id`]);
}

/**
 * The count of the entries a walk of `budget` reads, counting one more where there is one: at
 * most `budget` means the walk read to the end of the sort's index (or of the range of it that
 * the filters allow), so what it found is every match after its cursor. Only the index's keys are
 * read (an index-only scan), and no filter is tested.
 */
export function walkableEntries(db: Knex, query: SqlQuery, budget: number): Knex.QueryBuilder {
  return db.from(sortRange(db, query, readingOrder(query).columns, budget + 1).as('entries')).count({ n: '*' });
}

/** Every entry of the range of the sort's index that the filters name (see `sortRangeBounds`), for estimates. */
export function sortRangeEntries(db: Knex, query: SqlQuery): Knex.QueryBuilder {
  return sortRange(db, query, ['id']);
}

/**
 * The entries of the sort's index that a walk reads, from the cursor on, in the range the filters
 * allow on the sort's first column (see `sortRangeBounds`): with `columns`, and where a
 * `budget` is given, the first `budget` of them in the page's order; without one, in no order
 * (for estimates). A walk for items open now reads only the entries of their window where a
 * copy of the index holds them (see `SqlFilter.openWindow`); a walk by creation for items closed
 * reads two indexes, one after the other in the page's order (see `splitsAtShortLives`).
 */
function sortRange(db: Knex, query: SqlQuery, columns: readonly string[], budget?: number): Knex.QueryBuilder {
  const table = OFFERING_TABLES[query.kind].items;
  const ordered = (range: Knex.QueryBuilder) => (budget === undefined ? range : range.orderByRaw(readingOrder(query).sql).limit(budget));
  const estimated = { forEstimate: budget === undefined };
  // A window is named only by a read of the index it copies: a range read for the same page
  // (by price, by start) reads its own index whole.
  if (query.openWindow && query.openWindow.sortIndex === windowedIndexOf(query.sort)) {
    return ordered(withinRange(db(table).select(columns).whereRaw(windowCondition(query.openWindow)), query, sortRangeBounds(query), estimated));
  }
  if (!splitsAtShortLives(query)) return ordered(withinRange(db(table).select(columns), query, sortRangeBounds(query), estimated));
  const latest: ColumnBound = { op: '<=', sql: '?::timestamptz', bindings: [query.creationBound.latestCreated] };
  const shortLifeAgo = { sql: `?::timestamptz - ${SHORT_LIFE}`, bindings: [query.now] };
  const shortLived = withinRange(db(table).select(columns), query, [latest, { op: '>', ...shortLifeAgo }], estimated).whereRaw(`end_at - created_at < ${SHORT_LIFE}`);
  const older = withinRange(db(table).select(columns), query, [{ op: '<=', sql: `LEAST(${latest.sql}, ${shortLifeAgo.sql})`, bindings: [...latest.bindings, ...shortLifeAgo.bindings] }], estimated);
  // Each part in order within the budget, merged in order (a Merge Append) within it again.
  return ordered(db.select('*').from(db.raw('((?) UNION ALL (?)) AS ??', [ordered(shortLived), ordered(older), table])));
}

/** A bound of a range on a column: `column op value`, the value as SQL with its bindings. */
interface ColumnBound {
  readonly op: '<' | '<=' | '>' | '>=';
  readonly sql: string;
  readonly bindings: readonly Knex.Value[];
}

/**
 * The entries within `bounds` on the sort's first column, from the query's cursor on. Where the
 * reading starts from one of the bounds, the index is entered at the later of the cursor and that
 * bound, as one row comparison: given both, PostgreSQL enters at the cursor, and passes every
 * entry between it and a bound beyond it (a cursor at an item read apart from the range, or one
 * taken from a list of other filters). For an estimate (`forEstimate`), the bounds and the cursor's
 * first value are comparisons of the first column instead, which PostgreSQL weighs together as
 * one range: it cannot weigh that row comparison's CASE expressions (it takes a third of the
 * table), and weighs any row comparison apart from the bounds, as if independent of them.
 */
function withinRange(entries: Knex.QueryBuilder, query: CatalogueQuery, bounds: readonly ColumnBound[], { forEstimate = false } = {}): Knex.QueryBuilder {
  const { columns, direction } = readingOrder(query);
  const ascending = direction === 'asc';
  const { after } = query;
  const start = after && !forEstimate ? bounds.find((bound) => bound.op.startsWith('>') === ascending) : undefined;
  for (const bound of bounds) if (bound !== start) entries.whereRaw(`${columns[0]} ${bound.op} ${bound.sql}`, [...bound.bindings]);
  if (!after) return entries;
  const comparison = ascending ? '>' : '<';
  if (forEstimate) return entries.whereRaw(`${columns[0]} ${comparison} ${cursorParameters(query.sort)[0]}`, [after.values[0]]);
  if (!start) return afterCursor(entries, query);
  const keys: ReadonlyArray<SortKeyType | 'id'> = [...sortColumns(query.sort).map((key) => key.type), 'id'];
  const cursor = { row: cursorParameters(query.sort), bindings: [...after.values, after.id] };
  // The bound as a row: its value, then the values before or after every other (an inclusive
  // lower bound enters before every entry of its value, an exclusive one after them all).
  const afterAllOfIt = (start.op.length === 1) === ascending;
  const bound = { row: [start.sql, ...keys.slice(1).map((type) => EXTREME_KEYS[type][afterAllOfIt ? 1 : 0])], bindings: start.bindings };
  const cursorFirst = { sql: `(${cursor.row.join(', ')}) ${comparison} (${bound.row.join(', ')})`, bindings: [...cursor.bindings, ...bound.bindings] };
  const entered = keys.map((_, i) => ({
    sql: `CASE WHEN ${cursorFirst.sql} THEN ${cursor.row[i]} ELSE ${bound.row[i]} END`,
    bindings: [...cursorFirst.bindings, cursor.bindings[i], ...(i === 0 ? bound.bindings : [])],
  }));
  return entries.whereRaw(`(${columns.join(', ')}) ${comparison} (${entered.map((key) => key.sql).join(', ')})`, entered.flatMap((key) => key.bindings));
}

/** The least and the greatest value of each type of key, for a row before or after every entry of one value. */
const EXTREME_KEYS: Readonly<Record<SortKeyType | 'id', readonly [string, string]>> = {
  timestamp: [`'-infinity'::timestamptz`, `'infinity'::timestamptz`],
  numeric: [`'-Infinity'::numeric`, `'Infinity'::numeric`],
  integer: ['-2147483648', '2147483647'],
  id: ['0', '9223372036854775807'],
};

/**
 * How long short-lived items live at most, from their creation to their end: the condition of the
 * partial index of them by creation, written as that index's condition is, so that PostgreSQL
 * sees a query's condition within it.
 */
const SHORT_LIFE = `interval '30 days'`;

/**
 * Whether a walk by creation for items closed reads the items created within `SHORT_LIFE` of now
 * from the index of short-lived items, and the created index only before that. An item closed
 * ended before now, so one created since then lived less than `SHORT_LIFE`: it is in that index,
 * among few others, where in the created index it lies among every item created since, few of
 * which have closed yet. The range starts at the creation bound (see `CreationBound`).
 */
const splitsAtShortLives = (query: SqlQuery): query is SqlQuery & { creationBound: CreationBound } =>
  SORT_DEFINITIONS[query.sort].keys[0].field === 'createdAt' && entersAtCreationBound(query);

/** Whether the filters name a range of the sort's index for a walk to read (see `sortRangeBounds`). */
export function narrowsSortRange(query: SqlQuery): boolean {
  const [first] = SORT_DEFINITIONS[query.sort].keys;
  if (first.field === 'startAt') return query.status !== undefined;
  if (first.field === 'price') return Boolean(query.priceMin || query.priceMax);
  if (first.field === 'registrationCount') return entersAtNoRegistrations(query);
  if (first.field === 'createdAt') return entersAtCreationBound(query);
  return false;
}

/**
 * The items a walk reads by id that come after its range in the page's order (see
 * `itemsReadApart`): they are where the walk puts them only if it read to the end of the range.
 */
export function readApartAfterRange(query: SqlQuery): readonly string[] {
  const apart = itemsReadApart(query);
  return apart && !apart.first ? apart.ids : [];
}

/** Whether a walk reads the item by id, apart from the entries of its range (see below). */
export function walkReadsApart(query: SqlQuery, id: number | string): boolean {
  return (itemsReadApart(query)?.ids ?? []).includes(String(id));
}

/**
 * Whether a walk by popularity reads the upcoming items with registrations apart and the sort's
 * index from where the counts are 0 (see `withStatusBounds`).
 */
const entersAtNoRegistrations = (query: SqlQuery): query is SqlQuery & { registeredUpcoming: readonly string[] } =>
  query.status === 'upcoming' && Array.isArray(query.registeredUpcoming);

/** Whether a walk by creation for items closed enters its index at their creation bound. */
const entersAtCreationBound = (query: SqlQuery): query is SqlQuery & { creationBound: CreationBound } =>
  query.status === 'closed' && query.creationBound !== undefined;

/**
 * The items a walk reads by id, apart from its range of the sort's index, and whether they come
 * before that range in the page's order:
 * - a walk by start enters its index at the status's bound; the items with the status beyond it
 *   (see `StartBounds`) start before every entry of that range (open now) or after them (closed);
 * - a walk by popularity for items upcoming enters its index where the counts are 0; the upcoming
 *   items with registrations come before every entry of that range;
 * - a walk by creation for items closed enters its index at their creation bound; the items closed
 *   created after it come before every entry of that range.
 */
function itemsReadApart(query: SqlQuery): { readonly ids: readonly string[]; readonly first: boolean; readonly registered: boolean } | null {
  const [key] = SORT_DEFINITIONS[query.sort].keys;
  const ascending = readingOrder(query).direction === 'asc';
  if (key.field === 'startAt' && query.startBounds?.beyond.length) {
    return { ids: query.startBounds.beyond, first: (query.status === 'available') === ascending, registered: false };
  }
  if (key.field === 'registrationCount' && entersAtNoRegistrations(query) && query.registeredUpcoming.length > 0) {
    return { ids: query.registeredUpcoming, first: !ascending, registered: true };
  }
  if (key.field === 'createdAt' && entersAtCreationBound(query) && query.creationBound.beyond.length > 0) {
    return { ids: query.creationBound.beyond, first: !ascending, registered: false };
  }
  return null;
}

/**
 * The walk's entries as a FROM item named after the table, with the items it reads apart (see
 * `itemsReadApart`) put before or after them, in the page's order. An item named as registered
 * is read only while it still is: one whose last registration was cancelled since is among the
 * entries of no registrations, and must not be read twice.
 */
function withItemsReadApart(db: Knex, walked: Knex.QueryBuilder, entries: () => Knex.QueryBuilder, query: SqlQuery): Knex.QueryBuilder | Knex.Raw {
  const table = OFFERING_TABLES[query.kind].items;
  const apart = itemsReadApart(query);
  if (!apart) return walked.as(table);
  const items = entries().whereRaw('id = ANY(?::bigint[])', [[...apart.ids]]);
  if (apart.registered) items.where('registration_count', '>', 0);
  items.orderByRaw(readingOrder(query).sql);
  const [one, other] = apart.first ? [items, walked] : [walked, items];
  return db.raw('((?) UNION ALL (?)) AS ??', [one, other, table]);
}

/**
 * The index a `range` reads: the price index over the price bounds, the start index over the
 * starts the status allows (see `withStartRange`), the end index over the ends it allows
 * (before now for items closed, which are then every entry of the range), or the postings' index
 * over the postings of the filter's `posted` lexemes.
 */
export type RangeIndex = 'price' | 'start' | 'end' | 'postings';

const RANGE_SORTS: Readonly<Record<Exclude<RangeIndex, 'end' | 'postings'>, OfferingSort>> = { price: 'price_asc', start: 'start_at' };

/** What the end index holds of each item besides its lexemes. */
const END_INDEX_COLUMNS = ['end_at', 'id', 'start_at', 'price'];

/**
 * The rows of a `range`, without their texts (see `withTextsOfPage`): every entry of the filter's
 * range in its index (which carries the window, the price and the lexemes, so every filter is
 * tested on the entries alone; for the start index, with the items beyond the status's bound read
 * by id), the rest of each match's row read through the primary key where the entries lack a
 * column, then the cursor. The page's order is the caller's to set.
 */
export function rangedOfferings(db: Knex, query: SqlQuery, index: RangeIndex = 'price'): Knex.QueryBuilder {
  if (index === 'end') return afterCursor(withRowsOfEntries(db, query, endRangeEntries(db, query), END_INDEX_COLUMNS, { texts: false }), query);
  if (index === 'postings') return afterCursor(postedMatches(db, query), query);
  const inRangeOrder: SqlQuery = { ...query, sort: RANGE_SORTS[index], after: undefined, offset: undefined };
  return afterCursor(walkedOfferings(db, inRangeOrder, WHOLE_RANGE, { texts: false }), query);
}

/**
 * The entries of the end index that the status allows, in its order (which keeps the read an
 * index-only scan of the range, as a walk's): an item closed ended before now, any other ends
 * after now, and without a status every entry is read.
 */
function endRangeEntries(db: Knex, filter: SqlFilter): Knex.QueryBuilder {
  const table = OFFERING_TABLES[filter.kind].items;
  const entries = db(table).select([...END_INDEX_COLUMNS, 'search_lexemes']);
  if (filter.status === 'closed') entries.where('end_at', '<', filter.now);
  else if (filter.status) entries.where('end_at', '>=', filter.now);
  return entries.orderByRaw('end_at, id').limit(WHOLE_RANGE).as(table);
}

/**
 * Every match of the filter from the postings of its `posted` lexemes, which hold every column of
 * an item but its texts (see `SearchPostings`): every filter tested on the entries (the words on
 * the table row of an item whose lexemes the entry lacks), no other row read.
 */
export function postedMatches(db: Knex, filter: SqlFilter): Knex.QueryBuilder {
  return withRowsOfEntries(db, filter, postedEntries(db, filter), COLUMNS_BUT_TEXTS, { texts: false });
}

/** The postings of the filter's `posted` lexemes as entries named after the table, each item once. */
function postedEntries(db: Knex, filter: SqlFilter): Knex.QueryBuilder {
  const lexemes = filter.posted;
  if (!lexemes?.length) throw new Error('a read of postings needs the lexemes whose postings hold every match');
  const entries = db('search_postings')
    .select(db.raw('item_id AS id'), ...COLUMNS_BUT_TEXTS.filter((column) => column !== 'id'), 'search_lexemes')
    .where('catalogue', OFFERING_TABLES[filter.kind].items)
    .whereRaw('lexeme = ANY(?::text[])', [[...lexemes]]);
  // An item holding two of the lexemes (a word and a longer one it starts) has a posting of each.
  if (lexemes.length > 1) entries.distinctOn('item_id').orderBy('item_id');
  return entries.as(OFFERING_TABLES[filter.kind].items);
}

/** The entries of the start index that a `range` by start reads for the filter (for estimates). */
export function startRangeOfferings(db: Knex, filter: SqlFilter): Knex.QueryBuilder {
  return withStartRange(db(OFFERING_TABLES[filter.kind].items), filter, { beyondBound: false });
}

/** A walk's budget that no range reaches: the LIMIT of a range read whole. */
const WHOLE_RANGE = Number.MAX_SAFE_INTEGER;

/** What a sort's index holds of each item besides its lexemes: the keys, the window, the price. */
function indexedColumns(sort: OfferingSort): string[] {
  return [...new Set([...sortColumns(sort).map((key) => key.column), 'id', 'start_at', 'end_at', 'price'])];
}

/**
 * Which filters the bitmap of a gathering takes from their own indexes, ANDed with the full-text
 * index; the others are tested on the rows gathered. A range index pays for itself only when it
 * spares more table rows than it has entries to read: a status's range holds half the table, so
 * ANDing it with a rare word's bitmap costs far more than testing the word's rows.
 */
export interface BitmapRanges {
  readonly status: boolean;
  readonly price: boolean;
}

export const EVERY_RANGE: BitmapRanges = { status: true, price: true };

/**
 * Every match of the filter, gathered through the indexes first (a materialized CTE named after
 * the table, so that the planner cannot walk a sort index instead): the words' full-text bitmap
 * and the bitmaps of the ranges in `ranges`, then the other ranges tested on the rows gathered.
 * `columns` must include those the tested ranges read.
 */
export function gatheredMatches(db: Knex, filter: SqlFilter, columns: readonly string[], ranges: BitmapRanges = EVERY_RANGE): Knex.QueryBuilder {
  const table = OFFERING_TABLES[filter.kind].items;
  const base: SqlFilter = { kind: filter.kind, words: [], now: filter.now };
  const words: Partial<SqlFilter> = { words: filter.words, completions: filter.completions };
  const status: Partial<SqlFilter> = { status: filter.status, startBounds: filter.startBounds };
  const price: Partial<SqlFilter> = { priceMin: filter.priceMin, priceMax: filter.priceMax };
  const inBitmap: SqlFilter = { ...base, ...words, ...(ranges.status ? status : {}), ...(ranges.price ? price : {}) };
  const tested: SqlFilter = { ...base, ...(ranges.status ? {} : status), ...(ranges.price ? {} : price) };
  const matches = filteredOfferings(db, inBitmap).select(columns);
  return withoutSearch(db.queryBuilder().withMaterialized('matches', matches).from({ [table]: 'matches' }), tested);
}

/** The rows of a `collect`, without their texts (see `withTextsOfPage`): every match (see `gatheredMatches`), then the cursor. */
export function collectedOfferings(db: Knex, query: SqlQuery, ranges: BitmapRanges = EVERY_RANGE): Knex.QueryBuilder {
  return afterCursor(gatheredMatches(db, query, COLUMNS_BUT_TEXTS, ranges), query);
}

/**
 * A page of rows without their texts (a range's, a collect's, sorted and cut to the page: a FROM
 * item of its own) with the texts of its rows read through the primary key, in the page's order.
 * Every match of a range or a collect is sorted before the page is known; carried through that
 * sort, the texts of every match cost more than the rest of their rows.
 */
export function withTextsOfPage(db: Knex, page: Knex.QueryBuilder, query: CatalogueQuery): Knex.QueryBuilder {
  const table = OFFERING_TABLES[query.kind].items;
  const texts = db({ item: table }).select(TEXT_COLUMNS).whereRaw('item.id = ??', [`${table}.id`]).limit(1, { skipBinding: true });
  return db.from(page.as(table)).crossJoin(db.raw('LATERAL (?) AS item_texts', [texts])).select('*').orderByRaw(readingOrder(query).sql);
}

/**
 * Whether the filter's best plan depends on the values bound (search words, range filters), so
 * that the query must be planned for each request rather than prepared once.
 */
export const planDependsOnValues = (filter: CatalogueFilter): boolean =>
  Boolean(hasSearchTerms(filter.words) || filter.status || filter.priceMin || filter.priceMax);

/** Every filter but the search words, over a block sample of `percent` of the kind's table. */
export function sampledOfferings(db: Knex, filter: SqlFilter, percent: number): Knex.QueryBuilder {
  const table = OFFERING_TABLES[filter.kind].items;
  return withoutSearch(db.from(db.raw(`?? TABLESAMPLE SYSTEM (${percent.toFixed(4)})`, [table])), filter);
}

/**
 * A row comparison in index order: the index is entered at the cursor, whatever the depth. For a
 * prepared read (`prepared`), the cursor's values are hidden from the planner: planned with them,
 * a page past a cursor always looked cheaper than the generic plan.
 */
export function afterCursor(query: Knex.QueryBuilder, catalogueQuery: CatalogueQuery, { prepared = false } = {}): Knex.QueryBuilder {
  const { after } = catalogueQuery;
  if (!after) return query;
  const { columns, direction } = readingOrder(catalogueQuery);
  const parameters = cursorParameters(catalogueQuery.sort);
  const placeholders = prepared ? parameters.map(hiddenPlaceholder) : parameters;
  return query.whereRaw(`(${columns.join(', ')}) ${direction === 'desc' ? '<' : '>'} (${placeholders.join(', ')})`, [...after.values, after.id]);
}

/**
 * The filters as bounds on the sort's first column, where they imply one: the index is entered
 * and left at these bounds, so a walk spends its budget on rows that can match.
 */
function sortRangeBounds(query: SqlQuery): ColumnBound[] {
  const [first] = SORT_DEFINITIONS[query.sort].keys;
  if (first.field === 'startAt') return startBoundsOf(query);
  if (first.field === 'price') return priceBoundsOf(query);
  // A range rather than `= 0`: of a column held equal, PostgreSQL drops the order of the
  // subquery's rows, and would read the whole budget and sort it for the page.
  if (first.field === 'registrationCount' && entersAtNoRegistrations(query)) return [{ op: '<', sql: '1', bindings: [] }];
  return [];
}

function withSearch(query: Knex.QueryBuilder, filter: SqlFilter): Knex.QueryBuilder {
  if (!hasSearchTerms(filter.words)) return query;
  const condition = searchCondition('search_vector', filter.words, filter.completions);
  return query.whereRaw(condition.sql, [...condition.bindings]);
}

/** Every filter but the search words. */
function withoutSearch(query: Knex.QueryBuilder, filter: SqlFilter): Knex.QueryBuilder {
  if (filter.status === 'available') query.where('end_at', '>=', filter.now);
  if (filter.status === 'closed') query.where('end_at', '<', filter.now);
  return withPriceRange(withStartRange(query, filter), filter);
}

/**
 * What the status says of `start_at`: its bound, or one of the items beyond it (`beyondBound`
 * false leaves them out, for the range of an index alone).
 */
function withStartRange(query: Knex.QueryBuilder, filter: SqlFilter, { beyondBound = true } = {}): Knex.QueryBuilder {
  const bounds = startBoundsOf(filter);
  // The items beyond are beyond the status's own bound, the last.
  const beyond = beyondBound ? (filter.startBounds?.beyond ?? []) : [];
  bounds.forEach((bound, i) => {
    const orBeyond = beyond.length > 0 && i === bounds.length - 1;
    query.whereRaw(`(start_at ${bound.op} ${bound.sql}${orBeyond ? ' OR id = ANY(?::bigint[])' : ''})`, [...bound.bindings, ...(orBeyond ? [[...beyond]] : [])]);
  });
  return query;
}

/**
 * The bounds the status puts on `start_at`, without the items beyond them: after now for items
 * upcoming; for those open now, up to now and from the status's bound; for those closed, before
 * their bound (or now).
 */
function startBoundsOf({ status, now, startBounds }: SqlFilter): ColumnBound[] {
  const at = (op: ColumnBound['op'], instant: Date | string): ColumnBound => ({ op, sql: '?::timestamptz', bindings: [instant] });
  if (status === 'upcoming') return [at('>', now)];
  if (status === 'available') return [at('<=', now), ...(startBounds?.earliestOpen ? [at('>=', startBounds.earliestOpen)] : [])];
  if (status === 'closed') return [at('<', startBounds?.latestClosed ?? now)];
  return [];
}

function withPriceRange(query: Knex.QueryBuilder, filter: SqlFilter): Knex.QueryBuilder {
  for (const bound of priceBoundsOf(filter)) query.whereRaw(`price ${bound.op} ${bound.sql}`, [...bound.bindings]);
  return query;
}

function priceBoundsOf({ priceMin, priceMax }: CatalogueFilter): ColumnBound[] {
  const bounds: ColumnBound[] = [];
  if (priceMin) bounds.push({ op: '>=', sql: '?::numeric', bindings: [priceMin.toString()] });
  if (priceMax) bounds.push({ op: '<=', sql: '?::numeric', bindings: [priceMax.toString()] });
  return bounds;
}
