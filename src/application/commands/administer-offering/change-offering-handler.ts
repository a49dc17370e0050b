import { inject, injectable } from 'inversify';
import { OFFERING_DETAIL_FIELDS, type OfferingDetails, assertValidDetails, assertWindowHoldsPayments, changedFields } from '../../../domain/offering-details';
import type { OfferingKind } from '../../../domain/offering-kind';
import { CLOCK, type Clock } from '../../ports/clock';
import { EVENT_RECORDER, type EventRecorder } from '../../ports/event-recorder';
import { OFFERING_CATALOGUE, type OfferingCatalogue } from '../../ports/offering-catalogue';
import { SEARCH_SYNC_TRIGGER, type SearchSyncTrigger } from '../../ports/search-sync-trigger';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work';
import { type ChangedOffering, type ExpectedVersions, announceChange, audited, changedOffering, itemToChange, recordChange } from './offering-change';

export interface ChangeOfferingCommand {
  readonly staffUserId: number;
  readonly kind: OfferingKind;
  readonly id: number;
  readonly changes: Partial<OfferingDetails>;
  readonly expectedVersions: ExpectedVersions;
}

/**
 * Changes some of an item's details, against the version the client read: a stale version
 * changes nothing. The rules on the details as a whole hold for the fields sent, on the details
 * they make with the others. Payments already made keep their amount and title; registrations
 * from now on pay the new price. A change that changes nothing keeps the version and writes no
 * audit entry. A window changed must still hold the times its registrations were paid.
 */
@injectable()
export class ChangeOfferingHandler {
  constructor(
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(SEARCH_SYNC_TRIGGER) private readonly searchSync: SearchSyncTrigger,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENT_RECORDER) private readonly events: EventRecorder,
    @inject(OFFERING_CATALOGUE) private readonly catalogue: OfferingCatalogue,
  ) {}

  async execute({ staffUserId, kind, id, changes, expectedVersions }: ChangeOfferingCommand): Promise<ChangedOffering> {
    const { changed, result } = await this.unitOfWork.run(async (repositories) => {
      const item = await itemToChange(repositories.offerings, kind, id, expectedVersions);
      const details = { ...item.details, ...changes };
      assertValidDetails(details, OFFERING_DETAIL_FIELDS.filter((field) => changes[field] !== undefined));
      const fields = changedFields(item.details, details);
      if (fields.length === 0) return { changed: false, result: item };
      if (fields.includes('startAt') || fields.includes('endAt')) assertWindowHoldsPayments(details, await repositories.payments.paidSpan(kind, id));
      const at = this.clock.now();
      const updated = await repositories.offerings.update(kind, id, details, at);
      await recordChange(repositories, { staffUserId, action: 'update', kind, itemId: id, before: audited(item.details, fields), after: audited(details, fields), at });
      return { changed: true, result: updated };
    });
    if (changed) await announceChange({ events: this.events, searchSync: this.searchSync, catalogue: this.catalogue }, { staffUserId, action: 'update', kind, itemId: id });
    return changedOffering(result);
  }
}
