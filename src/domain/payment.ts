import { AlreadyCancelled } from './errors';
import type { Money } from './money';
import type { OfferingKind } from './offering-kind';
import type { PaymentMethod } from './payment-method';

/** A payment is `paid` once and may be `cancelled` (refunded) once. */
export type PaymentStatus = 'paid' | 'cancelled';

export const PAYMENT_STATUSES: readonly PaymentStatus[] = ['paid', 'cancelled'];

export interface Payment {
  readonly id: number;
  readonly userId: number;
  readonly kind: OfferingKind;
  readonly targetId: number;
  readonly amount: Money;
  readonly method: PaymentMethod;
  readonly gatewayTransactionId: string;
  readonly status: PaymentStatus;
  readonly paidAt: Date;
}

export function assertCanRefund(payment: Payment): void {
  if (payment.status === 'cancelled') throw new AlreadyCancelled();
}
