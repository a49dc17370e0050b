import { createLogger, type Logger } from '../../src/infrastructure/logging/logger';

export type LogLine = Record<string, unknown>;

/** A real logger of the service whose JSON lines are kept in memory for a test to read. */
export class CapturedLogs {
  readonly lines: LogLine[] = [];
  readonly logger: Logger;

  constructor(level = 'info') {
    this.logger = createLogger(level, { write: (line: string) => void this.lines.push(JSON.parse(line) as LogLine) });
  }

  /** The lines written while `work` ran. */
  async during<T>(work: () => Promise<T>): Promise<{ result: T; lines: LogLine[] }> {
    const from = this.lines.length;
    const result = await work();
    return { result, lines: this.lines.slice(from) };
  }
}
