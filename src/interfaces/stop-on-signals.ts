import type { Logger } from '../infrastructure/logging/logger';

export interface GracefulStop {
  /** The process as its log lines name it (`worker`), or none for the API's. */
  readonly name?: string;
  /** What a stop waits for, as the first line of a stop says it (`finishing the current job`). */
  readonly finishing: string;
  /** Past this the process exits anyway, with 1; so it does at a second signal. */
  readonly deadlineMs: number;
  /** Why a stop may outlast its deadline, said when it does. */
  readonly lateBecause: string;
  readonly logger: Logger;
  close(): Promise<void>;
}

/**
 * Stops the process at SIGTERM or SIGINT: `close`, then exit 0. A stop that waits on a dependency
 * out of reach ends at its deadline, or at a second signal, with exit 1: an orchestrator's stop
 * and an operator's second Ctrl-C are never ignored.
 */
export function stopOnSignals({ name, finishing, deadlineMs, lateBecause, logger, close }: GracefulStop): void {
  const named = (message: string) => (name ? `${name} ${message}` : message);
  let stopping = false;
  const stop = async (signal: string): Promise<void> => {
    if (stopping) {
      logger.warn({ signal }, named(`stopping at a second signal, without ${finishing}`));
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, named(`shutting down: ${finishing}`));
    setTimeout(() => {
      logger.error({ deadline_ms: deadlineMs }, named(`did not stop in time (${lateBecause}); exiting`));
      process.exit(1);
    }, deadlineMs).unref();
    await close();
    logger.info(named('stopped'));
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}
