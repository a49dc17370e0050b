import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import {
  type ChargeReceipt,
  type ChargeRequest,
  type GatewayOutcome,
  PAYMENT_METHOD_STRATEGIES,
  type PaymentGateway,
  type PaymentMethodStrategy,
  type RefundRequest,
} from '../../application/ports/payment-gateway';
import { DependencyUnavailable, PaymentDeclined } from '../../domain/errors';
import { Money } from '../../domain/money';
import type { PaymentMethod } from '../../domain/payment-method';
import { KNEX } from '../knex/create-knex';

/**
 * How the simulated provider misbehaves, for tests of what the service does then: `unreachable`
 * (nothing charged, an error), `hang` (no answer within the call's time limit: an error, nothing
 * charged), `lose-answer` (charged, then the answer lost: an error), `decline` (the provider
 * refuses every charge, as a card issuer may: nothing charged, `PaymentDeclined`). `normal`
 * otherwise.
 */
export type SimulatedFault = 'normal' | 'unreachable' | 'hang' | 'lose-answer' | 'decline';

/** A call to the provider that has not answered after this long is given up (its outcome unknown). */
const CALL_TIMEOUT_MS = 10_000;

interface LedgerRow {
  idempotency_key: string;
  operation: 'charge' | 'refund';
  method: PaymentMethod;
  amount: string;
  transaction_id: string;
}

/**
 * The simulated payment provider: each method's strategy decides whether a charge is accepted,
 * and every charge and refund is written to the provider's own ledger (`simulated_gateway_ledger`)
 * under its idempotency key, as a real provider records them. The same key never charges or
 * refunds twice (it answers what was done), a transaction is refunded at most once, and
 * `outcome` answers what was done under a key after any crash.
 */
@injectable()
export class StrategyPaymentGateway implements PaymentGateway {
  private readonly strategies: ReadonlyMap<PaymentMethod, PaymentMethodStrategy>;
  private fault: SimulatedFault = 'normal';
  private hangMs = CALL_TIMEOUT_MS;

  constructor(
    @inject(PAYMENT_METHOD_STRATEGIES) strategies: PaymentMethodStrategy[],
    @inject(KNEX) private readonly db: Knex,
  ) {
    this.strategies = new Map(strategies.map((strategy) => [strategy.method, strategy]));
  }

  /** Makes the following charges misbehave (tests); `hangMs` shortens a hang for them. */
  simulate(fault: SimulatedFault, hangMs = CALL_TIMEOUT_MS): void {
    this.fault = fault;
    this.hangMs = hangMs;
  }

  async charge(request: ChargeRequest): Promise<ChargeReceipt> {
    if (this.fault === 'unreachable') throw new DependencyUnavailable('The payment gateway is unreachable.');
    if (this.fault === 'decline') throw new PaymentDeclined('The payment provider declined the charge.');
    if (this.fault === 'hang') {
      await new Promise((resolve) => setTimeout(resolve, this.hangMs));
      throw new DependencyUnavailable('The payment gateway did not answer in time.');
    }
    const receipt = await this.chargeOnce(request);
    if (this.fault === 'lose-answer') throw new DependencyUnavailable('The payment gateway answered nothing.');
    return receipt;
  }

  private async chargeOnce(request: ChargeRequest): Promise<ChargeReceipt> {
    const earlier = await this.outcome(request.idempotencyKey);
    if (earlier.status === 'charged') return earlier.receipt;
    await this.strategyFor(request.method).authorize(request);
    const transactionId = `sim_${request.method}_${randomUUID()}`;
    await this.db('simulated_gateway_ledger')
      .insert({ idempotency_key: request.idempotencyKey, operation: 'charge', method: request.method, amount: request.amount.toString(), transaction_id: transactionId })
      .onConflict('idempotency_key')
      .ignore();
    // A concurrent charge with the same key may have won: its receipt is the answer.
    const recorded = await this.outcome(request.idempotencyKey);
    if (recorded.status !== 'charged') throw new Error('the simulated gateway lost a charge it recorded');
    return recorded.receipt;
  }

  async refund({ idempotencyKey, charge }: RefundRequest): Promise<void> {
    await this.db('simulated_gateway_ledger')
      .insert({ idempotency_key: idempotencyKey, operation: 'refund', method: charge.method, amount: charge.amount.toString(), transaction_id: charge.transactionId })
      // The same key again, or another key for a transaction already refunded: nothing to do.
      .onConflict()
      .ignore();
  }

  async outcome(idempotencyKey: string): Promise<GatewayOutcome> {
    const row: LedgerRow | undefined = await this.db('simulated_gateway_ledger').where({ idempotency_key: idempotencyKey }).first();
    if (!row) return { status: 'none' };
    if (row.operation === 'refund') return { status: 'refunded' };
    return { status: 'charged', receipt: { method: row.method, amount: Money.parse(row.amount), transactionId: row.transaction_id } };
  }

  private strategyFor(method: PaymentMethod): PaymentMethodStrategy {
    const strategy = this.strategies.get(method);
    if (!strategy) throw new Error(`no payment strategy for ${method}`);
    return strategy;
  }
}
