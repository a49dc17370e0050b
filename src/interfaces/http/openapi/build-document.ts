import Joi from 'joi';
import j2s from 'joi-to-swagger';
import { responseObject } from '../schemas/common-schemas';
import type { OperationDoc, ResponseHeader } from './operation-doc';

type Json = Record<string, unknown>;

const PROBLEM_SCHEMA = responseObject({
  type: Joi.string().description('A URI reference naming the problem type; it resolves to a page describing it').example('/problems/amount-mismatch'),
  title: Joi.string().example('Amount does not match the price'),
  status: Joi.number().integer().example(400),
  code: Joi.string().description('Stable snake_case identifier to switch on').example('amount_mismatch'),
  detail: Joi.string().optional().example('The amount does not match the price of the item.'),
  errors: Joi.object()
    .optional()
    .pattern(Joi.string(), Joi.array().items(Joi.string()))
    .description('Present for validation failures: field name → messages'),
  request_id: Joi.string().optional().description('Also in the X-Request-Id header and the request log line'),
}).meta({ className: 'Problem' });

const STATUS_TEXT: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 409: 'Conflict', 412: 'Precondition Failed', 413: 'Payload Too Large', 415: 'Unsupported Media Type',
  422: 'Unprocessable Content', 428: 'Precondition Required', 429: 'Too Many Requests', 500: 'Internal Server Error', 503: 'Service Unavailable',
};

type HeaderName = ResponseHeader | 'X-Request-Id' | 'Retry-After' | 'Idempotent-Replayed' | 'WWW-Authenticate';

/** Every response header the service sets, as the document describes it. */
const HEADERS: Readonly<Record<HeaderName, Json>> = {
  'X-Request-Id': { description: 'The request id (echoed when the client sends one), also in the log lines of the request', schema: { type: 'string' } },
  'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer', minimum: 1 } },
  'Idempotent-Replayed': { description: '`true` when the answer is the stored answer of an earlier request with the same Idempotency-Key', schema: { type: 'string', enum: ['true'] } },
  'WWW-Authenticate': { description: '`Bearer`', schema: { type: 'string' } },
  Location: { description: 'The path of the created resource', schema: { type: 'string' } },
  ETag: { description: 'The version of the item, to send back in `If-Match` when changing it', schema: { type: 'string' } },
};

const headersObject = (names: readonly HeaderName[]): Json => ({ headers: Object.fromEntries(names.map((name) => [name, HEADERS[name]])) });

/** Headers of a problem response with the status. */
/** Conflicts that end by themselves, answered with `Retry-After`. */
const PASSING_CONFLICTS: ReadonlySet<string> = new Set(['lock_busy', 'idempotency_request_in_progress']);

const problemHeaders = (status: number, codes: readonly string[]): HeaderName[] => [
  'X-Request-Id',
  ...(status === 429 || status === 503 || codes.some((code) => PASSING_CONFLICTS.has(code)) ? (['Retry-After'] as const) : []),
  ...(status === 401 ? (['WWW-Authenticate'] as const) : []),
];

/** Problems the HTTP shell itself can answer any request with. */
const SHELL_PROBLEMS = [
  { status: 400, codes: ['bad_request'], when: (op: OperationDoc) => op.body !== undefined },
  { status: 413, codes: ['payload_too_large'], when: (op: OperationDoc) => op.body !== undefined },
  { status: 415, codes: ['unsupported_media_type'], when: (op: OperationDoc) => op.body !== undefined },
  // Every statement runs under the statement timeout; authenticated operations all read the database.
  { status: 503, codes: ['query_timeout'], when: (op: OperationDoc) => op.auth },
  // Reads are limited per user (READS_PER_MINUTE).
  { status: 429, codes: ['too_many_requests'], when: (op: OperationDoc) => op.method === 'get' && op.auth },
  // PostgreSQL or Redis unreachable: every operation but the health checks needs one of them.
  { status: 503, codes: ['dependency_unavailable'], when: (op: OperationDoc) => op.tag !== 'operations' },
  { status: 500, codes: ['internal_error'], when: () => true },
];

export interface DocumentInfo {
  readonly title: string;
  readonly version: string;
  readonly description: string;
}

