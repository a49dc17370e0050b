import type { ChargeRequest, PaymentMethodStrategy } from '../../application/ports/payment-gateway';
import { PaymentDeclined } from '../../domain/errors';
import { type PaymentMethod, isWithinMethodLimits } from '../../domain/payment-method';

/**
 * A simulated payment method: it accepts every charge within the method's limits. A real
 * provider's rules plug in as another strategy.
 */
export class SimulatedPaymentMethod implements PaymentMethodStrategy {
  constructor(readonly method: PaymentMethod) {}

  async authorize(request: ChargeRequest): Promise<void> {
    if (!isWithinMethodLimits(this.method, request.amount)) throw new PaymentDeclined('The amount is outside the limits of the method.');
  }
}

export const simulatedPaymentMethods = (): PaymentMethodStrategy[] => ['kakaopay', 'card', 'bank_transfer'].map((method) => new SimulatedPaymentMethod(method as PaymentMethod));
