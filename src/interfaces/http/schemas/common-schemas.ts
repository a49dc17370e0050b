import Joi from 'joi';
import { Money } from '../../../domain/money';

/** Money in: a positive decimal as a string or a JSON number (`"45000"`, `45000`, `"45000.00"`). */
export const positiveMoney = Joi.alternatives()
  .try(Joi.string().max(32), Joi.number())
  .custom((value, helpers) => {
    const money = Money.tryParse(value);
    return money && money.isPositive() ? money : helpers.error('any.invalid');
  })
  .messages({ 'any.invalid': '{{#label}} must be a positive decimal of at most 99999999.99: at most 8 digits before the point and 2 after' })
  .description('Decimal with at most 2 places, as a string or a number')
  .example('45000.00');

/** How many characters (Unicode code points) `value` holds; a UTF-16 length counts an emoji twice. */
function characterCount(value: string): number {
  let count = 0;
  for (const _ of value) count += 1;
  return count;
}

/**
 * `schema` holding at most `max` characters, counted as PostgreSQL's `varchar(n)` and JSON
 * Schema's `maxLength` count them (code points): Joi's own `max` counts UTF-16 units, so 101
 * emoji would pass 200.
 */
export function withMaxCharacters<T extends Joi.StringSchema>(schema: T, max: number): T {
  return schema
    .custom((value: string, helpers) => (value.length > max && characterCount(value) > max ? helpers.error('string.max', { limit: max }) : value))
    .meta({ swagger: { maxLength: max } }) as T;
}

/** `schema` holding at least `min` characters, counted as `withMaxCharacters` counts them. */
export function withMinCharacters<T extends Joi.StringSchema>(schema: T, min: number): T {
  return schema
    .custom((value: string, helpers) => (characterCount(value) < min ? helpers.error('string.min', { limit: min }) : value))
    .meta({ swagger: { minLength: min } }) as T;
}

/**
 * The body of a command whose path says everything it needs (a close, a deletion, a completion):
 * none, or an object without fields. A field is refused like any unknown one, so that a client
 * expecting it to count (`dry_run`, an end date) is told it does not.
 */
export const emptyBody = Joi.object({}).description('No fields: send no body, or `{}`');

/** Money out: always a string with two places. */
export const moneyOut = Joi.string().pattern(/^\d+\.\d{2}$/).example('45000.00');

export const timestamp = Joi.string().isoDate().example('2026-11-24T10:59:00.832Z');

export const idempotencyKeyHeader = Joi.object({
  'idempotency-key': Joi.string()
    .min(1)
    .max(255)
    .description('Makes the request safe to retry: the first response is stored for 24 h and replayed (one header; two are a 400)'),
});

/**
 * A response object: every key is always present (the OpenAPI document lists it as required, so
 * generated clients type it so) unless it is marked `.optional()`; `null` values are allowed only
 * where a key says so.
 */
export const responseObject = (keys: Readonly<Record<string, Joi.Schema>>): Joi.ObjectSchema =>
  Joi.object(Object.fromEntries(Object.entries(keys).map(([name, schema]) => [name, schema.$_getFlag('presence') === 'optional' ? schema : schema.required()])));

export const envelopeOf = (item: Joi.Schema, className: string) =>
  responseObject({
    count: Joi.number().integer(),
    next: Joi.string().uri().allow(null),
    previous: Joi.string().uri().allow(null),
    results: Joi.array().items(item),
  }).meta({ className });

/** The words of a `search` parameter, as the use cases take them. */
/** The words of a search, in Unicode's composed form (NFC), as titles are stored. */
export const searchWords = (search: string | undefined): string[] => (search ?? '').normalize('NFC').split(/\s+/).filter(Boolean);
