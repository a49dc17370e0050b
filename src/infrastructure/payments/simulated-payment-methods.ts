import { randomUUID } from 'node:crypto';
import type { ChargeReceipt, ChargeRequest, PaymentMethodStrategy } from '../../application/ports/payment-gateway';
import { PaymentDeclined } from '../../domain/errors';
import { type PaymentMethod, isWithinMethodLimits } from '../../domain/payment-method';

/**
 * A simulated payment method: it approves every charge within the method's limits and every
 * refund, and issues unique transaction ids. A real provider plugs in as another strategy.
 */
export class SimulatedPaymentMethod implements PaymentMethodStrategy {
  constructor(
    readonly method: PaymentMethod,
    private readonly transactionPrefix: string,
  ) {}

  async charge(request: ChargeRequest): Promise<ChargeReceipt> {
    if (!isWithinMethodLimits(this.method, request.amount)) throw new PaymentDeclined('The amount is outside the limits of the method.');
    return { method: this.method, amount: request.amount, transactionId: `${this.transactionPrefix}_${randomUUID()}` };
  }

  async refund(): Promise<void> {}
}

export const simulatedPaymentMethods = (): PaymentMethodStrategy[] => [
  new SimulatedPaymentMethod('kakaopay', 'sim_kakaopay'),
  new SimulatedPaymentMethod('card', 'sim_card'),
  new SimulatedPaymentMethod('bank_transfer', 'sim_bank'),
];
