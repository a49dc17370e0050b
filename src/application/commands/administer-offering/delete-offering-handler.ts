import { inject, injectable } from 'inversify';
import { ItemHasRegistrations } from '../../../domain/errors';
import type { OfferingKind } from '../../../domain/offering-kind';
import { CLOCK, type Clock } from '../../ports/clock';
import { EVENT_RECORDER, type EventRecorder } from '../../ports/event-recorder';
import { OFFERING_CATALOGUE, type OfferingCatalogue } from '../../ports/offering-catalogue';
import { SEARCH_SYNC_TRIGGER, type SearchSyncTrigger } from '../../ports/search-sync-trigger';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work';
import { type ExpectedVersions, announceChange, audited, itemToChange, recordChange } from './offering-change';

export interface DeleteOfferingCommand {
  readonly staffUserId: number;
  readonly kind: OfferingKind;
  readonly id: number;
  readonly expectedVersions: ExpectedVersions;
}

/**
 * Removes an item that nobody ever registered or paid for (a mistake, say); an item with any
 * payment, whatever its outcome, stays and can be closed instead. A registration deciding on the
 * item at this moment holds it, so it either finishes first (and the item stays) or finds it gone.
 */
@injectable()
export class DeleteOfferingHandler {
  constructor(
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(SEARCH_SYNC_TRIGGER) private readonly searchSync: SearchSyncTrigger,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENT_RECORDER) private readonly events: EventRecorder,
    @inject(OFFERING_CATALOGUE) private readonly catalogue: OfferingCatalogue,
  ) {}

  async execute({ staffUserId, kind, id, expectedVersions }: DeleteOfferingCommand): Promise<void> {
    await this.unitOfWork.run(async (repositories) => {
      const item = await itemToChange(repositories.offerings, kind, id, expectedVersions);
      if (await repositories.payments.existForItem(kind, id)) throw new ItemHasRegistrations();
      await repositories.offerings.delete(kind, id);
      await recordChange(repositories, { staffUserId, action: 'delete', kind, itemId: id, before: audited(item.details), after: null, at: this.clock.now() });
    });
    await announceChange({ events: this.events, searchSync: this.searchSync, catalogue: this.catalogue }, { staffUserId, action: 'delete', kind, itemId: id });
  }
}
