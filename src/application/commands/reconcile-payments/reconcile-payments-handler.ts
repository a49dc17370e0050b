import { inject, injectable } from 'inversify';
import { DomainError } from '../../../domain/errors';
import type { Payment } from '../../../domain/payment';
import { PaymentSettlement } from '../../payments/payment-settlement';
import { CLOCK, type Clock } from '../../ports/clock';
import { LOCK_PORT, type LockPort } from '../../ports/lock-port';
import { PAYMENT_GATEWAY, type PaymentGateway } from '../../ports/payment-gateway';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work';
import { registrationLockKey } from '../../registrations/registration-lock';

export interface ReconcilePolicy {
  /** Payments unsettled for this long are settled here; younger ones may still be in flight. */
  readonly afterMs: number;
}

export const RECONCILE_POLICY = Symbol.for('ReconcilePolicy');

/** Payments one run settles at most; the next run goes on. */
const BATCH = 500;

export type ReconcileDecision =
  | 'completed'
  | 'refunded_after_charge'
  | 'failed_uncharged'
  | 'refund_finished'
  | 'cancel_finished'
  | 'deferred';

export interface ReconcileEntry {
  readonly paymentId: number;
  readonly decision: ReconcileDecision;
  /** The rule that refused completing a charged payment (refunded instead), or why it was deferred. */
  readonly reason?: string;
}

/**
 * Settles what a crash left unsettled, by asking the gateway what it did under each key:
 * - a pending payment the gateway charged is completed (registration, count) if the rules still
 *   allow it, otherwise refunded; one it never charged is marked failed;
 * - a decided refund that is not known to be done is made (the gateway refunds once per key) and
 *   recorded; a cancel whose refund is made is finished.
 * Each payment is settled under the lock its command takes, and every step reads the payment's
 * state again under a row lock, so running it twice, or beside the commands, does nothing twice.
 */
@injectable()
export class ReconcilePaymentsHandler {
  constructor(
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @inject(PaymentSettlement) private readonly settlement: PaymentSettlement,
    @inject(LOCK_PORT) private readonly lock: LockPort,
    @inject(RECONCILE_POLICY) private readonly policy: ReconcilePolicy,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(): Promise<ReconcileEntry[]> {
    const before = new Date(this.clock.now().getTime() - this.policy.afterMs);
    const unsettled = await this.unitOfWork.run(({ payments }) => payments.findUnsettled(before, BATCH));
    const entries: ReconcileEntry[] = [];
    for (const listed of unsettled) {
      const key = listed.status === 'pending' ? registrationLockKey(listed.kind, listed.targetId, listed.userId) : `payment:${listed.id}`;
      // A payment whose lock is held, or whose gateway is unreachable, is left to the next run.
      const entry = await this.lock.withLock(key, () => this.settleAsItIsNow(listed.id)).catch((error: unknown) => deferred(listed.id, error));
      if (entry) entries.push(entry);
    }
    return entries;
  }

  /**
   * Settles the payment as it is once its lock is held: the list was read before, and another run
   * (the worker's beside `npm run reconcile`) or a command may have settled it since, in which case
   * there is nothing to do, and nothing to report.
   */
  private async settleAsItIsNow(paymentId: number): Promise<ReconcileEntry | null> {
    const payment = await this.unitOfWork.run(({ payments }) => payments.findForUpdate(paymentId));
    const unsettled = payment && (payment.status === 'pending' || (payment.refundKey !== null && payment.refundedAt === null));
    return unsettled ? this.settle(payment) : null;
  }

  private async settle(payment: Payment): Promise<ReconcileEntry> {
    const paymentId = payment.id;
    if (payment.status === 'pending') {
      const outcome = await this.gateway.outcome(payment.chargeKey);
      if (outcome.status !== 'charged') {
        await this.settlement.failUncharged(paymentId);
        return { paymentId, decision: 'failed_uncharged' };
      }
      try {
        await this.settlement.complete(paymentId, outcome.receipt);
        return { paymentId, decision: 'completed' };
      } catch (error) {
        if (!(error instanceof DomainError)) throw error;
        return { paymentId, decision: 'refunded_after_charge', reason: error.code };
      }
    }
    await this.settlement.refundDecided(payment);
    if (payment.status === 'paid') {
      await this.settlement.finishCancel(paymentId);
      return { paymentId, decision: 'cancel_finished' };
    }
    return { paymentId, decision: 'refund_finished' };
  }
}

function deferred(paymentId: number, error: unknown): ReconcileEntry {
  return { paymentId, decision: 'deferred', reason: error instanceof DomainError ? error.code : error instanceof Error ? error.message : String(error) };
}
