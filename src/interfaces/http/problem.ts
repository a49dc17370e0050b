import { type DomainError, type ErrorCategory, type FieldErrors } from '../../domain/errors';
import { PROBLEM_TYPES } from './problem-types';

/** The one table from domain error categories to HTTP statuses. */
export const STATUS_BY_CATEGORY: Readonly<Record<ErrorCategory, number>> = {
  invalid_input: 400,
  rule_violation: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  precondition_required: 428,
  unprocessable: 422,
  rate_limited: 429,
  unavailable: 503,
};

/** Problems raised by the HTTP shell itself rather than by a use case. */
export const HTTP_PROBLEMS: Readonly<Record<number, { code: string; title: string }>> = {
  400: { code: 'bad_request', title: 'Bad request' },
  401: { code: 'invalid_token', title: 'Invalid or expired token' },
  404: { code: 'not_found', title: 'Not found' },
  405: { code: 'method_not_allowed', title: 'Method not allowed' },
  408: { code: 'request_timeout', title: 'Request timeout' },
  413: { code: 'payload_too_large', title: 'Payload too large' },
  414: { code: 'uri_too_long', title: 'URI too long' },
  415: { code: 'unsupported_media_type', title: 'Unsupported media type' },
  417: { code: 'expectation_failed', title: 'Expectation failed' },
  431: { code: 'request_header_fields_too_large', title: 'Request header fields too large' },
  500: { code: 'internal_error', title: 'Internal server error' },
  501: { code: 'not_implemented', title: 'Not implemented' },
};

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: string;
  readonly detail?: string;
  readonly errors?: FieldErrors;
  readonly request_id?: string;
}

const typeUri = (code: string): string => `/problems/${code.replace(/_/g, '-')}`;

export function problemFromDomainError(error: DomainError): Problem {
  return {
    type: typeUri(error.code),
    title: PROBLEM_TYPES.get(error.code)?.title ?? HTTP_PROBLEMS[STATUS_BY_CATEGORY[error.category]]?.title ?? 'Problem',
    status: STATUS_BY_CATEGORY[error.category],
    code: error.code,
    detail: error.detail,
    ...('errors' in error ? { errors: error.errors as FieldErrors } : {}),
  };
}

export function problemFromStatus(status: number, detail?: string): Problem {
  const known = HTTP_PROBLEMS[status] ?? (status >= 500 ? HTTP_PROBLEMS[500] : HTTP_PROBLEMS[400]);
  return { type: typeUri(known.code), title: known.title, status, code: known.code, detail };
}
