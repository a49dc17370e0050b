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

/** Signals this close to the first are the same one, delivered twice. */
const SAME_PRESS_MS = 1_000;

/**
 * Stops the process at SIGTERM or SIGINT: `close`, then exit 0. A stop that waits on a dependency
 * out of reach ends at its deadline, or at a second signal (a second or more after the first),
 * with exit 1: an orchestrator's stop and an operator's second Ctrl-C are never ignored.
 */
export function stopOnSignals({ name, finishing, deadlineMs, lateBecause, logger, close }: GracefulStop): void {
  const named = (message: string) => (name ? `${name} ${message}` : message);
  let stoppingSince: number | null = null;
  const stop = async (signal: string): Promise<void> => {
    if (stoppingSince !== null) {
      // Ctrl-C under `npm start` signals both npm and the process, and npm passes its own on: the
      // same press arrives twice within milliseconds, and is one.
      if (Date.now() - stoppingSince < SAME_PRESS_MS) return;
      logger.warn({ signal }, named(`stopping at a second signal, without ${finishing}`));
      process.exit(1);
    }
    stoppingSince = Date.now();
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
