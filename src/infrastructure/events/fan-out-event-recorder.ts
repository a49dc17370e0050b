import type { RecordedEvent, EventRecorder } from '../../application/ports/event-recorder';
import type { Logger } from '../logging/logger';

/** Hands each event to every recorder (the log, the counters); one that fails never fails the command. */
export class FanOutEventRecorder implements EventRecorder {
  constructor(
    private readonly recorders: readonly EventRecorder[],
    private readonly logger: Logger,
  ) {}

  record(event: RecordedEvent): void {
    for (const recorder of this.recorders) {
      try {
        recorder.record(event);
      } catch (error) {
        this.logger.warn({ err: error, recorded_event: event.name }, 'an event could not be recorded');
      }
    }
  }
}
