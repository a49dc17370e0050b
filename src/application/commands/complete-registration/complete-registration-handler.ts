import { inject, injectable } from 'inversify';
import { NotFound, NotRegistered } from '../../../domain/errors';
import type { OfferingKind } from '../../../domain/offering-kind';
import { assertCanComplete } from '../../../domain/registration';
import { CLOCK, type Clock } from '../../ports/clock';
import { LOCK_PORT, type LockPort } from '../../ports/lock-port';
import { UNIT_OF_WORK, type UnitOfWork } from '../../ports/unit-of-work';
import { registrationLockKey } from '../../registrations/registration-lock';

export interface CompleteRegistrationCommand {
  readonly kind: OfferingKind;
  readonly itemId: number;
  readonly userId: number;
}

export interface CompletedRegistration {
  readonly registrationId: number;
  readonly completedAt: Date;
}

/** Marks the caller's active registration for an item as completed, once, unless it is being cancelled. */
@injectable()
export class CompleteRegistrationHandler {
  constructor(
    @inject(LOCK_PORT) private readonly lock: LockPort,
    @inject(UNIT_OF_WORK) private readonly unitOfWork: UnitOfWork,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ kind, itemId, userId }: CompleteRegistrationCommand): Promise<CompletedRegistration> {
    return this.lock.withLock(registrationLockKey(kind, itemId, userId), () =>
      this.unitOfWork.run(async ({ offerings, payments, registrations }) => {
        const offering = await offerings.find(kind, itemId);
        if (!offering) throw new NotFound();
        const registration = await registrations.findActiveForUpdate(kind, userId, itemId);
        if (!registration) throw new NotRegistered();
        // A cancel locks the registration's row to decide its refund, so, read once that row is
        // ours, the payment shows any refund decided before. (Its row is not locked here: a
        // cancel locks the payment first, and the opposite order could deadlock with it.)
        const payment = await payments.find(registration.paymentId);
        const now = this.clock.now();
        assertCanComplete(registration, offering.window, now, { cancelling: Boolean(payment?.refundKey) });
        await registrations.markCompleted(kind, registration.id, now);
        return { registrationId: registration.id, completedAt: now };
      }),
    );
  }
}
