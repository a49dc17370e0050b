import type Joi from 'joi';
import { ValidationFailed } from '../../domain/errors';

/** Errors about the input as a whole (not one field) are listed under this key. */
export const NON_FIELD_ERRORS = 'non_field_errors';

const OPTIONS: Joi.ValidationOptions = {
  abortEarly: false,
  convert: true,
  allowUnknown: false,
  errors: { wrap: { label: false } },
};

/** What each schema makes of an empty input (its defaults): the commonest query string, validated once. */
const emptyInputValues = new WeakMap<Joi.Schema, unknown>();

/**
 * Validates a query string: each parameter given once (none of the API's takes a list), then
 * against `schema`.
 */
export function validateQuery<T>(schema: Joi.Schema<T>, query: Readonly<Record<string, string | string[] | undefined>>): T {
  const repeated = Object.keys(query).filter((name) => Array.isArray(query[name]));
  if (repeated.length > 0) throw new ValidationFailed(fieldErrors(new Map(repeated.map((name) => [name, [sentence(`${name} must be given once`)]]))));
  return validate(schema, query);
}

/** Validates `input` against `schema`; throws `ValidationFailed` with messages per field. */
export function validate<T>(schema: Joi.Schema<T>, input: unknown): T {
  if (isEmptyObject(input)) {
    if (!emptyInputValues.has(schema)) emptyInputValues.set(schema, Object.freeze(validateInput(schema, input)));
    return emptyInputValues.get(schema) as T;
  }
  return validateInput(schema, input);
}

function isEmptyObject(input: unknown): boolean {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) return false;
  for (const key in input) if (Object.hasOwn(input, key)) return false;
  return true;
}

/**
 * No input of this API holds more than a few dozen values; this leaves ample room. Beyond it an
 * input is refused before it is walked: the checks below and joi's reports (one per unknown
 * key) cost in proportion to the values, which a small compressed body can hold by the ten
 * thousand.
 */
export const MAX_INPUT_VALUES = 1_000;

/** Refuses an input of more than `MAX_INPUT_VALUES` values, before anything walks it. */
export function refuseOversizedInput(input: unknown): void {
  if (holdsMoreValues(input, MAX_INPUT_VALUES)) {
    throw new ValidationFailed(fieldErrors(new Map([[NON_FIELD_ERRORS, [`The request holds more than ${MAX_INPUT_VALUES} values.`]]])));
  }
}

function validateInput<T>(schema: Joi.Schema<T>, input: unknown): T {
  refuseOversizedInput(input);
  // Field names come from the client (`constructor`, `__proto__`, …): collected in a map, never
  // looked up on an object.
  const errors = new Map<string, string[]>();
  const add = (field: string, message: string) => errors.set(field, [...(errors.get(field) ?? []), message]);
  // PostgreSQL text cannot hold NUL characters, nor JSON a lone surrogate (`"\ud800"`): refuse
  // them here rather than fail in the driver, or when the answer naming them is stored.
  for (const field of fieldsWith(holdsNul, input, [])) add(field, 'Must not contain NUL characters.');
  for (const field of fieldsWith(holdsLoneSurrogate, input, [])) add(field, 'Must be valid Unicode text: it holds a lone surrogate.');
  // Joi passes over a key named `__proto__` (an own key of a parsed query string or JSON body),
  // where it refuses every other name it does not know.
  for (const field of fieldsNamedProto(input, [])) add(field, sentence(`${field.split('.').pop()} is not allowed`));
  if (errors.size > 0) throw new ValidationFailed(fieldErrors(errors));

  const { value, error } = schema.validate(input ?? {}, OPTIONS);
  if (!error) return value;
  for (const detail of error.details) add(detail.path.length > 0 ? detail.path.join('.') : NON_FIELD_ERRORS, sentence(detail.message));
  throw new ValidationFailed(fieldErrors(errors));
}

/** The errors as an object without a prototype, so that any field name is an own property. */
function fieldErrors(errors: ReadonlyMap<string, string[]>): Record<string, string[]> {
  return Object.assign(Object.create(null) as Record<string, string[]>, Object.fromEntries(errors));
}

const sentence = (message: string): string => {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return text.endsWith('.') ? text : `${text}.`;
};

function fieldsNamedProto(value: unknown, path: string[]): string[] {
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '__proto__' ? [[...path, key].join('.')] : fieldsNamedProto(inner, [...path, key])));
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const holdsNul = (text: string): boolean => text.includes('\u0000');
const holdsLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text);

/** The fields whose text `holds` something; a field whose name does is reported as the input's. */
function fieldsWith(holds: (text: string) => boolean, value: unknown, path: string[]): string[] {
  if (typeof value === 'string') return holds(value) ? [path.join('.') || NON_FIELD_ERRORS] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => (holds(key) ? [NON_FIELD_ERRORS] : fieldsWith(holds, inner, [...path, key])));
}

/** Whether `input` holds more than `limit` values (keys' values and array elements, nested), counted no further than that. */
function holdsMoreValues(input: unknown, limit: number): boolean {
  const pending: unknown[] = [input];
  let counted = 0;
  while (pending.length > 0) {
    const value = pending.pop();
    if (value === null || typeof value !== 'object') continue;
    // Read one by one, not through a copy of them all, so as to stop at the limit.
    if (Array.isArray(value)) {
      if (counted + value.length > limit) return true;
      counted += value.length;
      pending.push(...value);
      continue;
    }
    for (const key in value) {
      counted += 1;
      if (counted > limit) return true;
      pending.push((value as Record<string, unknown>)[key]);
    }
  }
  return false;
}
