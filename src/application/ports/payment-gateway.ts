import type { Money } from '../../domain/money';
import type { PaymentMethod } from '../../domain/payment-method';

export interface ChargeRequest {
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

/** One way of paying; the gateway picks the strategy by method. */
export interface PaymentMethodStrategy {
  readonly method: PaymentMethod;
  /** Throws `PaymentDeclined` when the payment is refused. */
  charge(request: ChargeRequest): Promise<ChargeReceipt>;
  refund(receipt: ChargeReceipt): Promise<void>;
}

/** The payment service provider. Throws `DependencyUnavailable` when it cannot be reached. */
export interface PaymentGateway {
  charge(request: ChargeRequest): Promise<ChargeReceipt>;
  refund(receipt: ChargeReceipt): Promise<void>;
}

export const PAYMENT_GATEWAY = Symbol.for('PaymentGateway');
export const PAYMENT_METHOD_STRATEGIES = Symbol.for('PaymentMethodStrategies');
