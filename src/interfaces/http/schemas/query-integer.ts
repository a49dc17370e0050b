import Joi from 'joi';

/**
 * Joi whose numbers, read from text, must be written in decimal digits. Joi alone reads `1e2`,
 * `2.0`, `+2` or `2\n` as the numbers they spell; a query string's whole numbers (a page, an id)
 * are refused in those forms, as prices written so are, and never echoed into a link.
 */
const DigitsJoi: Joi.Root = Joi.extend((joi: Joi.Root) => ({
  type: 'number',
  base: joi.number(),
  messages: { 'number.digits': '{{#label}} must be a whole number written in digits' },
  prepare: (value: unknown, helpers: Joi.CustomHelpers) => (typeof value === 'string' && !/^[0-9]+$/.test(value) ? { errors: [helpers.error('number.digits')] } : undefined),
}));

/** A whole number of a query string, between `min` and `max`. */
export const queryInteger = (min: number, max: number): Joi.NumberSchema => DigitsJoi.number().integer().min(min).max(max);
