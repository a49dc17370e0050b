import { inject, injectable } from 'inversify';
import { NotFound } from '../../../domain/errors';
import type { Money } from '../../../domain/money';
import type { OfferingKind } from '../../../domain/offering-kind';
import type { PaymentMethod } from '../../../domain/payment-method';
import { assertCanRegister } from '../../../domain/registration';
import { CLOCK, type Clock } from '../../ports/clock';
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
}

export interface RegistrationReceipt {
  readonly paymentId: number;
  readonly registrationId: number;
  readonly method: PaymentMethod;
  readonly amount: Money;
  readonly paidAt: Date;
}

export const registrationLockKey = (kind: OfferingKind, itemId: number, userId: number): string =>
  `registration:${kind}:${itemId}:user:${userId}`;

/**
 * Applies to a test or enrolls in a course, paying for it. Under the (user, item) lock and in
 * one transaction: the rules are checked, the gateway charges, and the payment, the
 * registration and the item's count are written. The partial unique index on active
 * registrations is the final guard; if anything fails after the charge, the charge is refunded.
 */
@injectable()
export class RegisterForOfferingHandler {
  constructor(
    @inject(LOCK_PORT) private readonly lock: LockPort,
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(PAYMENT_GATEWAY) private readonly gateway: PaymentGateway,
    @inject(SEARCH_SYNC_TRIGGER) private readonly searchSync: SearchSyncTrigger,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: RegisterForOfferingCommand): Promise<RegistrationReceipt> {
    const receipt = await this.lock.withLock(registrationLockKey(command.kind, command.itemId, command.userId), (lease) =>
      this.registerAndPay(command, lease),
    );
    await this.searchSync.nudge();
    return receipt;
  }

  private async registerAndPay(command: RegisterForOfferingCommand, lease: LockLease): Promise<RegistrationReceipt> {
    const { kind, itemId, userId, amount, method } = command;
    let charge: ChargeReceipt | null = null;
    try {
      return await this.unitOfWork.run(async ({ offerings, registrations, payments, outbox }) => {
        const offering = await offerings.find(kind, itemId);
        if (!offering) throw new NotFound();
        const now = this.clock.now();
        const existing = await registrations.findActiveForUpdate(kind, userId, itemId);
        assertCanRegister({ offering, amount, method, existing, now });

        // Another request may hold the lock once this one's lease is lost: charge only while held.
        lease.assertHeld();
        charge = await this.gateway.charge({ method, amount, userId, reference: `${kind}:${itemId}` });
        const payment = await payments.insert({
          userId,
          kind,
          targetId: itemId,
          amount,
          method,
          gatewayTransactionId: charge.transactionId,
          paidAt: now,
        });
        const registration = await registrations.insert(kind, { userId, itemId, paymentId: payment.id, registeredAt: now });
        await offerings.adjustRegistrationCount(kind, itemId, 1);
        await outbox.record(kind, itemId);
        return { paymentId: payment.id, registrationId: registration.id, method, amount, paidAt: payment.paidAt };
      });
    } catch (error) {
      // Nothing was committed: give back what was charged, so money is never taken for nothing.
      if (charge) await this.gateway.refund(charge);
      throw error;
    }
  }
}
