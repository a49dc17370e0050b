import type { AuditEntry, AuditedFields } from '../../../application/ports/audit-trail';

/** The API's names of the fields an audit entry records. */
const FIELD_NAMES: Readonly<Record<string, string>> = { title: 'title', description: 'description', price: 'price', startAt: 'start_at', endAt: 'end_at' };

const withApiNames = (fields: AuditedFields | null) =>
  fields === null ? null : Object.fromEntries(Object.entries(fields).map(([field, value]) => [FIELD_NAMES[field] ?? field, value]));

export const serializeAuditEntry = (entry: AuditEntry) => ({
  id: entry.id,
  staff_user_id: entry.staffUserId,
  action: entry.action,
  item_kind: entry.kind,
  item_id: entry.itemId,
  before: withApiNames(entry.before),
  after: withApiNames(entry.after),
  created_at: entry.at.toISOString(),
});
