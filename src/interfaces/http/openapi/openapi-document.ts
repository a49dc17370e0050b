import { buildOpenApiDocument } from './build-document';
import { ALL_OPERATIONS } from './operations';

const DESCRIPTION = [
  'Exam applications and course enrollments with payments.',
  '',
  'Authenticate with `POST /api/auth/login/`, then press **Authorize** and paste the `access` token.',
  'Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`.',
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
