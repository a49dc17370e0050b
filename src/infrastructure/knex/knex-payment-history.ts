import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { PaymentHistory, PaymentHistoryEntry, PaymentHistoryFilter, PaymentHistoryPage } from '../../application/ports/payment-history';
import type { OfferingKind } from '../../domain/offering-kind';
import type { PaymentStatus } from '../../domain/payment';
import type { PaymentMethod } from '../../domain/payment-method';
import { KNEX } from './create-knex';
import { OFFERING_TABLES } from './offering-tables';

interface HistoryRow {
  id: number;
  payment_type: OfferingKind;
  target_id: number;
  target_title: string;
  amount: string;
  payment_method: PaymentMethod;
  status: PaymentStatus;
  paid_at: Date;
  cancelled_at: Date | null;
  registered_at: Date | null;
  refund_reason: string | null;
  total: number;
}

const escapeLike = (word: string): string => word.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Payments joined with their item (title) and registration (time) in one query per page; the
 * count comes from the same query (a window function over the caller's rows only).
 */
@injectable()
export class KnexPaymentHistory implements PaymentHistory {
  constructor(@inject(KNEX) private readonly db: Knex) {}

  async list(userId: number, filter: PaymentHistoryFilter, offset: number, limit: number): Promise<PaymentHistoryPage> {
    const rows: HistoryRow[] = await this.filtered(userId, filter)
      .select(this.db.raw('count(*) OVER () AS total'))
      .orderBy([{ column: 'p.paid_at', order: 'desc' }, { column: 'p.id', order: 'desc' }])
      .offset(offset)
      .limit(limit);
    if (rows.length === 0 && offset > 0) {
      // Past the last page the window count has no row to ride on; count on its own.
      const [{ total }] = await this.filtered(userId, filter).clearSelect().count({ total: '*' });
      return { count: Number(total), entries: [] };
    }
    return { count: rows.length > 0 ? Number(rows[0].total) : 0, entries: rows.map(toEntry) };
  }

  async get(userId: number, paymentId: number): Promise<PaymentHistoryEntry | null> {
    const row = await this.base(userId).where('p.id', paymentId).first();
    return row ? toEntry(row) : null;
  }

  private filtered(userId: number, filter: PaymentHistoryFilter) {
    const query = this.base(userId);
    if (filter.status) query.where('p.status', filter.status);
    if (filter.kind) query.where('p.payment_type', filter.kind);
    if (filter.from) query.where('p.paid_at', '>=', this.db.raw(`?::date AT TIME ZONE 'UTC'`, [filter.from]));
    if (filter.to) query.where('p.paid_at', '<', this.db.raw(`(?::date + 1) AT TIME ZONE 'UTC'`, [filter.to]));
    for (const word of filter.words) {
      query.whereRaw(`coalesce(t.title, c.title) ILIKE ? ESCAPE '\\'`, [`%${escapeLike(word)}%`]);
    }
    return query;
  }

  private base(userId: number) {
    const { test, course } = OFFERING_TABLES;
    return this.db({ p: 'payments' })
      .leftJoin({ t: test.items }, function () {
        this.on('t.id', 'p.target_id').andOnVal('p.payment_type', 'test');
      })
      .leftJoin({ c: course.items }, function () {
        this.on('c.id', 'p.target_id').andOnVal('p.payment_type', 'course');
      })
      .leftJoin({ tr: test.registrations }, function () {
        this.on('tr.payment_id', 'p.id').andOnVal('p.payment_type', 'test');
      })
      .leftJoin({ cr: course.registrations }, function () {
        this.on('cr.payment_id', 'p.id').andOnVal('p.payment_type', 'course');
      })
      .where('p.user_id', userId)
      .select(
        'p.id',
        'p.payment_type',
        'p.target_id',
        this.db.raw('coalesce(t.title, c.title) AS target_title'),
        'p.amount',
        'p.payment_method',
        'p.status',
        'p.paid_at',
        'p.cancelled_at',
        this.db.raw('coalesce(tr.registered_at, cr.registered_at) AS registered_at'),
        'p.refund_reason',
      );
  }
}

const toEntry = (row: HistoryRow): PaymentHistoryEntry => ({
  id: row.id,
  kind: row.payment_type,
  targetId: row.target_id,
  targetTitle: row.target_title,
  amount: row.amount,
  method: row.payment_method,
  status: row.status,
  paidAt: row.paid_at,
  cancelledAt: row.cancelled_at,
  registeredAt: row.registered_at,
  refundReason: row.refund_reason,
});
