import type { AuditEvent, AuditEventName, AuditTrail } from '../../application/ports/audit-trail';
import type { Logger } from '../logging/logger';

/** Events that may be an attack in progress: logged as warnings. */
const WARNINGS: ReadonlySet<AuditEventName> = new Set(['auth.login_locked_out', 'auth.refresh_reuse_detected']);

/**
 * Each event as one log line whose `event` field is its stable name, its facts in the log's
 * snake_case; within a request, the request's logger adds its id.
 */
export class LoggedAuditTrail implements AuditTrail {
  constructor(private readonly logger: Logger) {}

  record(event: AuditEvent): void {
    const { name, ...facts } = event;
    const line: Record<string, unknown> = { event: name };
    for (const [key, value] of Object.entries(facts)) line[snakeCase(key)] = value;
    if (WARNINGS.has(name)) this.logger.warn(line, name);
    else this.logger.info(line, name);
  }
}

const snakeCase = (key: string): string => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
