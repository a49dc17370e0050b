import { randomUUID } from 'node:crypto';
import { inject, injectable } from 'inversify';
import { AlreadyCancelled, DomainError, LockLost, NotFound } from '../../domain/errors';
import type { Payment } from '../../domain/payment';
import { assertCanSettle } from '../../domain/registration';
import { EVENT_RECORDER, type EventRecorder } from '../ports/event-recorder';
import { CLOCK, type Clock } from '../ports/clock';
import { FAILPOINTS, type Failpoints } from '../ports/failpoints';
import { type ChargeReceipt, PAYMENT_GATEWAY, type PaymentGateway } from '../ports/payment-gateway';
import { UNIT_OF_WORK, type UnitOfWork } from '../ports/unit-of-work';
import { paymentFacts } from './payment-facts';

export interface SettledRegistration {
  readonly paymentId: number;
  readonly registrationId: number;
  readonly paidAt: Date;
}

/**
 * The last steps of a payment, shared by the commands and the reconciler so that a crash at any
 * point is finished the same way: a charged pending payment becomes paid with its registration
 * (unless the user holds one already), or failed and refunded; a decided refund is made and recorded; a
 * cancel whose refund was made is written. Each step is idempotent: it reads the payment's
 * state under a row lock and does only what is left, and reports the change it committed
 * (charged, refunded, cancelled) as an event, once.
 */
@injectable()
export class PaymentSettlement {
  constructor(
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @inject(FAILPOINTS) private readonly failpoints: Failpoints,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENT_RECORDER) private readonly events: EventRecorder,
  ) {}

  /**
   * A charged pending payment: paid, registered and counted in one transaction, under the rules it
   * was decided by (a price change or a close made during the charge applies to later
   * registrations); or, when the user holds an active registration for the item already, failed
   * and refunded, and the rule's error thrown.
   *
   * Settled meanwhile by the reconciler (the command's lock lost during a long charge): already
   * completed with this charge, its registration is the answer; marked failed as never charged
   * (asked before this charge was recorded), this charge is refunded and `LockLost` thrown.
   */
  async complete(paymentId: number, charge: ChargeReceipt): Promise<SettledRegistration> {
    const now = this.clock.now();
    try {
      const { settled, payment, completedNow } = await this.unitOfWork.run(async ({ offerings, payments, registrations, outbox }) => {
        const payment = await payments.findForUpdate(paymentId);
        if (payment?.status === 'paid' && payment.gatewayTransactionId === charge.transactionId) {
          const registration = await registrations.findByPaymentForUpdate(payment.kind, payment.id);
          if (registration) return { settled: { paymentId: payment.id, registrationId: registration.id, paidAt: payment.paidAt }, payment, completedNow: false };
        }
        if (payment?.status === 'failed') throw new LockLost('The request lost its hold on the payment while charging; the charge is refunded. Retry it.');
        if (!payment || payment.status !== 'pending') throw new Error(`payment ${paymentId} is not pending`);
        const offering = await offerings.find(payment.kind, payment.targetId);
        if (!offering) throw new NotFound('The item no longer exists.');
        // The rules of the item were checked when the payment was decided; only the user's own
        // registrations can have changed what is allowed since.
        assertCanSettle(await registrations.findActiveForUpdate(payment.kind, payment.userId, payment.targetId));
        await payments.markPaid(payment.id, charge.transactionId, now);
        const registration = await registrations.insert(payment.kind, { userId: payment.userId, itemId: payment.targetId, paymentId: payment.id, registeredAt: now });
        await offerings.adjustRegistrationCount(payment.kind, payment.targetId, 1);
        await outbox.record(payment.kind, payment.targetId);
        this.failpoints.reach('register.before-commit');
        return { settled: { paymentId: payment.id, registrationId: registration.id, paidAt: now }, payment, completedNow: true };
      });
      if (completedNow) this.events.record({ name: 'payment.charged', ...paymentFacts(payment) });
      return settled;
    } catch (error) {
      if (error instanceof DomainError) await this.failAndRefund(paymentId, charge);
      throw error;
    }
  }

  /** A pending payment the gateway did not charge (declined, or never reached). */
  async failUncharged(paymentId: number): Promise<void> {
    await this.unitOfWork.run(async ({ payments }) => {
      const payment = await payments.findForUpdate(paymentId);
      if (payment?.status === 'pending') await payments.markFailed(paymentId, this.clock.now(), null);
    });
  }

  /**
   * A payment charged that will not go through: failed, then refunded. Pending, or already marked
   * failed without this charge (the reconciler found it uncharged before the charge was recorded).
   */
  async failAndRefund(paymentId: number, charge: ChargeReceipt): Promise<void> {
    const payment = await this.unitOfWork.run(async ({ payments }) => {
      const found = await payments.findForUpdate(paymentId);
      const refundable = found?.status === 'pending' || (found?.status === 'failed' && !found.gatewayTransactionId);
      if (refundable) await payments.markFailed(paymentId, this.clock.now(), { transactionId: charge.transactionId, refundKey: randomUUID() });
      return payments.findForUpdate(paymentId);
    });
    if (payment) await this.refundDecided(payment);
  }

  /** Makes the refund decided for a payment (failed after its charge, or cancelled) and records it. */
  async refundDecided(payment: Payment): Promise<void> {
    if (!payment.refundKey || !payment.gatewayTransactionId || payment.refundedAt) return;
    await this.gateway.refund({ idempotencyKey: payment.refundKey, charge: { method: payment.method, amount: payment.amount, transactionId: payment.gatewayTransactionId } });
    if (payment.status === 'failed') {
      await this.unitOfWork.run(({ payments }) => payments.markRefunded(payment.id, this.clock.now()));
      this.events.record({ name: 'payment.refunded', cause: 'not_completed', ...paymentFacts(payment) });
    }
  }

  /**
   * The writes of a cancel whose refund was made: payment and registration cancelled, count down.
   * A payment another cancel finished meanwhile (its lock lost) is `AlreadyCancelled`, as it is to
   * a cancel that comes after.
   */
  async finishCancel(paymentId: number): Promise<Date> {
    const { cancelledAt, cancelled } = await this.unitOfWork.run(async ({ offerings, payments, registrations, outbox }) => {
      const payment = await payments.findForUpdate(paymentId);
      if (!payment) throw new Error(`payment ${paymentId} does not exist`);
      if (payment.status === 'cancelled') throw new AlreadyCancelled();
      const now = this.clock.now();
      if (payment.status !== 'paid') return { cancelledAt: now, cancelled: null };
      const registration = await registrations.findByPaymentForUpdate(payment.kind, payment.id);
      await payments.markCancelled(payment.id, now);
      if (registration && registration.state !== 'cancelled') {
        await registrations.markCancelled(payment.kind, registration.id, now);
        await offerings.adjustRegistrationCount(payment.kind, payment.targetId, -1);
      }
      await outbox.record(payment.kind, payment.targetId);
      return { cancelledAt: now, cancelled: payment };
    });
    if (cancelled) {
      this.events.record({ name: 'payment.refunded', cause: 'cancelled', ...paymentFacts(cancelled) });
      this.events.record({ name: 'payment.cancelled', ...paymentFacts(cancelled) });
    }
    return cancelledAt;
  }
}
