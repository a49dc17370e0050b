import Joi from 'joi';
import { DESCRIPTION_MAX_LENGTH, type OfferingDetailField, SALEABLE_PRICES, TITLE_MAX_LENGTH, detailsErrors } from '../../../domain/offering-details';
import { ValidationFailed } from '../../../domain/errors';
import { validate } from '../validation';
import type { Money } from '../../../domain/money';
import { ALL_OFFERING_KINDS, type OfferingKind } from '../../../domain/offering-kind';
import { parseInstant } from '../calendar';
import { pageParams } from '../pagination';
import { envelopeOf, positiveMoney, responseObject, timestamp, withMaxCharacters } from './common-schemas';
import { queryInteger } from './query-integer';

/** An item's details as a request body names them, once validated (money and instants parsed). */
export interface DetailsBody {
  readonly title?: string;
  readonly description?: string;
  readonly price?: Money;
  readonly start_at?: Date;
  readonly end_at?: Date;
}

/** The audit log's query string, once validated. */
export interface AuditListQuery {
  readonly page: number;
  readonly page_size: number;
  readonly item_kind?: OfferingKind;
  readonly item_id?: number;
  readonly staff_user_id?: number;
}

const instant = Joi.string()
  .max(40)
  .custom((value: string, helpers) => parseInstant(value) ?? helpers.error('any.invalid'))
  .messages({ 'any.invalid': '{{#label}} must be an ISO 8601 date and time with its offset, e.g. 2026-12-01T09:00:00Z' })
  .example('2026-12-01T09:00:00Z');

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text as Unicode means it: no lone surrogate, which would be stored as a replacement character;
 * kept in Unicode's composed form (NFC), as searches are read (`é` one character, not `e` and an
 * accent), so that a word is found however its client wrote it.
 */
const text = Joi.string()
  .normalize('NFC')
  .custom((value: string, helpers) => (LONE_SURROGATE.test(value) ? helpers.error('string.malformed') : value))
  .messages({ 'string.malformed': '{{#label}} must be well-formed Unicode text' });

/**
 * Something to read: at least one letter, digit, punctuation mark or symbol, not only blanks or
 * invisible marks. Some letters and symbols render as nothing and do not count: the Hangul
 * fillers (U+3164, U+115F, U+FFA0), which Unicode lists with the zero-width characters as
 * Default_Ignorable_Code_Point, and the blank Braille pattern (U+2800), which it does not.
 */
const VISIBLE = /(?![\p{Default_Ignorable_Code_Point}\u2800])[\p{L}\p{N}\p{P}\p{S}]/u;

const details = {
  title: withMaxCharacters(text.trim().min(1), TITLE_MAX_LENGTH)
    .pattern(VISIBLE)
    .messages({ 'string.pattern.base': '{{#label}} must contain a visible letter, digit, punctuation mark or symbol' }),
  description: withMaxCharacters(text.allow(''), DESCRIPTION_MAX_LENGTH),
  price: positiveMoney.description(
    `Decimal with at most 2 places; between ${SALEABLE_PRICES.min.toString()} and ${SALEABLE_PRICES.max.toString()}, the amounts every payment method accepts`,
  ),
  start_at: instant.description('When the sale opens (ISO 8601 with an offset)'),
  end_at: instant.description('When the sale ends; after start_at'),
};

export const createOfferingBody = Joi.object<Required<DetailsBody>>({
  ...details,
  title: details.title.required(),
  description: details.description.default(''),
  price: details.price.required(),
  start_at: details.start_at.required(),
  end_at: details.end_at.required(),
});

export const changeOfferingBody = Joi.object<DetailsBody>(details).min(1).messages({ 'object.min': 'Send at least one field to change' });

/** The request's names of the details the rules on the whole look at, with the domain's. */
const RULED_FIELDS = [
  ['price', 'price'],
  ['start_at', 'startAt'],
  ['end_at', 'endAt'],
] as const satisfies ReadonlyArray<readonly [keyof typeof details, OfferingDetailField]>;

/**
 * `validate` for a body of details, which tells everything wrong with it at once: where some
 * fields are malformed, the rules on the details as a whole (the window's order, the saleable
 * prices) are applied to the fields sent that are well-formed, and their errors join the others.
 */
export function validateDetailsBody<T extends DetailsBody>(schema: Joi.ObjectSchema<T>, input: unknown): T {
  try {
    return validate(schema, input);
  } catch (error) {
    if (!(error instanceof ValidationFailed) || input === null || typeof input !== 'object' || Array.isArray(input)) throw error;
    const sent = RULED_FIELDS.filter(([name]) => Object.hasOwn(input, name));
    const wellFormed = Object.fromEntries(
      sent.flatMap(([name, field]) => {
        const { value, error: malformed } = details[name].validate((input as Record<string, unknown>)[name]);
        return malformed ? [] : [[field, value]];
      }),
    );
    const more = [...detailsErrors(wellFormed, sent.map(([, field]) => field))].filter(([name]) => !Object.hasOwn(error.errors, name));
    if (more.length === 0) throw error;
    throw new ValidationFailed({ ...error.errors, ...Object.fromEntries(more.map(([name, message]) => [name, [message]])) });
  }
}

const ifMatch = Joi.string().description('The ETag of the item as you read it; a stale one is refused with 412');

/** A change names the version it was made against (428 without it). */
export const requiredIfMatchHeader = Joi.object({ 'if-match': ifMatch.required() });

/** A close or a deletion checks the version it names, if any. */
export const optionalIfMatchHeader = Joi.object({ 'if-match': ifMatch });

export const auditListQuery = Joi.object<AuditListQuery>({
  ...pageParams,
  item_kind: Joi.string().valid(...ALL_OFFERING_KINDS).description('Only changes of this kind of item'),
  item_id: queryInteger(1, Number.MAX_SAFE_INTEGER).description('Only changes of this item (with item_kind)'),
  staff_user_id: queryInteger(1, Number.MAX_SAFE_INTEGER).description('Only changes made by this staff user'),
}).with('item_id', 'item_kind');

const auditedFields = Joi.object().pattern(Joi.string(), Joi.string()).allow(null);

export const auditEntry = responseObject({
  id: Joi.number().integer(),
  staff_user_id: Joi.number().integer(),
  action: Joi.string().valid('create', 'update', 'close', 'delete'),
  item_kind: Joi.string().valid(...ALL_OFFERING_KINDS),
  item_id: Joi.number().integer(),
  before: auditedFields.description('The changed fields before the change (null when created)'),
  after: auditedFields.description('The changed fields after the change (null when deleted)'),
  created_at: timestamp,
}).meta({ className: 'AuditEntry' });

export const auditPage = envelopeOf(auditEntry, 'AuditPage');
