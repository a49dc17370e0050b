import type { AvailabilityStatus } from '../../domain/availability-window';
import type { Money } from '../../domain/money';
import type { OfferingKind } from '../../domain/offering-kind';
import type { OfferingFields } from './offering-fields';

export type OfferingSort = 'created' | 'popular' | 'price_asc' | 'price_desc' | 'start_at';

export const OFFERING_SORTS: readonly OfferingSort[] = ['created', 'popular', 'price_asc', 'price_desc', 'start_at'];

export type SortField = 'createdAt' | 'registrationCount' | 'price' | 'startAt';
export type SortKeyType = 'timestamp' | 'numeric' | 'integer';

export interface SortDefinition {
  readonly direction: 'asc' | 'desc';
  /** The keys before the final `id` tiebreaker; every key of a sort shares its direction. */
  readonly keys: ReadonlyArray<{ readonly field: SortField; readonly type: SortKeyType }>;
}

/** What each sort means. Every sort ends with `id`, so that paging is deterministic. */
export const SORT_DEFINITIONS: Readonly<Record<OfferingSort, SortDefinition>> = {
  created: { direction: 'desc', keys: [{ field: 'createdAt', type: 'timestamp' }] },
  popular: {
    direction: 'desc',
    keys: [
      { field: 'registrationCount', type: 'integer' },
      { field: 'createdAt', type: 'timestamp' },
    ],
  },
  price_asc: { direction: 'asc', keys: [{ field: 'price', type: 'numeric' }] },
  price_desc: { direction: 'desc', keys: [{ field: 'price', type: 'numeric' }] },
  start_at: { direction: 'asc', keys: [{ field: 'startAt', type: 'timestamp' }] },
};

/** Where a keyset page starts: the sort values and id of an item, and which way to read. */
export interface CursorPosition {
  readonly sort: OfferingSort;
  readonly values: readonly string[];
  readonly id: number;
  readonly direction: 'next' | 'previous';
}

export interface CatalogueFilter {
  readonly kind: OfferingKind;
  readonly status?: AvailabilityStatus;
  /** Words that must all match the title or description; the last also as a prefix. */
  readonly words: readonly string[];
  readonly priceMin?: Money;
  readonly priceMax?: Money;
  /** The instant `status` is evaluated at. */
  readonly now: Date;
}

export interface CatalogueQuery extends CatalogueFilter {
  readonly sort: OfferingSort;
  readonly limit: number;
  /** Page-number mode: items to skip. */
  readonly offset?: number;
  /** Keyset mode: where to start (absent for the first page). */
  readonly after?: CursorPosition;
  /**
   * The user reading the list. A read that can tell on the way which of its items they hold an
   * active registration for says so (`CatalogueSlice.registered`); others leave it to the caller.
   */
  readonly viewerId?: number;
}

export interface CatalogueItem extends OfferingFields {
  /** This item's position, for cursors. */
  readonly position: { readonly values: readonly string[]; readonly id: number };
}

/**
 * One item read on its own, with the version its changes are made against, as a reader sees it:
 * with whether they hold an active registration for it.
 */
export interface CatalogueDetail extends CatalogueItem {
  readonly version: number;
  readonly isRegistered: boolean;
}

export interface CatalogueCount {
  readonly value: number;
  /** True when the set is too large to count on every request and `value` is an estimate. */
  readonly estimated: boolean;
}

export interface CatalogueSlice {
  /** In the requested sort order, whichever way the page was read. */
  readonly items: readonly CatalogueItem[];
  /** More items lie beyond this slice in the reading direction. */
  readonly more: boolean;
  /** How many items match the filter, when reading the slice established it exactly. */
  readonly total?: number;
  /** The items the viewer holds an active registration for, by id, when the read looked them up. */
  readonly registered?: ReadonlySet<number>;
}

/** The catalogue's read side: lists and details of tests and courses. */
export interface OfferingCatalogue {
  list(query: CatalogueQuery): Promise<CatalogueSlice>;
  count(filter: CatalogueFilter): Promise<CatalogueCount>;
  /** The matches counted exactly, stopping at `limit`; null where that could not be done in time. */
  countUpTo(filter: CatalogueFilter, limit: number): Promise<number | null>;
  /** A number of items no list of the kind exceeds, found without counting them. */
  mostItems(kind: OfferingKind): Promise<number>;
  /** One item as the viewer (a user) sees it. */
  get(kind: OfferingKind, id: number, viewerId: number): Promise<CatalogueDetail | null>;
  /**
   * Items of the kind were created, changed, closed or deleted: counts kept of its lists are
   * counted again when next asked for, in every process (in others after at most a few seconds).
   */
  forgetCounts(kind: OfferingKind): Promise<void>;
  /**
   * The search index took in changes of the kind's items: where the lists are read from that
   * index, counts made from it before are counted again, as after `forgetCounts`.
   */
  indexCaughtUp(kind: OfferingKind): Promise<void>;
}

export const OFFERING_CATALOGUE = Symbol.for('OfferingCatalogue');
