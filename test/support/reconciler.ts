import { type AppContainer, type ContainerOverrides, createContainer } from '../../src/infrastructure/container/create-container';
import { createLogger } from '../../src/infrastructure/logging/logger';
import { testConfig } from './test-config';

/** A container of its own for the payment reconciler, settling every unsettled payment at once (no `RECONCILE_AFTER`). */
export function reconcilerContainer(adapters: ContainerOverrides = {}): AppContainer {
  return createContainer(testConfig({ RECONCILE_AFTER: '0' }), { logger: createLogger('silent'), ...adapters });
}
