import Joi from 'joi';
import { ALL_OFFERING_KINDS, OFFERING_KINDS } from '../../../../domain/offering-kind';
import { catalogueListQuery, offeringItem, offeringPage } from '../../schemas/catalogue-schemas';
import { AUTH_PROBLEMS, type OperationDoc } from '../operation-doc';

const item = {
  id: 1, title: 'Python 기초 시험 1', description: 'Python 기초를 확인하는 시험입니다.', price: '45000.00',
  start_at: '2026-11-20T00:00:00.000Z', end_at: '2026-12-20T00:00:00.000Z', created_at: '2026-11-01T09:00:00.000Z',
  is_registered: false, registration_count: 12,
};

const LIST_DESCRIPTION =
  'Page-number paging (`page`, `page_size`) covers the first `MAX_RESULT_WINDOW` (default 10,000) results: a page ' +
  'inside the results but reaching beyond that window is a 400 `page_too_deep`, a page past the last one a 404 (where ' +
  '`count` is an estimate, a page past the last one that starts more than twice the window deep may be a 400 ' +
  '`page_too_deep` instead: the list reads no further to tell; a 404 is only said of a page past the last one), and ' +
  'the last page of the window links its `next` by cursor. Keyset paging ' +
  '(`cursor`) reaches every result at constant cost: pass an empty `cursor=` to start, then follow `next`/`previous`. ' +
  '`count` is exact when `count_is_estimate` is false: always when the matches were gathered to read the page (searches ' +
  'with few matches), otherwise for sets the estimate calls small: up to `CATALOGUE_EXACT_COUNT_LIMIT` (default 1,000) ' +
  'items, and, with search words, words that alone match at most five times as many; beyond, it is an estimate ' +
  '(from statistics, or for `status=available` and `closed` from a sample of the table). Counts are cached for up to a minute and a ' +
  'few seconds. Every read is bounded: one that still runs past the statement timeout is a 503 `query_timeout` with ' +
  '`Retry-After`. Unknown parameters, parameters given twice and malformed values are a 400 naming the parameter.';

export const catalogueOperations: readonly OperationDoc[] = ALL_OFFERING_KINDS.flatMap((kind): OperationDoc[] => {
  const { plural } = OFFERING_KINDS[kind];
  const noun = kind === 'test' ? 'Tests' : 'Courses';
  return [
    {
      method: 'get',
      path: `/api/${plural}/`,
      operationId: `list${noun}`,
      summary: `List ${plural}: filter, search, sort and page`,
      description: LIST_DESCRIPTION,
      tag: plural,
      auth: true,
      query: catalogueListQuery,
      success: {
        status: 200,
        description: `One page of ${plural}.`,
        schema: offeringPage,
        example: { count: 1, count_is_estimate: false, next: null, previous: null, results: [item] },
      },
      problems: [
        { status: 400, codes: ['validation_failed', 'page_too_deep'] },
        ...AUTH_PROBLEMS,
        { status: 404, codes: ['page_not_found'] },
      ],
    },
    {
      method: 'get',
      path: `/api/${plural}/{id}/`,
      operationId: `get${noun.slice(0, -1)}`,
      summary: `One ${kind}`,
      tag: plural,
      auth: true,
      pathParams: Joi.object({ id: Joi.number().integer().min(1) }),
      success: { status: 200, description: `The ${kind}.`, schema: offeringItem, example: item, headers: ['ETag'] },
      problems: [...AUTH_PROBLEMS, { status: 404, codes: ['not_found'] }],
    },
  ];
});
