import type { Money } from '../../domain/money';
import type { Offering } from '../../domain/offering';
import type { OfferingKind } from '../../domain/offering-kind';
import type { Payment } from '../../domain/payment';
import type { PaymentMethod } from '../../domain/payment-method';
import type { Registration } from '../../domain/registration';

export interface OfferingRepository {
  find(kind: OfferingKind, id: number): Promise<Offering | null>;
  /** Adds `delta` to the item's registration_count in the same transaction. */
  adjustRegistrationCount(kind: OfferingKind, id: number, delta: 1 | -1): Promise<void>;
}

export interface NewPayment {
  readonly userId: number;
  readonly kind: OfferingKind;
  readonly targetId: number;
  readonly amount: Money;
  readonly method: PaymentMethod;
  readonly gatewayTransactionId: string;
  readonly paidAt: Date;
}

export interface PaymentRepository {
  insert(payment: NewPayment): Promise<Payment>;
  /** The user's payment with its row locked; null when unknown or someone else's. */
  findOwnForUpdate(userId: number, id: number): Promise<Payment | null>;
  markCancelled(id: number, at: Date, reason: string | null): Promise<void>;
}

export interface NewRegistration {
  readonly userId: number;
  readonly itemId: number;
  readonly paymentId: number;
  readonly registeredAt: Date;
}

export interface RegistrationRepository {
  /** The user's active (not cancelled) registration for the item, row locked; null if none. */
  findActiveForUpdate(kind: OfferingKind, userId: number, itemId: number): Promise<Registration | null>;
  /** The registration a payment paid for, row locked. */
  findByPaymentForUpdate(kind: OfferingKind, paymentId: number): Promise<Registration | null>;
  /** Throws `AlreadyRegistered` when the user already holds an active registration for the item. */
  insert(kind: OfferingKind, registration: NewRegistration): Promise<Registration>;
  markCompleted(kind: OfferingKind, id: number, at: Date): Promise<void>;
  markCancelled(kind: OfferingKind, id: number, at: Date): Promise<void>;
}

export interface SearchOutboxWriter {
  /** Records that the item changed as search sees it, in the current transaction. */
  record(kind: OfferingKind, itemId: number): Promise<void>;
}

/** Repositories bound to one database transaction. */
export interface TransactionalRepositories {
  readonly offerings: OfferingRepository;
  readonly payments: PaymentRepository;
  readonly registrations: RegistrationRepository;
  readonly outbox: SearchOutboxWriter;
}

/** Runs work in one transaction: committed when `work` resolves, rolled back when it throws. */
export interface UnitOfWork {
  run<T>(work: (repositories: TransactionalRepositories) => Promise<T>): Promise<T>;
}

export const UNIT_OF_WORK = Symbol.for('UnitOfWork');