/** Builds the OpenAPI 3 document from the operation descriptions. */
export function buildOpenApiDocument(operations: readonly OperationDoc[], info: DocumentInfo): Json {
  let components: Json = { schemas: {} };
  const toSchema = (schema: Joi.Schema): Json => {
    const converted = j2s(schema, components);
    components = { ...components, ...converted.components, schemas: { ...(components.schemas as Json), ...converted.components?.schemas } };
    return withPlainPatterns(converted.swagger);
  };
  toSchema(PROBLEM_SCHEMA);

  const paths: Record<string, Json> = {};
  for (const op of operations) {
    (paths[op.path] ??= {})[op.method] = operationObject(op, toSchema);
  }

  return {
    openapi: '3.0.3',
    info,
    servers: [{ url: '/' }],
    tags: [...new Set(operations.map((op) => op.tag))].map((name) => ({ name })),
    paths,
    components: {
      ...components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'The `access` token from login or refresh.' },
      },
    },
  };
}

function operationObject(op: OperationDoc, toSchema: (schema: Joi.Schema) => Json): Json {
  const parameters = [
    ...parametersOf(op.pathParams, 'path', toSchema),
    ...parametersOf(op.query, 'query', toSchema),
    ...parametersOf(op.headers, 'header', toSchema),
  ];
  const idempotent = Boolean(op.headers?.describe().keys?.['idempotency-key']);
  const successHeaders: HeaderName[] = ['X-Request-Id', ...(op.success.headers ?? []), ...(idempotent ? (['Idempotent-Replayed'] as const) : [])];
  const responses: Record<string, Json> = {
    [op.success.status]: {
      description: op.success.description,
      ...headersObject(successHeaders),
      ...(op.success.schema
        ? { content: { 'application/json': { schema: toSchema(op.success.schema), ...example(op.success.example) } } }
        : {}),
    },
  };
  const problems = new Map<number, Set<string>>();
  const addProblem = (status: number, codes: readonly string[]) => {
    const set = problems.get(status) ?? new Set<string>();
    codes.forEach((code) => set.add(code));
    problems.set(status, set);
  };
  op.problems.forEach((problem) => addProblem(problem.status, problem.codes));
  SHELL_PROBLEMS.filter((problem) => problem.when(op)).forEach((problem) => addProblem(problem.status, problem.codes));
  for (const [status, codes] of [...problems.entries()].sort(([a], [b]) => a - b)) {
    const list = [...codes];
    responses[status] = {
      description: `${STATUS_TEXT[status] ?? 'Problem'}: ${list.map((code) => `\`${code}\``).join(', ')}`,
      ...headersObject(problemHeaders(status, list)),
      content: {
        'application/problem+json': {
          schema: { allOf: [{ $ref: '#/components/schemas/Problem' }, { type: 'object', properties: { code: { type: 'string', enum: list } } }] },
        },
      },
    };
  }

  return {
    operationId: op.operationId,
    summary: op.summary,
    ...(op.description ? { description: op.description } : {}),
    tags: [op.tag],
    ...(op.auth ? { security: [{ bearer: [] }] } : { security: [] }),
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: op.bodyRequired ?? true,
            content: { 'application/json': { schema: toSchema(op.body), ...example(op.bodyExample) } },
          },
        }
      : {}),
    responses,
  };
}

function parametersOf(schema: Joi.ObjectSchema | undefined, where: 'path' | 'query' | 'header', toSchema: (s: Joi.Schema) => Json): Json[] {
  if (!schema) return [];
  const converted = toSchema(schema) as { properties?: Record<string, Json>; required?: string[] };
  return Object.entries(converted.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property as Json & { description?: string };
    return {
      name,
      in: where,
      required: where === 'path' || (converted.required ?? []).includes(name),
      ...(description ? { description } : {}),
      schema: rest,
    };
  });
}

const example = (value: unknown): Json => (value === undefined ? {} : { example: value });

/** joi-to-swagger leaves the closing slash of regexes with flags (`/…/u`) in `pattern`. */
function withPlainPatterns(schema: Json): Json {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    return Object.fromEntries(
      Object.entries(node).map(([key, value]) =>
        key === 'pattern' && typeof value === 'string' ? [key, value.replace(/\/$/, '')] : [key, walk(value)],
      ),
    );
  };
  return walk(schema) as Json;
}
