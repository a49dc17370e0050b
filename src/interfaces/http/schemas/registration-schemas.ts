import Joi from 'joi';
import { PAYMENT_METHODS } from '../../../domain/payment-method';
import { moneyOut, positiveMoney, responseObject, timestamp } from './common-schemas';

export const registerBody = Joi.object({
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
