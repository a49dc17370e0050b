import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { NotFound } from '../../../domain/errors';
import { assertCanRefund } from '../../../domain/payment';
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
}

export interface CancelledPayment {
  readonly paymentId: number;
  readonly cancelledAt: Date;
}

/**
 * Cancels a payment and its registration, refunding it, under the payment's lock: the mirror of
 * registering. The refund is decided and committed with its idempotency key (the rules checked
 * under row locks), then made, then the payment and its registration are cancelled (the row kept
 * as history) and the count decremented. A retry, or the reconciler after a crash, finishes
 * what is left without refunding twice.
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

  async execute({ userId, paymentId, reason }: CancelPaymentCommand): Promise<CancelledPayment> {
    const result = await this.lock.withLock(`payment:${paymentId}`, async () => {
      const payment = await this.unitOfWork.run(async ({ payments, registrations }) => {
        // Someone else's payment is answered exactly like an unknown one: ids cannot be probed.
        const found = await payments.findOwnForUpdate(userId, paymentId);
        if (!found || (found.status !== 'paid' && found.status !== 'cancelled')) throw new NotFound();
        assertCanRefund(found);
        const registration = await registrations.findByPaymentForUpdate(found.kind, found.id);
        if (!registration) throw new NotFound();
        assertCanCancel(registration);
        if (!found.refundKey) await payments.requestRefund(found.id, randomUUID(), this.clock.now(), reason);
        return payments.findForUpdate(found.id);
      });
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
