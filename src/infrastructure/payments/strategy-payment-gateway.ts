import { inject, injectable } from 'inversify';
import {
  type ChargeReceipt,
  type ChargeRequest,
  PAYMENT_METHOD_STRATEGIES,
  type PaymentGateway,
  type PaymentMethodStrategy,
} from '../../application/ports/payment-gateway';
import type { PaymentMethod } from '../../domain/payment-method';

/** The payment gateway: routes each charge and refund to the strategy of its method. */
@injectable()
export class StrategyPaymentGateway implements PaymentGateway {
  private readonly strategies: ReadonlyMap<PaymentMethod, PaymentMethodStrategy>;

  constructor(@inject(PAYMENT_METHOD_STRATEGIES) strategies: PaymentMethodStrategy[]) {
    this.strategies = new Map(strategies.map((strategy) => [strategy.method, strategy]));
  }

  charge(request: ChargeRequest): Promise<ChargeReceipt> {
    return this.strategyFor(request.method).charge(request);
  }

  refund(receipt: ChargeReceipt): Promise<void> {
    return this.strategyFor(receipt.method).refund(receipt);
  }

  private strategyFor(method: PaymentMethod): PaymentMethodStrategy {
    const strategy = this.strategies.get(method);
    if (!strategy) throw new Error(`no payment strategy for ${method}`);
    return strategy;
  }
}
