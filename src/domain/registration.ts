import type { AvailabilityWindow } from './availability-window';
import { AlreadyCompleted, AlreadyRegistered, AmountMismatch, CompletedRegistrationNotCancellable, NotOpen, NotRegistered, NotStarted, PaymentMethodLimit } from './errors';
import type { Money } from './money';
import type { Offering } from './offering';
import { type PaymentMethod, isWithinMethodLimits } from './payment-method';

/**
 * A registration's life: `registered` (stored as `applied` or `enrolled`) → `completed`, or
 * `registered` → `cancelled`. A completed registration can no longer be cancelled; a cancelled
 * one stays as history and the user may register again.
 */
export type RegistrationState = 'registered' | 'completed' | 'cancelled';

export interface Registration {
  readonly id: number;
  readonly userId: number;
  readonly itemId: number;
  readonly paymentId: number;
  readonly state: RegistrationState;
  readonly registeredAt: Date;
  readonly completedAt: Date | null;
}

export interface RegistrationAttempt {
  readonly offering: Offering;
  readonly amount: Money;
  readonly method: PaymentMethod;
  /** The caller's active (not cancelled) registration for the item, if any. */
  readonly existing: Registration | null;
  readonly now: Date;
}

/** The rules of registering, checked in the order the contract gives. */
export function assertCanRegister({ offering, amount, method, existing, now }: RegistrationAttempt): void {
  if (existing) throw new AlreadyRegistered();
  if (!offering.window.isOpenAt(now)) throw new NotOpen();
  if (!amount.equals(offering.price)) throw new AmountMismatch(`The amount must be ${offering.price.toString()}.`);
  if (!isWithinMethodLimits(method, amount)) throw new PaymentMethodLimit();
}

/**
 * What must still hold when a charged payment is settled into a registration: the user holds no
 * other active registration for the item. The window, the price and the method were checked
 * when the payment was decided, under the item's lock; a change or a close made while the charge
 * was under way applies to registrations decided after it.
 */
export function assertCanSettle(existing: Registration | null): void {
  if (existing) throw new AlreadyRegistered();
}

/**
 * Completing needs a registration that is not completed yet, for an item that has started, and
 * that is not being cancelled: once a cancel has decided its payment's refund, the cancel
 * finishes whatever happens, so the registration is as good as cancelled.
 */
export function assertCanComplete(registration: Registration, window: AvailabilityWindow, now: Date, { cancelling }: { readonly cancelling: boolean }): void {
  if (registration.state === 'completed') throw new AlreadyCompleted();
  if (cancelling) throw new NotRegistered('This registration is being cancelled.');
  if (!window.hasStartedBy(now)) throw new NotStarted();
}

/** Only a registration that is not yet completed can be cancelled (with its payment). */
export function assertCanCancel(registration: Registration): void {
  if (registration.state === 'completed') throw new CompletedRegistrationNotCancellable();
}
