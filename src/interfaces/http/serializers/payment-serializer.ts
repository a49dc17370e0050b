import type { PaymentHistoryEntry } from '../../../application/ports/payment-history';

export const serializePayment = (entry: PaymentHistoryEntry) => ({
  id: entry.id,
  payment_type: entry.kind,
  target_id: entry.targetId,
  target_title: entry.targetTitle,
  // Already the decimal text with two places that the API gives (a numeric(10,2) column's text).
  amount: entry.amount,
  payment_method: entry.method,
  status: entry.status,
  paid_at: entry.paidAt.toISOString(),
  cancelled_at: entry.cancelledAt?.toISOString() ?? null,
  registration_time: entry.registeredAt?.toISOString() ?? null,
  refund_reason: entry.refundReason,
});
