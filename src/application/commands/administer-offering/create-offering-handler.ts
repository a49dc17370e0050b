import { inject, injectable } from 'inversify';
import { NotFound } from '../../../domain/errors';
import { type OfferingDetails, assertValidDetails } from '../../../domain/offering-details';
import type { OfferingKind } from '../../../domain/offering-kind';
import { CLOCK, type Clock } from '../../ports/clock';
import { EVENT_RECORDER, type EventRecorder } from '../../ports/event-recorder';
import { OFFERING_CATALOGUE, type OfferingCatalogue } from '../../ports/offering-catalogue';
import { SEARCH_SYNC_TRIGGER, type SearchSyncTrigger } from '../../ports/search-sync-trigger';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work';
import { IDEMPOTENCY_LIFETIME_MS } from '../../ports/idempotency-store';
import type { AuditedFields } from '../../ports/audit-trail';
import { type ChangedOffering, announceChange, audited, changedOffering, recordChange } from './offering-change';

export interface CreateOfferingCommand {
  readonly staffUserId: number;
  readonly kind: OfferingKind;
  readonly details: OfferingDetails;
  /** The request's `Idempotency-Key`: kept with the audit entry, so that a retry finds its item. */
  readonly requestKey?: string;
}

/**
 * Puts a new test or course in the catalogue, with its audit entry and its search change. Under
 * an `Idempotency-Key` an earlier run of the same request already made an item for, within the
 * key's lifetime (a run that died before its answer was stored), the answer is that item, and
 * nothing is made again.
 */
@injectable()
export class CreateOfferingHandler {
  constructor(
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(SEARCH_SYNC_TRIGGER) private readonly searchSync: SearchSyncTrigger,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENT_RECORDER) private readonly events: EventRecorder,
    @inject(OFFERING_CATALOGUE) private readonly catalogue: OfferingCatalogue,
  ) {}

  async execute({ staffUserId, kind, details, requestKey }: CreateOfferingCommand): Promise<ChangedOffering> {
    assertValidDetails(details);
    const { item, made } = await this.unitOfWork.run(async (repositories) => {
      const at = this.clock.now();
      const keyed = requestKey ? await repositories.audit.createdUnderKey(staffUserId, requestKey, new Date(at.getTime() - IDEMPOTENCY_LIFETIME_MS)) : [];
      // The same request only: the same kind, with the same fields (as the audit keeps them).
      const fields = audited(details);
      const earlier = keyed.find((creation) => creation.kind === kind && sameFields(creation.fields, fields));
      if (earlier) {
        const found = await repositories.offerings.findForChange(earlier.kind, earlier.itemId);
        if (!found) throw new NotFound('The item this request created has since been deleted.');
        return { item: found, made: false };
      }
      const inserted = await repositories.offerings.insert(kind, details, at);
      await recordChange(repositories, { staffUserId, action: 'create', kind, itemId: inserted.id, before: null, after: audited(inserted.details), at, requestKey });
      return { item: inserted, made: true };
    });
    if (made) await announceChange({ events: this.events, searchSync: this.searchSync, catalogue: this.catalogue }, { staffUserId, action: 'create', kind, itemId: item.id });
    return changedOffering(item);
  }
}

const sameFields = (a: AuditedFields, b: AuditedFields): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([field, value]) => a[field] === value);
