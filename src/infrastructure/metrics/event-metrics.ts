import { Counter, type Registry } from 'prom-client';
import type { RecordedEvent, EventRecorder } from '../../application/ports/event-recorder';

const PAYMENT_OUTCOMES = ['charged', 'declined', 'refunded', 'cancelled'] as const;
const SECURITY_EVENTS = ['auth.login_locked_out', 'auth.refresh_reuse_detected', 'auth.family_revoked'] as const satisfies readonly RecordedEvent['name'][];
const CATALOGUE_EVENTS = ['catalogue.item_created', 'catalogue.item_changed', 'catalogue.item_closed', 'catalogue.item_deleted'] as const satisfies readonly RecordedEvent['name'][];

/** Counts the recorded events: payments by outcome, security and administration events by name. */
export class EventMetrics implements EventRecorder {
  private readonly payments: Counter<'outcome'>;
  private readonly security: Counter<'event'>;
  private readonly administration: Counter<'event'>;

  constructor(registry: Registry) {
    this.payments = new Counter({
      name: 'payments_total',
      help: 'Payment outcomes: charged (paid and registered), declined by the gateway, refunded, cancelled',
      labelNames: ['outcome'],
      registers: [registry],
    });
    this.security = new Counter({
      name: 'security_events_total',
      help: 'Security events by name (auth.login_locked_out, auth.refresh_reuse_detected, auth.family_revoked)',
      labelNames: ['event'],
      registers: [registry],
    });
    this.administration = new Counter({
      name: 'catalogue_changes_total',
      help: 'Administrative changes of the catalogue by event (catalogue.item_created, _changed, _closed, _deleted)',
      labelNames: ['event'],
      registers: [registry],
    });
    // Every outcome and event is present from the start, so that rates and alerts see a zero, not
    // nothing, and count the first one.
    for (const outcome of PAYMENT_OUTCOMES) this.payments.inc({ outcome }, 0);
    for (const event of SECURITY_EVENTS) this.security.inc({ event }, 0);
    for (const event of CATALOGUE_EVENTS) this.administration.inc({ event }, 0);
  }

  record(event: RecordedEvent): void {
    if (event.name.startsWith('payment.')) this.payments.inc({ outcome: event.name.slice('payment.'.length) });
    else if (event.name.startsWith('catalogue.')) this.administration.inc({ event: event.name });
    else this.security.inc({ event: event.name });
  }
}
