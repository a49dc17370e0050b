import type { Money } from '../../domain/money';
import type { PaymentMethod } from '../../domain/payment-method';

export interface ChargeRequest {
  /** The gateway charges once per key: the same key again answers the first charge's receipt. */
  readonly idempotencyKey: string;
  readonly method: PaymentMethod;
  readonly amount: Money;
  readonly userId: number;
  /** What is being paid for, e.g. `test:42`, for the gateway's records. */
  readonly reference: string;
}

export interface ChargeReceipt {
  readonly method: PaymentMethod;
  readonly amount: Money;
  readonly transactionId: string;
}

export interface RefundRequest {
  /** The gateway refunds once per key, and a transaction at most once whatever the key. */
  readonly idempotencyKey: string;
  readonly charge: ChargeReceipt;
}

/** What the gateway did under an idempotency key. */
export type GatewayOutcome =
  | { readonly status: 'none' }
  | { readonly status: 'charged'; readonly receipt: ChargeReceipt }
  | { readonly status: 'refunded' };

/** One way of paying: which charges the method accepts. */
export interface PaymentMethodStrategy {
  readonly method: PaymentMethod;
  /** Throws `PaymentDeclined` when the method refuses the charge. */
  authorize(request: ChargeRequest): Promise<void>;
}

/**
 * The payment service provider, called with idempotency keys so that a retry after a crash or a
 * lost answer never charges or refunds twice, and asked afterwards what it did under a key.
 * Throws `DependencyUnavailable` when it cannot be reached.
 */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeReceipt>;
  refund(request: RefundRequest): Promise<void>;
  outcome(idempotencyKey: string): Promise<GatewayOutcome>;
}

export const PAYMENT_GATEWAY = Symbol.for('PaymentGateway');
export const PAYMENT_METHOD_STRATEGIES = Symbol.for('PaymentMethodStrategies');
