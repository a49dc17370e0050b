import { inject, injectable } from 'inversify';
import { type OfferingDetails, assertValidDetails } from '../../../domain/offering-details';
import type { OfferingKind } from '../../../domain/offering-kind';
import { CLOCK, type Clock } from '../../ports/clock';
import { EVENT_RECORDER, type EventRecorder } from '../../ports/event-recorder';
import { SEARCH_SYNC_TRIGGER, type SearchSyncTrigger } from '../../ports/search-sync-trigger';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work';
import { type ChangedOffering, announceChange, audited, changedOffering, recordChange } from './offering-change';

export interface CreateOfferingCommand {
  readonly staffUserId: number;
  readonly kind: OfferingKind;
  readonly details: OfferingDetails;
}

/** Puts a new test or course in the catalogue, with its audit entry and its search change. */
@injectable()
export class CreateOfferingHandler {
  constructor(
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(SEARCH_SYNC_TRIGGER) private readonly searchSync: SearchSyncTrigger,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENT_RECORDER) private readonly events: EventRecorder,
  ) {}

  async execute({ staffUserId, kind, details }: CreateOfferingCommand): Promise<ChangedOffering> {
    assertValidDetails(details);
    const created = await this.unitOfWork.run(async (repositories) => {
      const at = this.clock.now();
      const item = await repositories.offerings.insert(kind, details, at);
      await recordChange(repositories, { staffUserId, action: 'create', kind, itemId: item.id, before: null, after: audited(item.details), at });
      return item;
    });
    await announceChange({ events: this.events, searchSync: this.searchSync }, { staffUserId, action: 'create', kind, itemId: created.id });
    return changedOffering(created);
  }
}
