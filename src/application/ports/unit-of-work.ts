import type { Money } from '../../domain/money';
import type { OfferingDetails } from '../../domain/offering-details';
import type { Offering } from '../../domain/offering';
import type { OfferingKind } from '../../domain/offering-kind';
import type { Payment } from '../../domain/payment';
import type { PaymentMethod } from '../../domain/payment-method';
import type { Registration } from '../../domain/registration';
import type { AuditTrailWriter } from './audit-trail';

/**
 * An item as staff change it: its details and the version they were read at, with what the
 * service keeps of it from the same row (an answer to a change is written from these alone).
 */
export interface AdministeredOffering {
  readonly kind: OfferingKind;
  readonly id: number;
  readonly version: number;
  readonly details: OfferingDetails;
  readonly createdAt: Date;
  readonly registrationCount: number;
}

export interface OfferingRepository {
  /**
   * The item, kept from changing and from being deleted until the transaction ends (registrations
   * decide on its price and window as they are).
   */
  find(kind: OfferingKind, id: number): Promise<Offering | null>;
  /** The item with its row locked for a change; null when unknown. */
  findForChange(kind: OfferingKind, id: number): Promise<AdministeredOffering | null>;
  insert(kind: OfferingKind, details: OfferingDetails, at: Date): Promise<AdministeredOffering>;
  /** Writes the details and raises the version by one. */
  update(kind: OfferingKind, id: number, details: OfferingDetails, at: Date): Promise<AdministeredOffering>;
  delete(kind: OfferingKind, id: number): Promise<void>;
  /** Adds `delta` to the item's registration_count in the same transaction. */
  adjustRegistrationCount(kind: OfferingKind, id: number, delta: 1 | -1): Promise<void>;
}

export interface NewPayment {
  readonly userId: number;
  readonly kind: OfferingKind;
  readonly targetId: number;
  /** The item's title as it is now: the payment keeps it as a record of what was bought. */
  readonly itemTitle: string;
  readonly amount: Money;
  readonly method: PaymentMethod;
  readonly createdAt: Date;
  /** The `Idempotency-Key` of the request making it, if it sent one. */
  readonly requestKey?: string;
}

export interface PaymentRepository {
  /** Records a payment about to be charged: `pending`, with a fresh charge key. */
  insertPending(payment: NewPayment): Promise<Payment>;
  /** The payment as last committed, its row not locked; null when unknown. */
  find(id: number): Promise<Payment | null>;
  /** The payment with its row locked; null when unknown. */
  findForUpdate(id: number): Promise<Payment | null>;
  /**
   * The latest payment the user made for the item under the `Idempotency-Key` `requestKey` since
   * `since` that went through (paid, or paid and cancelled since); null when none did.
   */
  findMadeUnderKey(userId: number, kind: OfferingKind, targetId: number, requestKey: string, since: Date): Promise<Payment | null>;
  /** The user's payment with its row locked; null when unknown or someone else's. */
  findOwnForUpdate(userId: number, id: number): Promise<Payment | null>;
  markPaid(id: number, gatewayTransactionId: string, at: Date): Promise<void>;
  /** A payment that will not go through; `refundKey` when it had been charged and must be refunded. */
  markFailed(id: number, at: Date, charged: { readonly transactionId: string; readonly refundKey: string } | null): Promise<void>;
  /**
   * Decides the refund of a paid payment (a cancel), with its key, before the gateway is asked;
   * `requestKey` is the cancel's `Idempotency-Key`, if it sent one.
   */
  requestRefund(id: number, refundKey: string, at: Date, reason: string | null, requestKey?: string): Promise<void>;
  markRefunded(id: number, at: Date): Promise<void>;
  markCancelled(id: number, at: Date): Promise<void>;
  /**
   * Payments left unsettled since before `before`: pending ones, and ones whose decided refund is
   * not known to be done; oldest first.
   */
  findUnsettled(before: Date, limit: number): Promise<Payment[]>;
  /** Whether anyone ever started paying for the item, whatever came of it. */
  existForItem(kind: OfferingKind, itemId: number): Promise<boolean>;
  /**
   * When the item's registrations were paid: the first and the last of its payments that were
   * not declined (paid, pending, cancelled since); null where there are none.
   */
  paidSpan(kind: OfferingKind, itemId: number): Promise<PaidSpan | null>;
}

export interface PaidSpan {
  readonly first: Date;
  readonly last: Date;
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
  readonly audit: AuditTrailWriter;
}

/** Runs work in one transaction: committed when `work` resolves, rolled back when it throws. */
export interface UnitOfWork {
  run<T>(work: (repositories: TransactionalRepositories) => Promise<T>): Promise<T>;
}

export const UNIT_OF_WORK = Symbol.for('UnitOfWork');
