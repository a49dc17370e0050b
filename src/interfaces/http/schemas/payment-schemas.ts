import Joi from 'joi';
import type { OfferingKind } from '../../../domain/offering-kind';
import { PAYMENT_STATUSES, type SettledPaymentStatus } from '../../../domain/payment';
import { PAYMENT_METHODS } from '../../../domain/payment-method';
import { isCalendarDate } from '../calendar';
import { pageParams } from '../pagination';
import { envelopeOf, moneyOut, responseObject, timestamp, withMaxCharacters } from './common-schemas';

const isoDate = Joi.string()
  .pattern(/^\d{4}-\d{2}-\d{2}$/)
  .custom((value: string, helpers) => (isCalendarDate(value) ? value : helpers.error('any.invalid')))
  .messages({ 'string.pattern.base': '{{#label}} must be a date as YYYY-MM-DD', 'any.invalid': '{{#label}} is not a valid date' });

/** The payment history's query string, once validated. */
export interface PaymentListQuery {
  readonly page: number;
  readonly page_size: number;
  readonly status?: SettledPaymentStatus;
  readonly payment_type?: OfferingKind;
  readonly from?: string;
  readonly to?: string;
  readonly search?: string;
}

export const paymentListQuery = Joi.object<PaymentListQuery>({
  ...pageParams,
  status: Joi.string().valid(...PAYMENT_STATUSES),
  payment_type: Joi.string().valid('test', 'course'),
  from: isoDate.description('Inclusive lower bound on the UTC date of paid_at'),
  to: isoDate.description('Inclusive upper bound on the UTC date of paid_at'),
  search: withMaxCharacters(Joi.string().allow(''), 200).description('Words that must all appear in the item title, case-insensitive, the last one also as a prefix, read as the catalogue search reads them; at most 200 characters'),
});

export const cancelBody = Joi.object<{ readonly reason?: string }>({
  // A reason of blanks is no reason: stored as none, and the same request as one without it.
  reason: withMaxCharacters(Joi.string().trim().empty(''), 500),
});

export const paymentItem = responseObject({
  id: Joi.number().integer(),
  payment_type: Joi.string().valid('test', 'course'),
  target_id: Joi.number().integer(),
  target_title: Joi.string(),
  amount: moneyOut,
  payment_method: Joi.string().valid(...PAYMENT_METHODS),
  status: Joi.string().valid(...PAYMENT_STATUSES),
  paid_at: timestamp,
  cancelled_at: timestamp.allow(null),
  registration_time: timestamp.allow(null),
  refund_reason: Joi.string().allow(null),
}).meta({ className: 'Payment' });

export const paymentPage = envelopeOf(paymentItem, 'PaymentPage');

export const cancellationResponse = responseObject({
  payment_id: Joi.number().integer(),
  status: Joi.string().valid('cancelled'),
  cancelled_at: timestamp,
});
