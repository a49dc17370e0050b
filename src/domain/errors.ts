/**
 * Typed domain errors. Each carries a stable snake_case `code` that clients switch on and a
 * `category` that the HTTP edge maps to a status in one table; the domain never speaks HTTP
 * (the problem titles and pages are the HTTP edge's, in `interfaces/http/problem-types.ts`).
 */
export type ErrorCategory =
  | 'invalid_input'
  | 'rule_violation'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'precondition_failed'
  | 'precondition_required'
  | 'unprocessable'
  | 'rate_limited'
  | 'unavailable';

export type FieldErrors = Readonly<Record<string, readonly string[]>>;

export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly category: ErrorCategory;

  constructor(readonly detail?: string) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly code = 'validation_failed';
  readonly category = 'invalid_input';

  constructor(
    readonly errors: FieldErrors,
    detail = 'One or more fields are invalid.',
  ) {
    super(detail);
  }

  static field(field: string, message: string): ValidationFailed {
    return new ValidationFailed({ [field]: [message] });
  }
}

export class InvalidCredentials extends DomainError {
  readonly code = 'invalid_credentials';
  readonly category = 'unauthenticated';

  constructor() {
    super('The email or password is incorrect.');
  }
}

export class InvalidToken extends DomainError {
  readonly code = 'invalid_token';
  readonly category = 'unauthenticated';

  constructor(detail = 'The token is missing, malformed, expired, revoked or of the wrong type.') {
    super(detail);
  }
}

export class TooManyRequests extends DomainError {
  readonly code = 'too_many_requests';
  readonly category = 'rate_limited';

  constructor(
    readonly retryAfterSeconds: number,
    detail = 'Too many attempts. Try again later.',
  ) {
    super(detail);
  }
}

export class NotFound extends DomainError {
  readonly code = 'not_found';
  readonly category = 'not_found';

  constructor(detail = 'The requested resource does not exist.') {
    super(detail);
  }
}

export class PageNotFound extends DomainError {
  readonly code = 'page_not_found';
  readonly category = 'not_found';

  constructor(detail = 'The requested page is past the last page.') {
    super(detail);
  }
}

export class PageTooDeep extends DomainError {
  readonly code = 'page_too_deep';
  readonly category = 'invalid_input';

  constructor(readonly resultWindow: number) {
    super(`Page numbers reach the first ${resultWindow} results; to read further, follow cursors (start with cursor= and follow the next links).`);
  }
}

export class AlreadyRegistered extends DomainError {
  readonly code = 'already_registered';
  readonly category = 'rule_violation';

  constructor(detail = 'You already hold an active registration for this item.') {
    super(detail);
  }
}

export class NotOpen extends DomainError {
  readonly code = 'not_open';
  readonly category = 'rule_violation';

  constructor(detail = 'The item is not open for registration now.') {
    super(detail);
  }
}

export class AmountMismatch extends DomainError {
  readonly code = 'amount_mismatch';
  readonly category = 'rule_violation';

  constructor(detail = 'The amount does not match the price of the item.') {
    super(detail);
  }
}

export class PaymentMethodLimit extends DomainError {
  readonly code = 'payment_method_limit';
  readonly category = 'rule_violation';

  constructor(detail = 'The amount is outside the limits of the payment method.') {
    super(detail);
  }
}

export class NotRegistered extends DomainError {
  readonly code = 'not_registered';
  readonly category = 'not_found';

  constructor(detail = 'You hold no active registration for this item.') {
    super(detail);
  }
}

export class AlreadyCompleted extends DomainError {
  readonly code = 'already_completed';
  readonly category = 'rule_violation';

  constructor(detail = 'The registration is already completed.') {
    super(detail);
  }
}

/** Cancelling a payment whose registration is completed: a conflict with the item's state. */
export class CompletedRegistrationNotCancellable extends DomainError {
  readonly code = 'already_completed';
  readonly category = 'conflict';

  constructor(detail = 'A payment for a completed item cannot be cancelled.') {
    super(detail);
  }
}

export class NotStarted extends DomainError {
  readonly code = 'not_started';
  readonly category = 'rule_violation';

  constructor(detail = 'The item has not started yet.') {
    super(detail);
  }
}

export class AlreadyCancelled extends DomainError {
  readonly code = 'already_cancelled';
  readonly category = 'rule_violation';

  constructor(detail = 'The payment is already cancelled.') {
    super(detail);
  }
}

export class LockBusy extends DomainError {
  readonly code = 'lock_busy';
  readonly category = 'conflict';
  /** The other request ends within the lock's lease; a retry soon is how a client waits for it. */
  readonly retryAfterSeconds = 1;

  constructor(detail = 'Another request for the same resource is in progress. Retry shortly.') {
    super(detail);
  }
}

export class PaymentDeclined extends DomainError {
  readonly code = 'payment_declined';
  readonly category = 'rule_violation';

  constructor(detail = 'The payment gateway declined the payment.') {
    super(detail);
  }
}

export class DependencyUnavailable extends DomainError {
  readonly code = 'dependency_unavailable';
  readonly category = 'unavailable';
  /** "Shortly", as a client can act on it (a reconnection is tried about every second). */
  readonly retryAfterSeconds = 2;

  constructor(detail = 'A service this request depends on is unavailable. Retry shortly.') {
    super(detail);
  }
}

export class LockLost extends DomainError {
  readonly code = 'lock_busy';
  readonly category = 'conflict';
  readonly retryAfterSeconds = 1;

  constructor(detail = 'The request lost its hold on the resource before finishing; nothing was charged. Retry it.') {
    super(detail);
  }
}

export class Forbidden extends DomainError {
  readonly code = 'forbidden';
  readonly category = 'forbidden';

  constructor(detail = 'Your account may not do this.') {
    super(detail);
  }
}

/** A change made against a version of the item that is no longer the current one. */
export class VersionMismatch extends DomainError {
  readonly code = 'version_mismatch';
  readonly category = 'precondition_failed';

  constructor(readonly currentVersion: number) {
    super(`The item changed since the version you sent; its current version is ${currentVersion}. Read it again and retry.`);
  }
}

/** A change of an item's window that would leave registrations already paid outside it. */
export class WindowExcludesRegistrations extends DomainError {
  readonly code = 'registrations_outside_window';
  readonly category = 'conflict';

  constructor(first: Date, last: Date) {
    super(
      `Registrations for this item were paid from ${first.toISOString()} to ${last.toISOString()}: its window must still hold them ` +
        '(start_at at or before the first, end_at at or after the last). To end the sale now, close the item instead.',
    );
  }
}

export class ItemHasRegistrations extends DomainError {
  readonly code = 'has_registrations';
  readonly category = 'conflict';

  constructor(detail = 'Someone has applied or enrolled for this item (a payment of it exists, even a failed one): it cannot be deleted. Close it instead.') {
    super(detail);
  }
}
