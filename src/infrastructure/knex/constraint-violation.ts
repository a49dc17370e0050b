import type { DomainError } from '../../domain/errors';

/** Unique and foreign-key violations: what a write can run into because of what others did or hold. */
const CONSTRAINT_VIOLATIONS = new Set(['23505', '23503']);

interface PgError {
  code?: string;
  constraint?: string;
}

/**
 * The one place that turns a unique-constraint or foreign-key violation into a domain error:
 * each repository names its constraints and the error each one means. Other errors pass
 * through unchanged.
 */
export function translateConstraintViolation(
  error: unknown,
  byConstraint: Readonly<Record<string, () => DomainError>>,
): unknown {
  const pgError = error as PgError;
  if (!CONSTRAINT_VIOLATIONS.has(pgError?.code ?? '') || !pgError.constraint) return error;
  const toDomain = byConstraint[pgError.constraint];
  return toDomain ? toDomain() : error;
}
