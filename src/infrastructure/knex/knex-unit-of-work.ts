import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { SearchOutboxWriter, TransactionalRepositories, UnitOfWork } from '../../application/ports/unit-of-work';
import type { OfferingKind } from '../../domain/offering-kind';
import { KNEX } from './create-knex';
import { KnexAuditTrailWriter } from './knex-audit-trail';
import { KnexOfferingRepository } from './knex-offering-repository';
import { KnexPaymentRepository } from './knex-payment-repository';
import { KnexRegistrationRepository } from './knex-registration-repository';

class KnexSearchOutboxWriter implements SearchOutboxWriter {
  constructor(private readonly db: Knex.Transaction) {}

  async record(kind: OfferingKind, itemId: number): Promise<void> {
    await this.db('search_outbox').insert({ item_kind: kind, item_id: itemId, operation: 'upsert' });
  }
}

/**
 * With no search index to keep in sync (the PostgreSQL engine reads the tables themselves),
 * changes are not recorded: nothing would drain them. Switching to an index starts with
 * `npm run reindex`, which reads the tables.
 */
const NO_SEARCH_INDEX: SearchOutboxWriter = { record: async () => undefined };

/** Whether commands record their changes in the search outbox (a search index is in use). */
export const RECORD_SEARCH_CHANGES = Symbol.for('RecordSearchChanges');

/** One Knex transaction per unit of work; repositories handed to the work are bound to it. */
@injectable()
export class KnexUnitOfWork implements UnitOfWork {
  constructor(
    @inject(KNEX) private readonly db: Knex,
    @inject(RECORD_SEARCH_CHANGES) private readonly recordSearchChanges: boolean,
  ) {}

  run<T>(work: (repositories: TransactionalRepositories) => Promise<T>): Promise<T> {
    return this.db.transaction((trx) =>
      work({
        offerings: new KnexOfferingRepository(trx),
        payments: new KnexPaymentRepository(trx),
        registrations: new KnexRegistrationRepository(trx),
        outbox: this.recordSearchChanges ? new KnexSearchOutboxWriter(trx) : NO_SEARCH_INDEX,
        audit: new KnexAuditTrailWriter(trx),
      }),
    );
  }
}
