import { inject, injectable } from 'inversify';
import { PageNotFound } from '../../../domain/errors';
import {
  type CatalogueCount,
  type CatalogueFilter,
  type CatalogueItem,
  type CursorPosition,
  OFFERING_CATALOGUE,
  type OfferingCatalogue,
  type OfferingSort,
} from '../../ports/offering-catalogue';
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

export interface ListedOffering extends CatalogueItem {
  readonly isRegistered: boolean;
}

export interface OfferingsPage {
  readonly count: CatalogueCount;
  readonly items: readonly ListedOffering[];
  readonly hasNext: boolean;
  readonly hasPrevious: boolean;
}

/** A page of tests or courses, by page number or by cursor, with the caller's registrations. */
@injectable()
export class ListOfferingsHandler {
  constructor(
    @inject(OFFERING_CATALOGUE) private readonly catalogue: OfferingCatalogue,
    @inject(REGISTRATION_LOOKUP) private readonly registrations: RegistrationLookup,
  ) {}

  async execute(query: ListOfferingsQuery): Promise<OfferingsPage> {
    const { filter, sort, pageSize } = query;
    const cursorMode = query.cursor !== undefined;
    const page = query.page ?? 1;
    const [slice, count] = await Promise.all([
      this.catalogue.list({
        ...filter,
        sort,
        limit: pageSize,
        ...(cursorMode ? { after: query.cursor ?? undefined } : { offset: (page - 1) * pageSize }),
      }),
      this.catalogue.count(filter),
    ]);
    if (!cursorMode && page > 1 && slice.items.length === 0) throw new PageNotFound();

    const registered = await this.registrations.activeAmong(filter.kind, query.userId, slice.items.map((item) => item.id));
    const readingBack = query.cursor?.direction === 'previous';
    return {
      count,
      items: slice.items.map((item) => ({ ...item, isRegistered: registered.has(item.id) })),
      hasNext: readingBack ? true : slice.more,
      hasPrevious: cursorMode ? (readingBack ? slice.more : Boolean(query.cursor)) : page > 1,
    };
  }
}
