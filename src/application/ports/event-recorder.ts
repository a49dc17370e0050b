import type { OfferingKind } from '../../domain/offering-kind';
import type { PaymentMethod } from '../../domain/payment-method';

/** What a payment event says about its payment; the amount as a decimal string. */
export interface PaymentFacts {
  readonly paymentId: number;
  readonly userId: number;
  readonly kind: OfferingKind;
  readonly itemId: number;
  readonly amount: string;
  readonly method: PaymentMethod;
}

/**
 * Security, payment and administration events, each under a stable name that logs and dashboards can rely on.
 * A payment event is recorded once, when the payment's state has changed for good (committed).
 */
export type RecordedEvent =
  /** A login attempt refused by a throttle: which limit, from which address. */
  | { readonly name: 'auth.login_locked_out'; readonly limit: 'address' | 'account_and_address' | 'account'; readonly ip: string; readonly retryAfterSeconds: number }
  /** A refresh token presented again after it was rotated: stolen, or replayed. */
  | { readonly name: 'auth.refresh_reuse_detected'; readonly userId: number; readonly familyId: string }
  /** Every token of a session revoked, at logout or after a reuse. */
  | { readonly name: 'auth.family_revoked'; readonly userId: number; readonly familyId: string; readonly reason: 'logout' | 'refresh_reuse' }
  /** Charged and recorded paid, with its registration. */
  | ({ readonly name: 'payment.charged' } & PaymentFacts)
  /** Refused by the gateway: nothing was charged. */
  | ({ readonly name: 'payment.declined'; readonly reason: string } & PaymentFacts)
  /** Money given back: the payment was cancelled, or charged but could not be completed. */
  | ({ readonly name: 'payment.refunded'; readonly cause: 'cancelled' | 'not_completed' } & PaymentFacts)
  /** A paid payment and its registration cancelled (and refunded). */
  | ({ readonly name: 'payment.cancelled' } & PaymentFacts)
  /** A staff member changed the catalogue (the audit log keeps the fields before and after). */
  | {
      readonly name: 'catalogue.item_created' | 'catalogue.item_changed' | 'catalogue.item_closed' | 'catalogue.item_deleted';
      readonly staffUserId: number;
      readonly kind: OfferingKind;
      readonly itemId: number;
    };

export type RecordedEventName = RecordedEvent['name'];

/** Where use cases report their events (logs, counters). Never throws: an event never fails a command. */
export interface EventRecorder {
  record(event: RecordedEvent): void;
}

export const EVENT_RECORDER = Symbol.for('EventRecorder');
