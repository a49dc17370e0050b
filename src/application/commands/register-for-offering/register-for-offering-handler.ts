import { inject, injectable } from 'inversify';
import { LockLost, NotFound, PaymentDeclined } from '../../../domain/errors';
import type { Money } from '../../../domain/money';
import type { OfferingKind } from '../../../domain/offering-kind';
import type { Payment } from '../../../domain/payment';
import type { PaymentMethod } from '../../../domain/payment-method';
import { assertCanRegister } from '../../../domain/registration';
import { paymentFacts } from '../../payments/payment-facts';
import { PaymentSettlement } from '../../payments/payment-settlement';
import { registrationLockKey } from '../../registrations/registration-lock';
import { EVENT_RECORDER, type EventRecorder } from '../../ports/event-recorder';
import { CLOCK, type Clock } from '../../ports/clock';
import { FAILPOINTS, type Failpoints } from '../../ports/failpoints';
import { IDEMPOTENCY_LIFETIME_MS } from '../../ports/idempotency-store';
import { LOCK_PORT, type LockLease, type LockPort } from '../../ports/lock-port';
import { type ChargeReceipt, PAYMENT_GATEWAY, type PaymentGateway } from '../../ports/payment-gateway';
import { SEARCH_SYNC_TRIGGER, type SearchSyncTrigger } from '../../ports/search-sync-trigger';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work';

export interface RegisterForOfferingCommand {
  readonly kind: OfferingKind;
  readonly itemId: number;
  readonly userId: number;
  readonly amount: Money;
  readonly method: PaymentMethod;
  /** The request's `Idempotency-Key`, if it sent one: kept on the payment (see below). */
  readonly requestKey?: string;
}

export interface RegistrationReceipt {
  readonly paymentId: number;
  readonly registrationId: number;
  readonly method: PaymentMethod;
  readonly amount: Money;
  readonly paidAt: Date;
}

/**
 * Applies to a test or enrolls in a course, paying for it, under the (user, item) lock:
 * 1. the rules are checked and a `pending` payment is committed, with its charge's idempotency
 *    key, before any money moves;
 * 2. the gateway charges under that key (the same key never charges twice);
 * 3. one transaction marks the payment paid and writes the registration and the count (the
 *    partial unique index on active registrations is the final guard) — or marks it failed and
 *    refunds it under a key of its own.
 * A crash between any two steps leaves a payment the reconciler settles by asking the gateway.
 * The payment keeps the request's `Idempotency-Key`: a retry under that key, once it takes the key
 * over from the run that died, finds the registration that run made (itself, or the reconciler
 * for it) and answers with it, as the first answer would have.
 */
@injectable()
export class RegisterForOfferingHandler {
  constructor(
    @inject(LOCK_PORT) private readonly lock: LockPort,
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @inject(PaymentSettlement) private readonly settlement: PaymentSettlement,
    @inject(SEARCH_SYNC_TRIGGER) private readonly searchSync: SearchSyncTrigger,
    @inject(FAILPOINTS) private readonly failpoints: Failpoints,
    @inject(CLOCK) private readonly clock: Clock,
    @inject(EVENT_RECORDER) private readonly events: EventRecorder,
  ) {}

  async execute(command: RegisterForOfferingCommand): Promise<RegistrationReceipt> {
    const receipt = await this.lock.withLock(registrationLockKey(command.kind, command.itemId, command.userId), (lease) =>
      this.registerAndPay(command, lease),
    );
    await this.searchSync.nudge();
    return receipt;
  }

  private async registerAndPay(command: RegisterForOfferingCommand, lease: LockLease): Promise<RegistrationReceipt> {
    const { kind, itemId, userId, amount, method, requestKey } = command;
    let pending: Payment;
    try {
      pending = await this.unitOfWork.run(async ({ offerings, registrations, payments }) => {
        const offering = await offerings.find(kind, itemId);
        if (!offering) throw new NotFound();
        const now = this.clock.now();
        // The pending payment first: its unique index makes a concurrent attempt wait for this
        // one's outcome, so the check below sees a registration committed meanwhile. A refusal
        // rolls the pending payment back with everything else.
        const pending = await payments.insertPending({ userId, kind, targetId: itemId, itemTitle: offering.title, amount, method, createdAt: now, requestKey });
        if (requestKey) {
          // Made by an earlier run of this very request (its key, its amount and method), which
          // died before its answer was stored: this run answers with it, and rolls its own
          // pending payment back, even where the payment has been cancelled since.
          const earlier = await payments.findMadeUnderKey(userId, kind, itemId, requestKey, new Date(now.getTime() - IDEMPOTENCY_LIFETIME_MS));
          const made = earlier && earlier.amount.equals(amount) && earlier.method === method ? await registrations.findByPaymentForUpdate(kind, earlier.id) : null;
          if (earlier && made) throw new MadeByAnEarlierRun({ paymentId: earlier.id, registrationId: made.id, method, amount, paidAt: earlier.paidAt });
        }
        const existing = await registrations.findActiveForUpdate(kind, userId, itemId);
        assertCanRegister({ offering, amount, method, existing, now });
        return pending;
      });
    } catch (error) {
      if (error instanceof MadeByAnEarlierRun) return error.receipt;
      throw error;
    }
    this.failpoints.reach('register.after-pending');

    let charge: ChargeReceipt;
    try {
      // Another request may hold the lock once this one's lease is lost: charge only while held.
      lease.assertHeld();
      charge = await this.gateway.charge({ idempotencyKey: pending.chargeKey, method, amount, userId, reference: `${kind}:${itemId}` });
    } catch (error) {
      // Declined, or not attempted: nothing was charged. An unreachable gateway leaves the
      // outcome unknown: the payment stays pending for the reconciler to ask about.
      if (error instanceof PaymentDeclined || error instanceof LockLost) await this.settlement.failUncharged(pending.id);
      if (error instanceof PaymentDeclined) this.events.record({ name: 'payment.declined', reason: error.detail ?? error.code, ...paymentFacts(pending) });
      throw error;
    }
    this.failpoints.reach('register.after-charge');

    const settled = await this.settlement.complete(pending.id, charge);
    this.failpoints.reach('register.after-commit');
    return { paymentId: settled.paymentId, registrationId: settled.registrationId, method, amount, paidAt: settled.paidAt };
  }
}

/** The registration a request asked for, made by an earlier run of that request (same key). */
class MadeByAnEarlierRun extends Error {
  constructor(readonly receipt: RegistrationReceipt) {
    super('made by an earlier run of the same request');
  }
}
