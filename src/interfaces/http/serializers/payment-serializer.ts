import type { PaymentHistoryEntry } from '../../../application/ports/payment-history';
import { isoTimestamp } from './iso-timestamp';

export const serializePayment = (entry: PaymentHistoryEntry) => ({
  id: entry.id,
  payment_type: entry.kind,
  target_id: entry.targetId,
  target_title: entry.targetTitle,
  // Already the decimal text with two places that the API gives (a numeric(10,2) column's text).
  amount: entry.amount,
  payment_method: entry.method,
  status: entry.status,
  paid_at: isoTimestamp(entry.paidAt),
  cancelled_at: entry.cancelledAt ? isoTimestamp(entry.cancelledAt) : null,
  registration_time: entry.registeredAt ? isoTimestamp(entry.registeredAt) : null,
  refund_reason: entry.refundReason,
});
