import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { NotFound } from '../../../domain/errors';
import { type Payment, assertCanRefund } from '../../../domain/payment';
import { assertCanCancel } from '../../../domain/registration';
import { PaymentSettlement } from '../../payments/payment-settlement';
import { CLOCK, type Clock } from '../../ports/clock';
import { FAILPOINTS, type Failpoints } from '../../ports/failpoints';
import { LOCK_PORT, type LockPort } from '../../ports/lock-port';
import { SEARCH_SYNC_TRIGGER, type SearchSyncTrigger } from '../../ports/search-sync-trigger';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work';

export interface CancelPaymentCommand {
  readonly userId: number;
  readonly paymentId: number;
  readonly reason: string | null;
  /** The request's `Idempotency-Key`, if it sent one: kept on the payment (see below). */
  readonly requestKey?: string;
}

export interface CancelledPayment {
  readonly paymentId: number;
  readonly cancelledAt: Date;
}

/** A cancel finished by an earlier run of the same request, or the payment whose refund is decided. */
type CancelDecision = { readonly finished: CancelledPayment } | { readonly payment: Payment | null };

/**
 * Cancels a payment and its registration, refunding it, under the payment's lock: the mirror of
 * registering. The refund is decided and committed with its idempotency key (the rules checked
 * under row locks), then made, then the payment and its registration are cancelled (the row kept
 * as history) and the count decremented. A retry, or the reconciler after a crash, finishes
 * what is left without refunding twice. The payment keeps the cancel's `Idempotency-Key`: a retry
 * under that key that finds the cancel finished answers with it, as the first answer would have.
 */
@injectable()
export class CancelPaymentHandler {
  constructor(
    @inject(LOCK_PORT) private readonly lock: LockPort,
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(PaymentSettlement) private readonly settlement: PaymentSettlement,
    @inject(SEARCH_SYNC_TRIGGER) private readonly searchSync: SearchSyncTrigger,
    @inject(FAILPOINTS) private readonly failpoints: Failpoints,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ userId, paymentId, reason, requestKey }: CancelPaymentCommand): Promise<CancelledPayment> {
    const result = await this.lock.withLock(`payment:${paymentId}`, async () => {
      const decided = await this.unitOfWork.run(async ({ payments, registrations }): Promise<CancelDecision> => {
        // Someone else's payment is answered exactly like an unknown one: ids cannot be probed.
        const found = await payments.findOwnForUpdate(userId, paymentId);
        if (!found || (found.status !== 'paid' && found.status !== 'cancelled')) throw new NotFound();
        // Finished by an earlier run of this very request, which died before its answer was stored.
        if (found.cancelledAt && requestKey && found.cancelRequestKey === requestKey) return { finished: { paymentId, cancelledAt: found.cancelledAt } };
        assertCanRefund(found);
        const registration = await registrations.findByPaymentForUpdate(found.kind, found.id);
        if (!registration) throw new NotFound();
        assertCanCancel(registration);
        if (!found.refundKey) await payments.requestRefund(found.id, randomUUID(), this.clock.now(), reason, requestKey);
        return { payment: await payments.findForUpdate(found.id) };
      });
      if ('finished' in decided) return decided.finished;
      const { payment } = decided;
      if (!payment) throw new NotFound();
      this.failpoints.reach('cancel.after-intent');
      await this.settlement.refundDecided(payment);
      this.failpoints.reach('cancel.after-refund');
      return { paymentId, cancelledAt: await this.settlement.finishCancel(paymentId) };
    });
    await this.searchSync.nudge();
    return result;
  }
}
