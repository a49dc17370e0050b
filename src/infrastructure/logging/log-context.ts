import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from 'pino';

const current = new AsyncLocalStorage<Logger>();

/**
 * Runs `work` with `logger` (a child carrying, say, a request id) as the logger of everything it
 * calls, directly or after any number of awaits.
 */
export function withLogContext<T>(logger: Logger, work: () => T): T {
  return current.run(logger, work);
}

/**
 * A logger that writes through the logger of the current context when there is one, and through
 * `root` otherwise: injected once into every adapter and handler, it tags each line with the
 * request (or job) being served without a logger passed through every call.
 */
export function contextualLogger(root: Logger): Logger {
  return new Proxy(root, {
    get(target, property) {
      const logger = current.getStore() ?? target;
      const value: unknown = Reflect.get(logger, property, logger);
      return typeof value === 'function' ? value.bind(logger) : value;
    },
  });
}
