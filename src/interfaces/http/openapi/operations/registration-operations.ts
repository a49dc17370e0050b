import Joi from 'joi';
import { ALL_OFFERING_KINDS } from '../../../../domain/offering-kind';
import { OFFERING_RESOURCES } from '../../offering-resources';
import { emptyBody, idempotencyKeyHeader } from '../../schemas/common-schemas';
import { completionResponse, registerBody, registrationResponse } from '../../schemas/registration-schemas';
import { PAYMENT_METHOD_LIMITS_TEXT } from '../../payment-method-limits';
import { AUTH_PROBLEMS, type OperationDoc } from '../operation-doc';

const idParam = Joi.object({ id: Joi.number().integer().min(1).description('The item id') });

const IDEMPOTENCY_PROBLEMS = [
  { status: 409, codes: ['lock_busy', 'idempotency_request_in_progress'] },
  { status: 422, codes: ['idempotency_key_reused'] },
  { status: 503, codes: ['dependency_unavailable'] },
];

/** Register (apply / enroll) and complete, documented once per kind from the names table. */
export const registrationOperations: readonly OperationDoc[] = ALL_OFFERING_KINDS.flatMap((kind): OperationDoc[] => {
  const names = OFFERING_RESOURCES[kind];
  const tag = names.plural;
  return [
    {
      method: 'post',
      path: `/api/${names.plural}/{id}/${names.registerVerb}/`,
      operationId: `${names.registerVerb}${kind === 'test' ? 'Test' : 'Course'}`,
      summary: kind === 'test' ? 'Apply to a test, paying for it' : 'Enroll in a course, paying for it',
      description:
        'Checks, in this order: unknown item → 404; invalid body → 400 `validation_failed`; an active registration ' +
        'already held → 400 `already_registered`; outside `[start_at, end_at]` → 400 `not_open`; amount ≠ price → 400 ' +
        `\`amount_mismatch\`; amount outside the method limits (${PAYMENT_METHOD_LIMITS_TEXT}) → 400 ` +
        '`payment_method_limit`. Otherwise the payment and the registration ' +
        'are written in one transaction. Identical concurrent requests give exactly one 201.',
      tag,
      auth: true,
      pathParams: idParam,
      headers: idempotencyKeyHeader,
      body: registerBody,
      bodyExample: { amount: '45000.00', payment_method: 'card' },
      success: {
        status: 201,
        description: 'Paid and registered.',
        schema: registrationResponse(names.registrationIdField),
        example: { payment_id: 10, [names.registrationIdField]: 7, payment_method: 'card', amount: '45000.00', paid_at: '2026-11-24T10:59:00.832Z' },
      },
      problems: [
        { status: 400, codes: ['validation_failed', 'already_registered', 'not_open', 'amount_mismatch', 'payment_method_limit', 'payment_declined'] },
        ...AUTH_PROBLEMS,
        { status: 404, codes: ['not_found'] },
        ...IDEMPOTENCY_PROBLEMS,
        { status: 429, codes: ['too_many_requests'] },
      ],
    },
    {
      method: 'post',
      path: `/api/${names.plural}/{id}/complete/`,
      operationId: `complete${kind === 'test' ? 'Test' : 'Course'}`,
      summary: kind === 'test' ? 'Mark the test as completed' : 'Mark the course as completed',
      description: 'Unknown item → 404; a body with any field (it takes none) → 400 `validation_failed`; no active registration (or one being cancelled) → 404 `not_registered`; already completed → 400 `already_completed`; not started yet → 400 `not_started`.',
      tag,
      auth: true,
      pathParams: idParam,
      body: emptyBody,
      bodyRequired: false,
      success: {
        status: 200,
        description: 'Completed.',
        schema: completionResponse(names.registrationIdField),
        example: { [names.registrationIdField]: 7, status: 'completed', completed_at: '2026-11-24T10:59:00.832Z' },
      },
      problems: [
        { status: 400, codes: ['validation_failed', 'already_completed', 'not_started'] },
        ...AUTH_PROBLEMS,
        { status: 404, codes: ['not_found', 'not_registered'] },
        { status: 409, codes: ['lock_busy'] },
        { status: 503, codes: ['dependency_unavailable'] },
      ],
    },
  ];
});
