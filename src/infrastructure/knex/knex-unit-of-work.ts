import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { SearchOutboxWriter, TransactionalRepositories, UnitOfWork } from '../../application/ports/unit-of-work';
import type { OfferingKind } from '../../domain/offering-kind';
import { KNEX } from './create-knex';
import { KnexOfferingRepository } from './knex-offering-repository';
import { KnexPaymentRepository } from './knex-payment-repository';
import { KnexRegistrationRepository } from './knex-registration-repository';

class KnexSearchOutboxWriter implements SearchOutboxWriter {
  constructor(private readonly db: Knex.Transaction) {}

  async record(kind: OfferingKind, itemId: number): Promise<void> {
    await this.db('search_outbox').insert({ item_kind: kind, item_id: itemId, operation: 'upsert' });
  }
}

/** One Knex transaction per unit of work; repositories handed to the work are bound to it. */
@injectable()
export class KnexUnitOfWork implements UnitOfWork {
  constructor(@inject(KNEX) private readonly db: Knex) {}

  run<T>(work: (repositories: TransactionalRepositories) => Promise<T>): Promise<T> {
    return this.db.transaction((trx) =>
      work({
        offerings: new KnexOfferingRepository(trx),
        payments: new KnexPaymentRepository(trx),
        registrations: new KnexRegistrationRepository(trx),
        outbox: new KnexSearchOutboxWriter(trx),
      }),
    );
  }
}
