import type { Knex } from 'knex';
import type { AdministeredOffering, OfferingRepository } from '../../application/ports/unit-of-work';
import { AvailabilityWindow } from '../../domain/availability-window';
import { Money } from '../../domain/money';
import type { Offering } from '../../domain/offering';
import type { OfferingDetails } from '../../domain/offering-details';
import type { OfferingKind } from '../../domain/offering-kind';
import { OFFERING_TABLES } from './offering-tables';

interface OfferingRow {
  id: number;
  title: string;
  description: string;
  price: string;
  start_at: Date;
  end_at: Date;
  version: number;
  created_at: Date;
  registration_count: number;
}

const COLUMNS: (keyof OfferingRow)[] = ['id', 'title', 'description', 'price', 'start_at', 'end_at', 'version', 'created_at', 'registration_count'];

export class KnexOfferingRepository implements OfferingRepository {
  constructor(private readonly db: Knex | Knex.Transaction) {}

  /**
   * A key-share lock: registrations do not wait for one another or for count updates, while a
   * change or a delete (`findForChange`) waits for the registrations deciding on the item now.
   */
  async find(kind: OfferingKind, id: number): Promise<Offering | null> {
    const row = await this.rows(kind).where({ id }).forKeyShare().first();
    return row ? toOffering(kind, row) : null;
  }

  async findForChange(kind: OfferingKind, id: number): Promise<AdministeredOffering | null> {
    const row = await this.rows(kind).where({ id }).forUpdate().first();
    return row ? toAdministered(kind, row) : null;
  }

  async insert(kind: OfferingKind, details: OfferingDetails, at: Date): Promise<AdministeredOffering> {
    const [row] = await this.db<OfferingRow>(OFFERING_TABLES[kind].items)
      .insert({ ...toColumns(details), created_at: at, updated_at: at } as Partial<OfferingRow>)
      .returning(COLUMNS);
    return toAdministered(kind, row as OfferingRow);
  }

  async update(kind: OfferingKind, id: number, details: OfferingDetails, at: Date): Promise<AdministeredOffering> {
    const [row] = await this.db(OFFERING_TABLES[kind].items)
      .where({ id })
      .update({ ...toColumns(details), version: this.db.raw('version + 1'), updated_at: at })
      .returning(COLUMNS);
    return toAdministered(kind, row as OfferingRow);
  }

  async delete(kind: OfferingKind, id: number): Promise<void> {
    await this.db(OFFERING_TABLES[kind].items).where({ id }).delete();
  }

  async adjustRegistrationCount(kind: OfferingKind, id: number, delta: 1 | -1): Promise<void> {
    await this.db(OFFERING_TABLES[kind].items)
      .where({ id })
      .update({ registration_count: this.db.raw('registration_count + ?', [delta]), updated_at: this.db.fn.now() });
  }

  private rows(kind: OfferingKind) {
    return this.db<OfferingRow>(OFFERING_TABLES[kind].items).select(COLUMNS);
  }
}

const toColumns = (details: OfferingDetails) => ({
  title: details.title,
  description: details.description,
  price: details.price.toString(),
  start_at: details.startAt,
  end_at: details.endAt,
});

const toDetails = (row: OfferingRow): OfferingDetails => ({
  title: row.title,
  description: row.description,
  price: Money.parse(row.price, 'price'),
  startAt: row.start_at,
  endAt: row.end_at,
});

const toAdministered = (kind: OfferingKind, row: OfferingRow): AdministeredOffering => ({
  kind,
  id: row.id,
  version: row.version,
  details: toDetails(row),
  createdAt: row.created_at,
  registrationCount: row.registration_count,
});

const toOffering = (kind: OfferingKind, row: OfferingRow): Offering => ({
  kind,
  id: row.id,
  title: row.title,
  price: Money.parse(row.price, 'price'),
  window: new AvailabilityWindow(row.start_at, row.end_at),
});
