import type { Payment } from '../../domain/payment';
import type { PaymentFacts } from '../ports/event-recorder';

/** What a payment event says of its payment. */
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
