import type { FailpointName, Failpoints } from '../../application/ports/failpoints';

/**
 * Kills the process with SIGKILL (no cleanup, nothing flushed: a real crash) on reaching the
 * configured failpoint; does nothing at every other one, and nothing at all when none is
 * configured (`FAILPOINT`, refused in production).
 */
export class ProcessKillFailpoints implements Failpoints {
  constructor(private readonly armed: string | null) {}

  reach(name: FailpointName): void {
    if (this.armed === name) process.kill(process.pid, 'SIGKILL');
  }
}
