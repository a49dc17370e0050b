import Joi from 'joi';
import type { Money } from '../../../domain/money';
import { PAYMENT_METHODS, type PaymentMethod } from '../../../domain/payment-method';
import { moneyOut, positiveMoney, responseObject, timestamp } from './common-schemas';

export interface RegisterBody {
  readonly amount: Money;
  readonly payment_method: PaymentMethod;
}

export const registerBody = Joi.object<RegisterBody>({
  amount: positiveMoney.required(),
  payment_method: Joi.string()
    .valid(...PAYMENT_METHODS)
    .required(),
}).required();

export const registrationResponse = (idField: string) =>
  responseObject({
    payment_id: Joi.number().integer(),
    [idField]: Joi.number().integer(),
    payment_method: Joi.string().valid(...PAYMENT_METHODS),
    amount: moneyOut,
    paid_at: timestamp,
  });

export const completionResponse = (idField: string) =>
  responseObject({
    [idField]: Joi.number().integer(),
    status: Joi.string().valid('completed'),
    completed_at: timestamp,
  });
