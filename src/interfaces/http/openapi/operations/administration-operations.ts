import Joi from 'joi';
import { ALL_OFFERING_KINDS, OFFERING_KINDS } from '../../../../domain/offering-kind';
import { auditListQuery, auditPage, changeOfferingBody, createOfferingBody, optionalIfMatchHeader, requiredIfMatchHeader } from '../../schemas/administration-schemas';
import { offeringItem } from '../../schemas/catalogue-schemas';
import { emptyBody, idempotencyKeyHeader } from '../../schemas/common-schemas';
import { AUTH_PROBLEMS, type OperationDoc, type ProblemDoc } from '../operation-doc';

const idParam = Joi.object({ id: Joi.number().integer().min(1).description('The item id') });

const STAFF_PROBLEMS: readonly ProblemDoc[] = [...AUTH_PROBLEMS, { status: 403, codes: ['forbidden'] }];

const item = {
  id: 1001, title: 'Kubernetes 실전 시험', description: '클러스터 운영을 확인하는 시험입니다.', price: '55000.00',
  start_at: '2026-12-01T09:00:00.000Z', end_at: '2026-12-31T09:00:00.000Z', created_at: '2026-11-28T09:00:00.000Z',
  is_registered: false, registration_count: 0,
};

const VERSIONING =
  'Every change raises the item\'s version, which `GET` and every administration answer give as the `ETag` header. ';

/** Catalogue administration, for staff accounts (`npm run create-admin`); documented once per kind. */
export const administrationOperations: readonly OperationDoc[] = [
  ...ALL_OFFERING_KINDS.flatMap((kind): OperationDoc[] => {
    const { plural } = OFFERING_KINDS[kind];
    const noun = kind === 'test' ? 'Test' : 'Course';
    return [
      {
        method: 'post',
        path: `/api/${plural}/`,
        operationId: `create${noun}`,
        summary: `Create a ${kind} (staff)`,
        description:
          'Puts a new item on sale. The window must end after it starts; the price must be one every payment method ' +
          'accepts. Unknown fields are refused. The answer carries the item, its `Location` and its `ETag`.',
        tag: plural,
        auth: true,
        headers: idempotencyKeyHeader,
        body: createOfferingBody,
        bodyExample: { title: item.title, description: item.description, price: item.price, start_at: '2026-12-01T09:00:00Z', end_at: '2026-12-31T09:00:00Z' },
        success: { status: 201, description: `The new ${kind}.`, schema: offeringItem, example: item, headers: ['Location', 'ETag'] },
        problems: [
          { status: 400, codes: ['validation_failed'] },
          ...STAFF_PROBLEMS,
          { status: 404, codes: ['not_found'] },
          { status: 409, codes: ['idempotency_request_in_progress'] },
          { status: 422, codes: ['idempotency_key_reused'] },
        ],
      },
      {
        method: 'patch',
        path: `/api/${plural}/{id}/`,
        operationId: `change${noun}`,
        summary: `Change some of a ${kind}'s fields (staff)`,
        description:
          VERSIONING +
          'A change must send the version it was made against in `If-Match`: without it, 428 `precondition_required`; ' +
          'with a stale one, 412 `version_mismatch` and nothing changes. Payments already made keep their amount and ' +
          'title; later registrations pay the new price. `registration_count` cannot be changed. A new window must still ' +
          'hold the times the registrations for the item were paid (start at or before the first, end at or after the last): ' +
          'otherwise 409 `registrations_outside_window` and nothing changes; to end the sale now, close the item.',
        tag: plural,
        auth: true,
        pathParams: idParam,
        headers: requiredIfMatchHeader,
        body: changeOfferingBody,
        bodyExample: { price: '60000.00' },
        success: { status: 200, description: `The ${kind} as changed.`, schema: offeringItem, example: { ...item, price: '60000.00' }, headers: ['ETag'] },
        problems: [
          { status: 400, codes: ['validation_failed'] },
          ...STAFF_PROBLEMS,
          { status: 404, codes: ['not_found'] },
          { status: 409, codes: ['registrations_outside_window'] },
          { status: 412, codes: ['version_mismatch'] },
          { status: 428, codes: ['precondition_required'] },
        ],
      },
      {
        method: 'post',
        path: `/api/${plural}/{id}/close/`,
        operationId: `close${noun}`,
        summary: `End a ${kind}'s sale now (staff)`,
        description:
          VERSIONING +
          'Sets `end_at` to now (and `start_at` just before, for an item not started yet) and keeps the item, its ' +
          'registrations and payments. Closing a closed item changes nothing. `If-Match` is optional; a stale one is a 412. ' +
          'A body, if sent, has no fields: any field (an end date, say) is refused with 400 and nothing changes.',
        tag: plural,
        auth: true,
        pathParams: idParam,
        headers: optionalIfMatchHeader,
        body: emptyBody,
        bodyRequired: false,
        success: { status: 200, description: `The ${kind}, closed.`, schema: offeringItem, example: item, headers: ['ETag'] },
        problems: [{ status: 400, codes: ['validation_failed'] }, ...STAFF_PROBLEMS, { status: 404, codes: ['not_found'] }, { status: 412, codes: ['version_mismatch'] }],
      },
      {
        method: 'delete',
        path: `/api/${plural}/{id}/`,
        operationId: `delete${noun}`,
        summary: `Delete a ${kind} nobody registered for (staff)`,
        description: 'Only an item nobody ever applied or enrolled for can be deleted: any payment of it, even a declined or failed one, keeps it, since payment records name it (409 `has_registrations`: close it instead). `If-Match` is optional; a stale one is a 412. A body, if sent, has no fields: any field is refused with 400 and nothing is deleted.',
        tag: plural,
        auth: true,
        pathParams: idParam,
        headers: optionalIfMatchHeader,
        body: emptyBody,
        bodyRequired: false,
        success: { status: 204, description: 'Deleted.' },
        problems: [{ status: 400, codes: ['validation_failed'] }, ...STAFF_PROBLEMS, { status: 404, codes: ['not_found'] }, { status: 409, codes: ['has_registrations'] }, { status: 412, codes: ['version_mismatch'] }],
      },
    ];
  }),
  {
    method: 'get',
    path: '/api/admin/audit/',
    operationId: 'listAuditEntries',
    summary: 'The audit log of catalogue changes (staff)',
    description: 'Who changed what and when, with the changed fields before and after; newest first. Filter by item (`item_kind` and `item_id`) or by staff user.',
    tag: 'admin',
    auth: true,
    query: auditListQuery,
    success: {
      status: 200,
      description: 'One page of audit entries.',
      schema: auditPage,
      example: {
        count: 1, next: null, previous: null,
        results: [{ id: 1, staff_user_id: 2, action: 'update', item_kind: 'test', item_id: 1001, before: { price: '55000.00' }, after: { price: '60000.00' }, created_at: '2026-11-28T09:05:00.000Z' }],
      },
    },
    problems: [{ status: 400, codes: ['validation_failed'] }, ...STAFF_PROBLEMS, { status: 404, codes: ['page_not_found'] }],
  },
];
