import { ValidationFailed, WindowExcludesRegistrations } from './errors';
import { Money } from './money';
import { PAYMENT_METHOD_LIMITS, PAYMENT_METHODS } from './payment-method';

/** What staff set on a test or a course; the rest (id, counts, creation time) is the service's. */
export interface OfferingDetails {
  readonly title: string;
  readonly description: string;
  readonly price: Money;
  readonly startAt: Date;
  readonly endAt: Date;
}

export const OFFERING_DETAIL_FIELDS = ['title', 'description', 'price', 'startAt', 'endAt'] as const satisfies readonly (keyof OfferingDetails)[];

export type OfferingDetailField = (typeof OFFERING_DETAIL_FIELDS)[number];

export const TITLE_MAX_LENGTH = 255;
export const DESCRIPTION_MAX_LENGTH = 5_000;

/**
 * The prices every payment method accepts: an item whose price one method refuses could not be
 * bought with it, so prices stay within the limits common to all of them.
 */
export const SALEABLE_PRICES = {
  min: Money.ofMinorUnits(Math.max(...PAYMENT_METHODS.map((method) => PAYMENT_METHOD_LIMITS[method].min.minorUnits))),
  max: Money.ofMinorUnits(Math.min(...PAYMENT_METHODS.map((method) => PAYMENT_METHOD_LIMITS[method].max.minorUnits))),
} as const;

/**
 * The rules on an item's details as a whole, for the fields a client sent (all of them when it
 * creates the item): the window ends after it starts, checked when either end is sent and named
 * after the end sent; and the price is one every payment method accepts, checked when it is
 * sent. A change that leaves them alone does not answer for them: an item priced under rules
 * older than these can still be renamed. (Lengths are checked with the rest of the request's
 * shape.)
 */
export function assertValidDetails(details: OfferingDetails, sent: readonly OfferingDetailField[] = OFFERING_DETAIL_FIELDS): void {
  const errors = detailsErrors(details, sent);
  if (errors.size > 0) throw new ValidationFailed(Object.fromEntries([...errors].map(([field, message]) => [field, [message]])));
}

/**
 * What `assertValidDetails` would say, by field as a request names it, of the details at hand:
 * the window only where both its ends are, the price where it is (for a request whose other
 * fields are malformed, so that it is told everything at once).
 */
export function detailsErrors(details: Partial<OfferingDetails>, sent: readonly OfferingDetailField[]): Map<string, string> {
  const errors = new Map<string, string>();
  if (details.startAt && details.endAt && !(details.endAt.getTime() > details.startAt.getTime())) {
    if (sent.includes('endAt')) errors.set('end_at', 'Must be after start_at.');
    else if (sent.includes('startAt')) errors.set('start_at', 'Must be before end_at.');
  }
  if (details.price && sent.includes('price') && (details.price.compare(SALEABLE_PRICES.min) < 0 || details.price.compare(SALEABLE_PRICES.max) > 0)) {
    errors.set('price', `Must be between ${SALEABLE_PRICES.min.toString()} and ${SALEABLE_PRICES.max.toString()}, the amounts every payment method accepts.`);
  }
  return errors;
}

/**
 * An item's window holds the times its registrations were paid (a registration is taken only
 * while its item is open): a change of window may not leave one outside, nor make an item with
 * registrations upcoming again. Closing the item ends its window now, after every payment.
 */
export function assertWindowHoldsPayments(window: { readonly startAt: Date; readonly endAt: Date }, paid: { readonly first: Date; readonly last: Date } | null): void {
  if (!paid) return;
  if (window.startAt.getTime() > paid.first.getTime() || window.endAt.getTime() < paid.last.getTime()) throw new WindowExcludesRegistrations(paid.first, paid.last);
}

/**
 * The window of an item whose sale ends now: it ends at `now`; one that had not started yet
 * starts a millisecond before, so that the window stays a window and the item reads as closed.
 */
export function closedWindow(window: { readonly startAt: Date; readonly endAt: Date }, now: Date): { readonly startAt: Date; readonly endAt: Date } {
  const startAt = window.startAt.getTime() < now.getTime() ? window.startAt : new Date(now.getTime() - 1);
  return { startAt, endAt: now };
}

/** The fields whose values differ between two versions of the details. */
export function changedFields(before: OfferingDetails, after: OfferingDetails): OfferingDetailField[] {
  return OFFERING_DETAIL_FIELDS.filter((field) => detailText(before[field]) !== detailText(after[field]));
}

const detailText = (value: string | Money | Date): string => (value instanceof Date ? value.toISOString() : value.toString());
