import type { Payment } from '../../domain/payment';
import type { PaymentFacts } from '../ports/audit-trail';

/** What the audit trail records of a payment. */
export function paymentFacts(payment: Payment): PaymentFacts {
  return {
    paymentId: payment.id,
    userId: payment.userId,
    kind: payment.kind,
    itemId: payment.targetId,
    amount: payment.amount.toString(),
    method: payment.method,
  };
}
