import { inject, injectable } from 'inversify';
import { NotFound } from '../../../domain/errors';
import type { OfferingKind } from '../../../domain/offering-kind';
import { OFFERING_CATALOGUE, type OfferingCatalogue } from '../../ports/offering-catalogue';
import { REGISTRATION_LOOKUP, type RegistrationLookup } from '../../ports/registration-lookup';
import type { ListedOffering } from '../../catalogue/listed-offering';

/** One item as its reader sees it, with the version a change must be made against. */
export interface OfferingDetailView extends ListedOffering {
  readonly version: number;
}

export interface GetOfferingQuery {
  readonly kind: OfferingKind;
  readonly id: number;
  readonly userId: number;
}

@injectable()
export class GetOfferingHandler {
  constructor(
    @inject(OFFERING_CATALOGUE) private readonly catalogue: OfferingCatalogue,
    @inject(REGISTRATION_LOOKUP) private readonly registrations: RegistrationLookup,
  ) {}

  async execute({ kind, id, userId }: GetOfferingQuery): Promise<OfferingDetailView> {
    const [item, registered] = await Promise.all([this.catalogue.get(kind, id), this.registrations.activeAmong(kind, userId, [id])]);
    if (!item) throw new NotFound();
    return Object.assign(item, { isRegistered: registered.has(id) });
  }
}
