import type { Clock } from '../../src/application/ports/clock';

/**
 * The service's clock in tests: the system's time, unless a test sets it. A test that needs an
 * instant (a window's exact start, a session's end) sets the clock there instead of waiting for
 * it, and the clock follows the system again afterwards.
 */
export class TestClock implements Clock {
  private setTo: number | null = null;

  now(): Date {
    return new Date(this.setTo ?? Date.now());
  }

  /** Runs `work` with the clock standing at `instant`; the system's time again afterwards. */
  async at<T>(instant: Date, work: () => Promise<T>): Promise<T> {
    this.setTo = instant.getTime();
    try {
      return await work();
    } finally {
      this.setTo = null;
    }
  }
}
