import type { AuditEvent, AuditTrail } from '../../application/ports/audit-trail';
import type { Logger } from '../logging/logger';

/** Hands each event to every trail (the log, the counters); one that fails never fails the command. */
export class FanOutAuditTrail implements AuditTrail {
  constructor(
    private readonly trails: readonly AuditTrail[],
    private readonly logger: Logger,
  ) {}

  record(event: AuditEvent): void {
    for (const trail of this.trails) {
      try {
        trail.record(event);
      } catch (error) {
        this.logger.warn({ err: error, audit_event: event.name }, 'an audit event could not be recorded');
      }
    }
  }
}
