import type { DomainError } from '../../domain/errors';

const UNIQUE_VIOLATION = '23505';

interface PgError {
  code?: string;
  constraint?: string;
}

/**
 * The one place that turns a unique-constraint violation into a domain error: each repository
 * names its constraints and the error each one means. Other errors pass through unchanged.
 */
export function translateUniqueViolation(
  error: unknown,
  byConstraint: Readonly<Record<string, () => DomainError>>,
): unknown {
  const pgError = error as PgError;
  if (pgError?.code !== UNIQUE_VIOLATION || !pgError.constraint) return error;
  const toDomain = byConstraint[pgError.constraint];
  return toDomain ? toDomain() : error;
}
