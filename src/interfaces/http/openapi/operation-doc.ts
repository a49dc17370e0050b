import type Joi from 'joi';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Response headers an operation's success may carry, besides `X-Request-Id` (on every response). */
export type ResponseHeader = 'Location' | 'ETag';

export interface ProblemDoc {
  readonly status: number;
  /** The `code` values a client can receive with this status. */
  readonly codes: readonly string[];
}

/**
 * One documented operation. Its schemas are the very joi objects the route validates with, so
 * the document cannot disagree with what the service accepts.
 */
export interface OperationDoc {
  readonly method: HttpMethod;
  /** The documented path, with its trailing slash and `{name}` parameters: `/api/tests/{id}/`. */
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  readonly auth: boolean;
  readonly pathParams?: Joi.ObjectSchema;
  readonly query?: Joi.ObjectSchema;
  readonly headers?: Joi.ObjectSchema;
  readonly body?: Joi.Schema;
  readonly bodyRequired?: boolean;
  readonly bodyExample?: unknown;
  readonly success: {
    readonly status: number;
    readonly description: string;
    readonly schema?: Joi.Schema;
    readonly example?: unknown;
    readonly headers?: readonly ResponseHeader[];
  };
  readonly problems: readonly ProblemDoc[];
}

/** Problems every authenticated operation can answer with. */
export const AUTH_PROBLEMS: readonly ProblemDoc[] = [{ status: 401, codes: ['invalid_token'] }];
