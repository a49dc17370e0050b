import Joi from 'joi';
import { responseObject } from '../../schemas/common-schemas';
import type { OperationDoc } from '../operation-doc';

const readiness = responseObject({
  status: Joi.string().valid('ready', 'unavailable'),
  checks: Joi.object().pattern(Joi.string(), Joi.string().valid('up', 'down')),
}).label('Readiness');

export const healthOperations: readonly OperationDoc[] = [
  {
    method: 'get',
    path: '/healthz',
    operationId: 'health',
    summary: 'Liveness: the process is up',
    tag: 'operations',
    auth: false,
    success: { status: 200, description: 'Up.', schema: responseObject({ status: Joi.string().valid('ok') }).label('Health') },
    problems: [],
  },
  {
    method: 'get',
    path: '/readyz',
    operationId: 'readiness',
    summary: 'Readiness: every dependency answers',
    tag: 'operations',
    auth: false,
    success: {
      status: 200,
      description: 'Every dependency answers. When one does not, the same body is answered with status 503.',
      schema: readiness,
      example: { status: 'ready', checks: { postgres: 'up', redis: 'up' } },
    },
    problems: [],
  },
  {
    method: 'get',
    path: '/api/openapi.json',
    operationId: 'openApiDocument',
    summary: 'This OpenAPI document',
    tag: 'operations',
    auth: false,
    success: { status: 200, description: 'The OpenAPI 3 document.' },
    problems: [],
  },
];
