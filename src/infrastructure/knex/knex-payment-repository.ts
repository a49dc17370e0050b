import type { Knex } from 'knex';
import type { NewPayment, PaymentRepository } from '../../application/ports/unit-of-work';
import { Money } from '../../domain/money';
import type { OfferingKind } from '../../domain/offering-kind';
import type { Payment, PaymentStatus } from '../../domain/payment';
import type { PaymentMethod } from '../../domain/payment-method';

interface PaymentRow {
  id: number;
  user_id: number;
  payment_type: OfferingKind;
  target_id: number;
  amount: string;
  payment_method: PaymentMethod;
  gateway_transaction_id: string;
  status: PaymentStatus;
  paid_at: Date;
}

const COLUMNS: (keyof PaymentRow)[] = [
  'id', 'user_id', 'payment_type', 'target_id', 'amount', 'payment_method', 'gateway_transaction_id', 'status', 'paid_at',
];

export class KnexPaymentRepository implements PaymentRepository {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async insert(payment: NewPayment): Promise<Payment> {
    const [row] = await this.db<PaymentRow>('payments')
      .insert({
        user_id: payment.userId,
        payment_type: payment.kind,
        target_id: payment.targetId,
        amount: payment.amount.toString(),
        payment_method: payment.method,
        gateway_transaction_id: payment.gatewayTransactionId,
        status: 'paid',
        paid_at: payment.paidAt,
      })
      .returning(COLUMNS);
    return toPayment(row as PaymentRow);
  }

  async findOwnForUpdate(userId: number, id: number): Promise<Payment | null> {
    const row = await this.db<PaymentRow>('payments').select(COLUMNS).where({ id, user_id: userId }).forUpdate().first();
    return row ? toPayment(row) : null;
  }

  async markCancelled(id: number, at: Date, reason: string | null): Promise<void> {
    await this.db('payments').where({ id }).update({ status: 'cancelled', cancelled_at: at, refund_reason: reason, updated_at: at });
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
});
