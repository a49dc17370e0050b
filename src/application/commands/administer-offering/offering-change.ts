import { NotFound, VersionMismatch } from '../../../domain/errors';
import { OFFERING_DETAIL_FIELDS, type OfferingDetailField, type OfferingDetails } from '../../../domain/offering-details';
import type { OfferingKind } from '../../../domain/offering-kind';
import type { AuditEntryInput, AuditedFields } from '../../ports/audit-trail';
import type { EventRecorder } from '../../ports/event-recorder';
import type { OfferingCatalogue } from '../../ports/offering-catalogue';
import type { SearchSyncTrigger } from '../../ports/search-sync-trigger';
import type { AdministeredOffering, OfferingRepository, TransactionalRepositories } from '../../ports/unit-of-work';

/**
 * The versions a change may be made against: those the client read (its `If-Match`), or any
 * version when it did not say.
 */
export type ExpectedVersions = readonly number[] | 'any';

/** The item, locked for the change, after checking it is at a version the client expects. */
export async function itemToChange(offerings: OfferingRepository, kind: OfferingKind, id: number, expected: ExpectedVersions): Promise<AdministeredOffering> {
  const item = await offerings.findForChange(kind, id);
  if (!item) throw new NotFound();
  if (expected !== 'any' && !expected.includes(item.version)) throw new VersionMismatch(item.version);
  return item;
}

/** The given fields of the details as an audit entry keeps them. */
export function audited(details: OfferingDetails, fields: readonly OfferingDetailField[] = OFFERING_DETAIL_FIELDS): AuditedFields {
  return Object.fromEntries(fields.map((field) => [field, auditText(details[field])]));
}

const auditText = (value: OfferingDetails[keyof OfferingDetails]): string => (value instanceof Date ? value.toISOString() : value.toString());

/**
 * What a change returns: the item as the change committed it, read in its transaction (a later
 * change, or a deletion, may already have followed it when the answer is written).
 */
export interface ChangedOffering {
  readonly id: number;
  readonly version: number;
  readonly details: OfferingDetails;
  readonly createdAt: Date;
  readonly registrationCount: number;
}

/** The committed item as a change returns it. */
export const changedOffering = ({ id, version, details, createdAt, registrationCount }: AdministeredOffering): ChangedOffering => ({
  id,
  version,
  details,
  createdAt,
  registrationCount,
});

const EVENT_OF_ACTION = {
  create: 'catalogue.item_created',
  update: 'catalogue.item_changed',
  close: 'catalogue.item_closed',
  delete: 'catalogue.item_deleted',
} as const;

/** Records a staff change in its own transaction: in the audit log, and in the search outbox. */
export async function recordChange({ audit, outbox }: Pick<TransactionalRepositories, 'audit' | 'outbox'>, entry: AuditEntryInput): Promise<void> {
  await audit.record(entry);
  await outbox.record(entry.kind, entry.itemId);
}

/** What is told of a committed change. */
export interface ChangeListeners {
  readonly events: EventRecorder;
  readonly searchSync: SearchSyncTrigger;
  readonly catalogue: Pick<OfferingCatalogue, 'forgetCounts'>;
}

/** Once a change is committed: its event, the counts kept of the kind's lists forgotten, and a nudge to the search sync. */
export async function announceChange(
  { events, searchSync, catalogue }: ChangeListeners,
  { staffUserId, action, kind, itemId }: Pick<AuditEntryInput, 'staffUserId' | 'action' | 'kind' | 'itemId'>,
): Promise<void> {
  events.record({ name: EVENT_OF_ACTION[action], staffUserId, kind, itemId });
  await Promise.all([catalogue.forgetCounts(kind), searchSync.nudge()]);
}
