import type { Knex } from 'knex';
import type { OfferingRepository } from '../../application/ports/unit-of-work';
import { AvailabilityWindow } from '../../domain/availability-window';
import { Money } from '../../domain/money';
import type { Offering } from '../../domain/offering';
import type { OfferingKind } from '../../domain/offering-kind';
import { OFFERING_TABLES } from './offering-tables';

interface OfferingRow {
  id: number;
  title: string;
  price: string;
  start_at: Date;
  end_at: Date;
}

export class KnexOfferingRepository implements OfferingRepository {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  async find(kind: OfferingKind, id: number): Promise<Offering | null> {
    const row = await this.select(kind, id);
    return row ? toOffering(kind, row) : null;
  }

  async adjustRegistrationCount(kind: OfferingKind, id: number, delta: 1 | -1): Promise<void> {
    await this.db(OFFERING_TABLES[kind].items)
      .where({ id })
      .update({ registration_count: this.db.raw('registration_count + ?', [delta]), updated_at: this.db.fn.now() });
  }

  private select(kind: OfferingKind, id: number) {
    return this.db<OfferingRow>(OFFERING_TABLES[kind].items).select('id', 'title', 'price', 'start_at', 'end_at').where({ id }).first();
  }
}

const toOffering = (kind: OfferingKind, row: OfferingRow): Offering => ({
  kind,
  id: row.id,
  title: row.title,
  price: Money.parse(row.price, 'price'),
  window: new AvailabilityWindow(row.start_at, row.end_at),
});
