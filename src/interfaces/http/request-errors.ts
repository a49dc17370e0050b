import { DomainError } from '../../domain/errors';

/**
 * Refusals of the HTTP edge itself rather than of a use case: about how a request is made
 * (idempotency keys, versions in `If-Match`) or how long it may run. They map to statuses like
 * any other error, through their category.
 */

export class IdempotencyKeyReused extends DomainError {
  readonly code = 'idempotency_key_reused';
  readonly category = 'unprocessable';

  constructor(detail = 'This Idempotency-Key was already used with a different request.') {
    super(detail);
  }
}

export class IdempotentRequestInProgress extends DomainError {
  readonly code = 'idempotency_request_in_progress';
  readonly category = 'conflict';
  /** The first request's answer is replayed once it ends; a retry soon is how a client waits for it. */
  readonly retryAfterSeconds = 1;

  constructor(detail = 'A request with this Idempotency-Key is still being processed.') {
    super(detail);
  }
}

export class QueryTimedOut extends DomainError {
  readonly code = 'query_timeout';
  readonly category = 'unavailable';

  constructor(
    readonly retryAfterSeconds = 1,
    detail = 'The query took longer than the service allows. Retry shortly, or narrow the search.',
  ) {
    super(detail);
  }
}

/** A change that must say which version of the item it was made against, and does not. */
export class VersionRequired extends DomainError {
  readonly code = 'precondition_required';
  readonly category = 'precondition_required';

  constructor(detail = 'Send the version you read in an If-Match header (the ETag of the item).') {
    super(detail);
  }
}
