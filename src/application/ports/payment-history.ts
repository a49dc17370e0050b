import type { OfferingKind } from '../../domain/offering-kind';
import type { SettledPaymentStatus } from '../../domain/payment';
import type { PaymentMethod } from '../../domain/payment-method';

export interface PaymentHistoryFilter {
  readonly status?: SettledPaymentStatus;
  readonly kind?: OfferingKind;
  /** Inclusive bounds on the UTC date of `paid_at`, as `YYYY-MM-DD`. */
  readonly from?: string;
  readonly to?: string;
  /** Words that must all appear in the item's title. */
  readonly words: readonly string[];
}

export interface PaymentHistoryEntry {
  readonly id: number;
  readonly kind: OfferingKind;
  readonly targetId: number;
  readonly targetTitle: string;
  /** Decimal text with two places, e.g. `"45000.00"`. */
  readonly amount: string;
  readonly method: PaymentMethod;
  readonly status: SettledPaymentStatus;
  readonly paidAt: Date;
  readonly cancelledAt: Date | null;
  readonly registeredAt: Date | null;
  readonly refundReason: string | null;
}

export interface PaymentHistoryPage {
  readonly count: number;
  readonly entries: readonly PaymentHistoryEntry[];
}

/** The caller's payments with their items, newest first, one query per page. */
export interface PaymentHistory {
  list(userId: number, filter: PaymentHistoryFilter, offset: number, limit: number): Promise<PaymentHistoryPage>;
  get(userId: number, paymentId: number): Promise<PaymentHistoryEntry | null>;
}

export const PAYMENT_HISTORY = Symbol.for('PaymentHistory');
