import { inject, injectable } from 'inversify';
import { NotFound } from '../../../domain/errors';
import type { OfferingKind } from '../../../domain/offering-kind';
import { type CatalogueDetail, OFFERING_CATALOGUE, type OfferingCatalogue } from '../../ports/offering-catalogue';

export interface GetOfferingQuery {
  readonly kind: OfferingKind;
  readonly id: number;
  readonly userId: number;
}

/** One item as its reader sees it, with the version a change must be made against. */
@injectable()
export class GetOfferingHandler {
  constructor(@inject(OFFERING_CATALOGUE) private readonly catalogue: OfferingCatalogue) {}

  async execute({ kind, id, userId }: GetOfferingQuery): Promise<CatalogueDetail> {
    const item = await this.catalogue.get(kind, id, userId);
    if (!item) throw new NotFound();
    return item;
  }
}
