import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type {
  AdministrativeAction,
  AuditEntry,
  AuditEntryInput,
  AuditTrail,
  AuditTrailFilter,
  AuditTrailWriter,
  AuditedFields,
  KeyedCreation,
} from '../../application/ports/audit-trail';
import type { OfferingKind } from '../../domain/offering-kind';
import { KNEX } from './create-knex';

interface AuditRow {
  id: number;
  staff_user_id: number;
  action: AdministrativeAction;
  item_kind: OfferingKind;
  item_id: number;
  before: AuditedFields | null;
  after: AuditedFields | null;
  created_at: Date;
}

/** Writes audit entries in the transaction of the change they record. */
export class KnexAuditTrailWriter implements AuditTrailWriter {
  constructor(private readonly db: Knex.Transaction) {}

  async record(entry: AuditEntryInput): Promise<void> {
    await this.db('admin_audit_log').insert({
      staff_user_id: entry.staffUserId,
      action: entry.action,
      item_kind: entry.kind,
      item_id: entry.itemId,
      before: entry.before === null ? null : JSON.stringify(entry.before),
      after: entry.after === null ? null : JSON.stringify(entry.after),
      created_at: entry.at,
      request_key: entry.requestKey ?? null,
    });
  }

  async createdUnderKey(staffUserId: number, requestKey: string, since: Date): Promise<readonly KeyedCreation[]> {
    const rows = (await this.db('admin_audit_log')
      .where({ staff_user_id: staffUserId, request_key: requestKey, action: 'create' })
      .andWhere('created_at', '>=', since)
      .orderBy('id', 'desc')
      .select('item_kind', 'item_id', 'after')) as Pick<AuditRow, 'item_kind' | 'item_id' | 'after'>[];
    return rows.map((row) => ({ kind: row.item_kind, itemId: Number(row.item_id), fields: row.after ?? {} }));
  }

}

/** The audit log, newest first, on its primary key or the item's and staff user's indexes. */
@injectable()
export class KnexAuditTrail implements AuditTrail {
  constructor(@inject(KNEX) private readonly db: Knex) {}

  async list(filter: AuditTrailFilter, offset: number, limit: number): Promise<{ count: number; entries: AuditEntry[] }> {
    const [rows, [{ total }]] = await Promise.all([
      this.matching(filter).select('*').orderBy('id', 'desc').offset(offset).limit(limit) as Promise<AuditRow[]>,
      this.matching(filter).count<{ total: number }[]>({ total: '*' }),
    ]);
    return { count: Number(total), entries: rows.map(toEntry) };
  }

  private matching(filter: AuditTrailFilter): Knex.QueryBuilder {
    const query = this.db('admin_audit_log');
    if (filter.kind) query.where('item_kind', filter.kind);
    if (filter.itemId !== undefined) query.where('item_id', filter.itemId);
    if (filter.staffUserId !== undefined) query.where('staff_user_id', filter.staffUserId);
    return query;
  }
}

const toEntry = (row: AuditRow): AuditEntry => ({
  id: row.id,
  staffUserId: row.staff_user_id,
  action: row.action,
  kind: row.item_kind,
  itemId: row.item_id,
  before: row.before,
  after: row.after,
  at: row.created_at,
});
