import type { OperationDoc } from '../operation-doc';
import { administrationOperations } from './administration-operations';
import { authOperations } from './auth-operations';
import { catalogueOperations } from './catalogue-operations';
import { healthOperations } from './health-operations';
import { paymentOperations } from './payment-operations';
import { registrationOperations } from './registration-operations';

/** Every documented operation; a test checks this list against the router, both ways. */
export const ALL_OPERATIONS: readonly OperationDoc[] = [
  ...healthOperations,
  ...authOperations,
  ...catalogueOperations,
  ...registrationOperations,
  ...paymentOperations,
  ...administrationOperations,
];
