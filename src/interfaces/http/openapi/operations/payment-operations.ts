import Joi from 'joi';
import { idempotencyKeyHeader } from '../../schemas/common-schemas';
import { cancelBody, cancellationResponse, paymentItem, paymentListQuery, paymentPage } from '../../schemas/payment-schemas';
import { AUTH_PROBLEMS, type OperationDoc } from '../operation-doc';

const idParam = Joi.object({ id: Joi.number().integer().min(1).description('The payment id') });

const payment = {
  id: 10, payment_type: 'test', target_id: 1, target_title: '파이썬 기초 시험 1', amount: '45000.00', payment_method: 'card',
  status: 'paid', paid_at: '2026-11-24T10:59:00.832Z', cancelled_at: null, registration_time: '2026-11-24T10:59:00.832Z', refund_reason: null,
};

export const paymentOperations: readonly OperationDoc[] = [
  {
    method: 'get',
    path: '/api/me/payments/',
    operationId: 'listMyPayments',
    summary: 'The caller’s payments, newest first',
    description: 'Ordered by `paid_at` descending, then `id` descending. `count` is exact (it counts only the caller’s payments).',
    tag: 'payments',
    auth: true,
    query: paymentListQuery,
    success: {
      status: 200,
      description: 'One page of payments.',
      schema: paymentPage,
      example: { count: 1, next: null, previous: null, results: [payment] },
    },
    problems: [{ status: 400, codes: ['validation_failed'] }, ...AUTH_PROBLEMS, { status: 404, codes: ['page_not_found'] }],
  },
  {
    method: 'get',
    path: '/api/me/payments/{id}/',
    operationId: 'getMyPayment',
    summary: 'One of the caller’s payments',
    tag: 'payments',
    auth: true,
    pathParams: idParam,
    success: { status: 200, description: 'The payment.', schema: paymentItem, example: payment },
    problems: [...AUTH_PROBLEMS, { status: 404, codes: ['not_found'] }],
  },
  {
    method: 'post',
    path: '/api/payments/{id}/cancel/',
    operationId: 'cancelPayment',
    summary: 'Cancel a payment and its registration, with a refund',
    description:
      'Unknown or someone else’s payment → 404 (the same answer, so ids cannot be probed); already cancelled → 400 ' +
      '`already_cancelled`; its registration completed → 409 `already_completed`. The registration is kept with status ' +
      '`cancelled`; the item can be registered for again.',
    tag: 'payments',
    auth: true,
    pathParams: idParam,
    headers: idempotencyKeyHeader,
    body: cancelBody,
    bodyRequired: false,
    bodyExample: { reason: 'Schedule conflict' },
    success: {
      status: 200,
      description: 'Cancelled and refunded.',
      schema: cancellationResponse,
      example: { payment_id: 10, status: 'cancelled', cancelled_at: '2026-11-24T11:30:00.000Z' },
    },
    problems: [
      { status: 400, codes: ['validation_failed', 'already_cancelled'] },
      ...AUTH_PROBLEMS,
      { status: 404, codes: ['not_found'] },
      { status: 409, codes: ['already_completed', 'lock_busy', 'idempotency_request_in_progress'] },
      { status: 422, codes: ['idempotency_key_reused'] },
      { status: 503, codes: ['dependency_unavailable'] },
    ],
  },
];
