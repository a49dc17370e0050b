import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { NewPayment, PaidSpan, PaymentRepository } from '../../application/ports/unit-of-work';
import { Money } from '../../domain/money';
import type { OfferingKind } from '../../domain/offering-kind';
import type { Payment, PaymentStatus } from '../../domain/payment';
import type { PaymentMethod } from '../../domain/payment-method';
import { InvalidToken, LockBusy } from '../../domain/errors';
import { translateConstraintViolation } from './constraint-violation';

interface PaymentRow {
  id: number;
  user_id: number;
  payment_type: OfferingKind;
  target_id: number;
  amount: string;
  payment_method: PaymentMethod;
  gateway_transaction_id: string | null;
  status: PaymentStatus;
  paid_at: Date;
  charge_key: string;
  refund_key: string | null;
  refunded_at: Date | null;
  request_key: string | null;
  cancelled_at: Date | null;
  cancel_request_key: string | null;
}

const COLUMNS: (keyof PaymentRow)[] = [
  'id', 'user_id', 'payment_type', 'target_id', 'amount', 'payment_method', 'gateway_transaction_id', 'status', 'paid_at',
  'charge_key', 'refund_key', 'refunded_at', 'request_key', 'cancelled_at', 'cancel_request_key',
];

export class KnexPaymentRepository implements PaymentRepository {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async insertPending(payment: NewPayment): Promise<Payment> {
    const [row] = await this.db<PaymentRow>('payments')
      .insert({
        user_id: payment.userId,
        payment_type: payment.kind,
        target_id: payment.targetId,
        item_title: payment.itemTitle,
        amount: payment.amount.toString(),
        payment_method: payment.method,
        status: 'pending',
        charge_key: randomUUID(),
        request_key: payment.requestKey ?? null,
        paid_at: payment.createdAt,
        created_at: payment.createdAt,
      } as Partial<PaymentRow>)
      .returning(COLUMNS)
      .catch((error: unknown) => {
        throw translateConstraintViolation(error, {
          // Only while an earlier payment for the item is still unsettled (its outcome unknown).
          payments_one_pending_idx: () => new LockBusy('A payment for this item is still being settled. Retry shortly.'),
          // A token signed for a user who is not (or no longer) in the database.
          payments_user_id_fkey: () => new InvalidToken('The token names no user of this service.'),
        });
      });
    return toPayment(row as PaymentRow);
  }

  async find(id: number): Promise<Payment | null> {
    const row = await this.db<PaymentRow>('payments').select(COLUMNS).where({ id }).first();
    return row ? toPayment(row) : null;
  }

  async findForUpdate(id: number): Promise<Payment | null> {
    const row = await this.db<PaymentRow>('payments').select(COLUMNS).where({ id }).forUpdate().first();
    return row ? toPayment(row) : null;
  }

  async findMadeUnderKey(userId: number, kind: OfferingKind, targetId: number, requestKey: string, since: Date): Promise<Payment | null> {
    const row = await this.db<PaymentRow>('payments')
      .select(COLUMNS)
      .where({ payment_type: kind, target_id: targetId, user_id: userId, request_key: requestKey })
      .whereIn('status', ['paid', 'cancelled'])
      .where('created_at', '>=', since)
      .orderBy('id', 'desc')
      .first();
    return row ? toPayment(row) : null;
  }

  async findOwnForUpdate(userId: number, id: number): Promise<Payment | null> {
    const row = await this.db<PaymentRow>('payments').select(COLUMNS).where({ id, user_id: userId }).forUpdate().first();
    return row ? toPayment(row) : null;
  }

  async markPaid(id: number, gatewayTransactionId: string, at: Date): Promise<void> {
    await this.db('payments').where({ id }).update({ status: 'paid', gateway_transaction_id: gatewayTransactionId, paid_at: at, updated_at: at });
  }

  async markFailed(id: number, at: Date, charged: { readonly transactionId: string; readonly refundKey: string } | null): Promise<void> {
    await this.db('payments')
      .where({ id })
      .update({ status: 'failed', updated_at: at, ...(charged ? { gateway_transaction_id: charged.transactionId, refund_key: charged.refundKey, refund_requested_at: at } : {}) });
  }

  async requestRefund(id: number, refundKey: string, at: Date, reason: string | null, requestKey?: string): Promise<void> {
    await this.db('payments')
      .where({ id })
      .update({ refund_key: refundKey, refund_requested_at: at, refund_reason: reason, cancel_request_key: requestKey ?? null, updated_at: at });
  }

  async markRefunded(id: number, at: Date): Promise<void> {
    await this.db('payments').where({ id }).update({ refunded_at: at, updated_at: at });
  }

  async findUnsettled(before: Date, limit: number): Promise<Payment[]> {
    const rows: PaymentRow[] = await this.db<PaymentRow>('payments')
      .select(COLUMNS)
      .where((unsettled) => unsettled.where('status', 'pending').orWhere((refund) => refund.whereNotNull('refund_key').whereNull('refunded_at')))
      .where('created_at', '<', before)
      .orderBy('created_at')
      .limit(limit);
    return rows.map(toPayment);
  }

  async existForItem(kind: OfferingKind, itemId: number): Promise<boolean> {
    const row = await this.db('payments').select(this.db.raw('1')).where({ payment_type: kind, target_id: itemId }).first();
    return row !== undefined;
  }

  async paidSpan(kind: OfferingKind, itemId: number): Promise<PaidSpan | null> {
    const [row] = await this.db('payments')
      .where({ payment_type: kind, target_id: itemId })
      .whereNot('status', 'failed')
      .select(this.db.raw('min(paid_at) AS first, max(paid_at) AS last'));
    return row?.first ? { first: new Date(row.first), last: new Date(row.last) } : null;
  }

  async markCancelled(id: number, at: Date): Promise<void> {
    await this.db('payments').where({ id }).update({ status: 'cancelled', cancelled_at: at, refunded_at: at, updated_at: at });
  }
}

const toPayment = (row: PaymentRow): Payment => ({
  id: row.id,
  userId: row.user_id,
  kind: row.payment_type,
  targetId: row.target_id,
  amount: Money.parse(row.amount),
  method: row.payment_method,
  gatewayTransactionId: row.gateway_transaction_id,
  status: row.status,
  paidAt: row.paid_at,
  chargeKey: row.charge_key,
  refundKey: row.refund_key,
  refundedAt: row.refunded_at,
  requestKey: row.request_key,
  cancelledAt: row.cancelled_at,
  cancelRequestKey: row.cancel_request_key,
});
