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

/** Validates `input` against `schema`; throws `ValidationFailed` with messages per field. */
export function validate<T>(schema: Joi.Schema<T>, input: unknown): T {
  const errors: Record<string, string[]> = {};
  // PostgreSQL text cannot hold NUL characters: refuse them here rather than fail in the driver.
  for (const field of fieldsWithNul(input, [])) (errors[field] ??= []).push('Must not contain NUL characters.');
  if (Object.keys(errors).length > 0) throw new ValidationFailed(errors);

  const { value, error } = schema.validate(input ?? {}, OPTIONS);
  if (!error) return value;
  for (const detail of error.details) {
    const field = detail.path.length > 0 ? detail.path.join('.') : NON_FIELD_ERRORS;
    (errors[field] ??= []).push(sentence(detail.message));
  }
  throw new ValidationFailed(errors);
}

const sentence = (message: string): string => {
  const text = message.charAt(0).toUpperCase() + message.slice(1);
  return text.endsWith('.') ? text : `${text}.`;
};

function fieldsWithNul(value: unknown, path: string[]): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path.join('.') || NON_FIELD_ERRORS] : [];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key.includes('\u0000') ? [NON_FIELD_ERRORS] : fieldsWithNul(inner, [...path, key]),
  );
}
