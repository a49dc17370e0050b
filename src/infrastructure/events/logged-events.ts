import type { RecordedEvent, RecordedEventName, EventRecorder } from '../../application/ports/event-recorder';
import type { Logger } from '../logging/logger';

/** Events that may be an attack in progress: logged as warnings. */
const WARNINGS: ReadonlySet<RecordedEventName> = new Set(['auth.login_locked_out', 'auth.refresh_reuse_detected']);

/**
 * Each event as one log line whose `event` field is its stable name, its facts in the log's
 * snake_case; within a request, the request's logger adds its id.
 */
export class LoggedEvents implements EventRecorder {
  constructor(private readonly logger: Logger) {}

  record(event: RecordedEvent): void {
    const { name, ...facts } = event;
    const line: Record<string, unknown> = { event: name };
    for (const [key, value] of Object.entries(facts)) line[snakeCase(key)] = value;
    if (WARNINGS.has(name)) this.logger.warn(line, name);
    else this.logger.info(line, name);
  }
}

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
