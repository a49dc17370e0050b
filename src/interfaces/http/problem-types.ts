import { PAYMENT_METHOD_LIMITS_TEXT } from './payment-method-limits';

/**
 * What each problem `code` means, served at its `type` URI (`/problems/amount-mismatch`) so that
 * a developer who meets one can read what happened and what to do.
 */
export const PROBLEM_TYPES: ReadonlyMap<string, { readonly title: string; readonly description: string }> = new Map([
  ['validation_failed', { title: 'The request is not valid', description: 'One or more fields or parameters are missing or malformed; `errors` names each with its messages. Fix the request; retrying it unchanged gives the same answer.' }],
  ['bad_request', { title: 'Bad request', description: 'The request could not be read: malformed JSON, a body that is not valid UTF-8, a JSON document nested too deeply, a query string that is not valid percent-encoded UTF-8, a malformed Host header, or a request line Node refuses. With status 417, an `Expect` header other than `100-continue`, the only expectation the service meets.' }],
  ['page_too_deep', { title: 'Page too deep', description: 'Page numbers reach the first results only (MAX_RESULT_WINDOW, 10,000 by default). To read further, page with `cursor` (start with `cursor=` and follow `next`).' }],
  ['already_registered', { title: 'Already registered', description: 'You already hold an active registration for this item; cancel its payment first to register again.' }],
  ['not_open', { title: 'Not open for registration', description: 'Now is outside the item\'s window [start_at, end_at].' }],
  ['amount_mismatch', { title: 'Amount does not match the price', description: 'The amount sent is not the item\'s current price; read the item again (its price may have changed) and send that.' }],
  ['payment_method_limit', { title: 'Amount outside the payment method limits', description: `The payment method does not accept this amount (${PAYMENT_METHOD_LIMITS_TEXT}). Choose another method.` }],
  ['payment_declined', { title: 'Payment declined', description: 'The payment gateway declined the charge; nothing was charged and nothing was registered.' }],
  ['already_completed', { title: 'Already completed', description: 'The registration is completed: it cannot be completed again (400), and its payment cannot be cancelled (409).' }],
  ['not_started', { title: 'Not started', description: 'The item has not started yet, so it cannot be completed.' }],
  ['already_cancelled', { title: 'Already cancelled', description: 'The payment is already cancelled and refunded.' }],
  ['invalid_credentials', { title: 'Invalid credentials', description: 'The email or password is incorrect.' }],
  ['invalid_token', { title: 'Invalid or expired token', description: 'The bearer token is missing, malformed, expired, revoked or of the wrong type. Refresh the session or log in again.' }],
  ['forbidden', { title: 'Forbidden', description: 'Your account may not do this: catalogue administration is for staff accounts.' }],
  ['not_found', { title: 'Not found', description: 'No such resource, or not yours (someone else\'s payment is answered the same way).' }],
  ['not_registered', { title: 'Not registered', description: 'You hold no active registration for this item.' }],
  ['page_not_found', { title: 'Page not found', description: 'The page number is past the last page.' }],
  ['method_not_allowed', { title: 'Method not allowed', description: 'The path exists but not with this method; the `Allow` header lists the methods it has.' }],
  ['lock_busy', { title: 'Another request is in progress', description: 'Another request for the same user and item (or payment) is being processed. Retry shortly; nothing was charged by this one.' }],
  ['registrations_outside_window', { title: 'Registrations outside the window', description: 'Registrations for the item were paid at times the new window would not hold (it would start after the first, or end before the last): a registration is taken only while its item is open. Close the item to end its sale now.' }],
  ['has_registrations', { title: 'The item has registrations', description: 'Someone applied or enrolled for the item (a payment of it exists, even a declined or failed one), so it cannot be deleted. Close it instead (POST …/close/).' }],
  ['idempotency_request_in_progress', { title: 'Request with this Idempotency-Key is in progress', description: 'The first request with this key is still running. Retry shortly to receive its answer.' }],
  ['idempotency_key_reused', { title: 'Idempotency key reused', description: 'This Idempotency-Key was used with a different request (another path or body). Use a new key for a new request.' }],
  ['version_mismatch', { title: 'The item has changed', description: 'The If-Match header names a version that is no longer the item\'s; nothing changed. Read the item again (its ETag) and retry.' }],
  ['precondition_required', { title: 'Version required', description: 'Changing an item requires the If-Match header with the ETag you read, so that changes made meanwhile are not overwritten.' }],
  ['payload_too_large', { title: 'Payload too large', description: 'The request body is larger than the service accepts.' }],
  ['uri_too_long', { title: 'URI too long', description: 'The request target is longer than 4,096 characters.' }],
  ['unsupported_media_type', { title: 'Unsupported media type', description: 'Request bodies must be JSON in UTF-8 (`Content-Type: application/json`, with no `charset` or `charset=utf-8`), and in a `Content-Encoding` of gzip, deflate, br or identity.' }],
  ['expectation_failed', { title: 'Expectation failed', description: 'The request carries an `Expect` other than `100-continue`, which the service cannot meet.' }],
  ['request_timeout', { title: 'Request timeout', description: 'The request line and headers, or the whole request, did not arrive within the server\'s time limit; the connection is closed. Send the request again.' }],
  ['request_header_fields_too_large', { title: 'Request header fields too large', description: 'The request headers are larger than the server accepts.' }],
  ['too_many_requests', { title: 'Too many requests', description: 'A rate limit was reached (logins, sign-ups, registrations or reads); `Retry-After` says how many seconds to wait.' }],
  ['internal_error', { title: 'Internal server error', description: 'Something failed inside the service. Quote the `request_id` when reporting it.' }],
  ['not_implemented', { title: 'Not implemented', description: 'The method is not one the service implements.' }],
  ['dependency_unavailable', { title: 'Service temporarily unavailable', description: 'A service this request depends on (PostgreSQL, Redis, the search engine) did not answer. Retry after `Retry-After` seconds; a command that got this answer changed nothing or will be settled.' }],
  ['query_timeout', { title: 'Query took too long', description: 'The read ran past the statement timeout. Retry after `Retry-After` seconds, or narrow the search.' }],
]);

/** The code a problem type's path names: `amount-mismatch` → `amount_mismatch`. */
export const codeOfSlug = (slug: string): string => slug.replace(/-/g, '_');
