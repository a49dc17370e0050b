import { AlreadyCancelled } from './errors';
import type { Money } from './money';
import type { OfferingKind } from './offering-kind';
import type { PaymentMethod } from './payment-method';

/**
 * A payment is `pending` while its charge is in flight, then `paid` (with its registration) or
 * `failed` (refunded if it had been charged); a paid payment may be `cancelled` (refunded) once.
 */
export type PaymentStatus = 'pending' | 'paid' | 'failed' | 'cancelled';

/** What clients see: payments that went through, paid or cancelled. */
export type SettledPaymentStatus = 'paid' | 'cancelled';

export const PAYMENT_STATUSES: readonly SettledPaymentStatus[] = ['paid', 'cancelled'];

export interface Payment {
  readonly id: number;
  readonly userId: number;
  readonly kind: OfferingKind;
  readonly targetId: number;
  readonly amount: Money;
  readonly method: PaymentMethod;
  /** Set once the gateway has charged. */
  readonly gatewayTransactionId: string | null;
  readonly status: PaymentStatus;
  readonly paidAt: Date;
  /** The gateway's idempotency key for the charge. */
  readonly chargeKey: string;
  /** The gateway's idempotency key for the refund, once a refund is decided. */
  readonly refundKey: string | null;
  /** When the refund was done, once the gateway confirmed it. */
  readonly refundedAt: Date | null;
  /** The `Idempotency-Key` of the request that made it, if that request sent one. */
  readonly requestKey: string | null;
  /** When it was cancelled, once it is. */
  readonly cancelledAt: Date | null;
  /** The `Idempotency-Key` of the cancel that decided its refund, if that cancel sent one. */
  readonly cancelRequestKey: string | null;
}

export function assertCanRefund(payment: Payment): void {
  if (payment.status === 'cancelled') throw new AlreadyCancelled();
}
