import { buildOpenApiDocument } from './build-document';
import { ALL_OPERATIONS } from './operations';
import { HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../client-timeouts';

const DESCRIPTION = [
  'Exam applications and course enrollments with payments.',
  '',
  'Authenticate with `POST /api/auth/login/`, then press **Authorize** and paste the `access` token.',
  'Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.',
  `A request must send its headers within ${HEADERS_TIMEOUT_MS / 1000} s and all of it within ${REQUEST_TIMEOUT_MS / 1000} s, else it is a 408 \`request_timeout\`.`,
  'Money is a decimal string with two places (`"45000.00"`); timestamps are ISO-8601 UTC.',
].join('\n');

let cached: Record<string, unknown> | null = null;

/** The OpenAPI document of the service, built once from the operation descriptions. */
export function openApiDocument(): Record<string, unknown> {
  cached ??= buildOpenApiDocument(ALL_OPERATIONS, {
    title: 'Exam & course registration API',
    version: '1.0.0',
    description: DESCRIPTION,
  });
  return cached;
}
