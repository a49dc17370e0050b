import { inject, injectable } from 'inversify';
import { PageNotFound, PageTooDeep } from '../../../domain/errors';
import {
  type CatalogueCount,
  type CatalogueFilter,
  type CatalogueSlice,
  type CursorPosition,
  OFFERING_CATALOGUE,
  type OfferingCatalogue,
  type OfferingSort,
} from '../../ports/offering-catalogue';
import type { ListedOffering } from '../../catalogue/listed-offering';
import { REGISTRATION_LOOKUP, type RegistrationLookup } from '../../ports/registration-lookup';

export interface ListOfferingsQuery {
  readonly filter: CatalogueFilter;
  readonly sort: OfferingSort;
  readonly pageSize: number;
  readonly userId: number;
  /** Page-number mode. */
  readonly page?: number;
  /** Keyset mode: `null` starts at the beginning. */
  readonly cursor?: CursorPosition | null;
}

export interface OfferingsPage {
  readonly count: CatalogueCount;
  readonly items: readonly ListedOffering[];
  readonly hasNext: boolean;
  readonly hasPrevious: boolean;
  /** Page-number mode: the next page reaches past the window, so it is to be read by cursor. */
  readonly nextByCursor: boolean;
}

export interface ListOfferingsPolicy {
  /** Page numbers reach this many results; deeper results are read with cursors. */
  readonly maxResultWindow: number;
}

export const LIST_OFFERINGS_POLICY = Symbol.for('ListOfferingsPolicy');

/** How far, in result windows, matches are counted to tell a page too deep from one past the end. */
const PROBED_WINDOWS = 2;

/** A page of tests or courses, by page number or by cursor, with the caller's registrations. */
@injectable()
export class ListOfferingsHandler {
  constructor(
    @inject(OFFERING_CATALOGUE) private readonly catalogue: OfferingCatalogue,
    @inject(REGISTRATION_LOOKUP) private readonly registrations: RegistrationLookup,
    @inject(LIST_OFFERINGS_POLICY) private readonly policy: ListOfferingsPolicy,
  ) {}

  async execute(query: ListOfferingsQuery): Promise<OfferingsPage> {
    const { filter, sort, pageSize } = query;
    const cursorMode = query.cursor !== undefined;
    const page = query.page ?? 1;
    const offset = (page - 1) * pageSize;
    if (!cursorMode && offset + pageSize > this.policy.maxResultWindow) {
      // Past the window, page numbers would cost a skip through every earlier result. A page past
      // the end is a 404, as always; one that exists is too deep.
      throw (await this.hasItemAt(filter, offset)) ? new PageTooDeep(this.policy.maxResultWindow) : new PageNotFound();
    }
    const slice = await this.catalogue.list({
      ...filter,
      sort,
      limit: pageSize,
      viewerId: query.userId,
      ...(cursorMode ? { after: query.cursor ?? undefined } : { offset }),
    });
    if (!cursorMode && page > 1 && slice.items.length === 0) throw new PageNotFound();
    // Reading the page may have counted the matches on the way, or reached the last of them from
    // a known position, and looked up the caller's registrations among them; what it did not is
    // done now, the two together.
    const [count, registered] = await Promise.all([
      slice.total !== undefined ? { value: slice.total, estimated: false } : (countedByPage(slice, cursorMode ? query.cursor : undefined, offset) ?? this.catalogue.count(filter)),
      slice.registered ?? this.registrations.activeAmong(filter.kind, query.userId, slice.items.map((item) => item.id)),
    ]);
    const readingBack = query.cursor?.direction === 'previous';
    return {
      count,
      // Not a spread: on a page of items V8 copies with Object.assign several times faster.
      items: slice.items.map((item) => Object.assign({}, item, { isRegistered: registered.has(item.id) })),
      hasNext: readingBack ? true : slice.more,
      hasPrevious: cursorMode ? (readingBack ? slice.more : Boolean(query.cursor)) : page > 1,
      nextByCursor: !cursorMode && slice.more && offset + 2 * pageSize > this.policy.maxResultWindow,
    };
  }

  /**
   * Whether the list has an item at `position` (from 0): told by the count where it is exact;
   * else by counting the matches up to there, since an estimate may be far off either way, but
   * no further than `PROBED_WINDOWS` windows. Further than that, in a list that reaches that far,
   * nothing short of counting every match proves the page past the end: it is taken as too deep,
   * which sends the client on by cursor, where the list's end shows, unless the kind has fewer
   * items than the position in all. A 404 is only ever said of a page that is past the end.
   */
  private async hasItemAt(filter: CatalogueFilter, position: number): Promise<boolean> {
    const count = await this.catalogue.count(filter);
    if (!count.estimated) return position < count.value;
    const reach = Math.min(position, PROBED_WINDOWS * this.policy.maxResultWindow) + 1;
    const counted = await this.catalogue.countUpTo(filter, reach);
    // Not counted in time: not proven past the end either.
    if (counted === null) return position < (await this.catalogue.mostItems(filter.kind));
    if (counted < reach) return position < counted;
    if (reach > position) return true;
    return position < (await this.catalogue.mostItems(filter.kind));
  }
}

/**
 * The count a page tells by itself: one read by page number (or the first by cursor) that ends
 * the list has every match before it, so the count is its position plus its items.
 */
function countedByPage(slice: CatalogueSlice, cursor: CursorPosition | null | undefined, offset: number): CatalogueCount | null {
  if (slice.more || cursor) return null;
  return { value: offset + slice.items.length, estimated: false };
}
