import { AsyncLocalStorage } from 'node:async_hooks';
import type { Bindings, Logger } from 'pino';

/** What the lines written in a context carry; the child logger is made when one is first written. */
interface LogContext {
  readonly bindings: Bindings;
  logger?: Logger;
}

const current = new AsyncLocalStorage<LogContext>();

/**
 * Runs `work` with `bindings` (say, a request id) on every line logged by anything it calls,
 * directly or after any number of awaits. Most requests log nothing below the configured level,
 * so the child logger that carries them is only made for the first line written.
 */
export function withLogContext<T>(bindings: Bindings, work: () => T): T {
  return current.run({ bindings }, work);
}

/**
 * A logger that writes through the logger of the current context when there is one, and through
 * `root` otherwise: injected once into every adapter and handler, it tags each line with the
 * request (or job) being served without a logger passed through every call.
 */
export function contextualLogger(root: Logger): Logger {
  return new Proxy(root, {
    get(target, property) {
      const context = current.getStore();
      const logger = context ? (context.logger ??= target.child(context.bindings)) : target;
      const value: unknown = Reflect.get(logger, property, logger);
      return typeof value === 'function' ? value.bind(logger) : value;
    },
  });
}
