import { inject, injectable } from 'inversify';
import { NotFound } from '../../../domain/errors';
import { assertCanRefund } from '../../../domain/payment';
import { assertCanCancel } from '../../../domain/registration';
import { CLOCK, type Clock } from '../../ports/clock';
import { LOCK_PORT, type LockPort } from '../../ports/lock-port';
import { PAYMENT_GATEWAY, type PaymentGateway } from '../../ports/payment-gateway';
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
 * Cancels a payment and its registration, refunding through the gateway. Under the payment's
 * lock and row locks, in one transaction: the refund is requested last before the writes, so a
 * refused refund changes nothing; the registration row is kept as history.
 */
@injectable()
export class CancelPaymentHandler {
  constructor(
    @inject(LOCK_PORT) private readonly lock: LockPort,
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @inject(SEARCH_SYNC_TRIGGER) private readonly searchSync: SearchSyncTrigger,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ userId, paymentId, reason }: CancelPaymentCommand): Promise<CancelledPayment> {
    const result = await this.lock.withLock(`payment:${paymentId}`, () =>
      this.unitOfWork.run(async ({ offerings, payments, registrations, outbox }) => {
        // Someone else's payment is answered exactly like an unknown one: ids cannot be probed.
        const payment = await payments.findOwnForUpdate(userId, paymentId);
        if (!payment) throw new NotFound();
        assertCanRefund(payment);
        const registration = await registrations.findByPaymentForUpdate(payment.kind, payment.id);
        if (!registration) throw new NotFound();
        assertCanCancel(registration);

        const now = this.clock.now();
        await this.gateway.refund({ method: payment.method, amount: payment.amount, transactionId: payment.gatewayTransactionId });
        await payments.markCancelled(payment.id, now, reason);
        await registrations.markCancelled(payment.kind, registration.id, now);
        await offerings.adjustRegistrationCount(payment.kind, payment.targetId, -1);
        await outbox.record(payment.kind, payment.targetId);
        return { paymentId: payment.id, cancelledAt: now };
      }),
    );
    await this.searchSync.nudge();
    return result;
  }
}
