import { inject, injectable } from 'inversify';
import { changedFields, closedWindow } from '../../../domain/offering-details';
import type { OfferingKind } from '../../../domain/offering-kind';
import { CLOCK, type Clock } from '../../ports/clock';
import { EVENT_RECORDER, type EventRecorder } from '../../ports/event-recorder';
import { OFFERING_CATALOGUE, type OfferingCatalogue } from '../../ports/offering-catalogue';
import { SEARCH_SYNC_TRIGGER, type SearchSyncTrigger } from '../../ports/search-sync-trigger';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work';
import { type ChangedOffering, type ExpectedVersions, announceChange, audited, changedOffering, itemToChange, recordChange } from './offering-change';

export interface CloseOfferingCommand {
  readonly staffUserId: number;
  readonly kind: OfferingKind;
  readonly id: number;
  readonly expectedVersions: ExpectedVersions;
}

/**
 * Ends an item's sale now and keeps the item, its registrations and its payments. Registrations
 * deciding on the item at this moment finish first (they hold it); none start after. Closing an
 * item already closed changes nothing.
 */
@injectable()
export class CloseOfferingHandler {
  constructor(
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(SEARCH_SYNC_TRIGGER) private readonly searchSync: SearchSyncTrigger,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENT_RECORDER) private readonly events: EventRecorder,
    @inject(OFFERING_CATALOGUE) private readonly catalogue: OfferingCatalogue,
  ) {}

  async execute({ staffUserId, kind, id, expectedVersions }: CloseOfferingCommand): Promise<ChangedOffering> {
    const { changed, result } = await this.unitOfWork.run(async (repositories) => {
      const item = await itemToChange(repositories.offerings, kind, id, expectedVersions);
      const now = this.clock.now();
      if (item.details.endAt.getTime() < now.getTime()) return { changed: false, result: item };
      const details = { ...item.details, ...closedWindow(item.details, now) };
      const updated = await repositories.offerings.update(kind, id, details, now);
      // The end, and the start of an item not started yet: only what the close moved.
      const fields = changedFields(item.details, details);
      await recordChange(repositories, { staffUserId, action: 'close', kind, itemId: id, before: audited(item.details, fields), after: audited(details, fields), at: now });
      return { changed: true, result: updated };
    });
    if (changed) await announceChange({ events: this.events, searchSync: this.searchSync, catalogue: this.catalogue }, { staffUserId, action: 'close', kind, itemId: id });
    return changedOffering(result);
  }
}
