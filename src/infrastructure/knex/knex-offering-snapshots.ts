import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { OfferingSnapshots } from '../../application/ports/offering-snapshots';
import type { OfferingSnapshot } from '../../application/ports/search-index';
import type { OfferingKind } from '../../domain/offering-kind';
import { KNEX } from './create-knex';
import { OFFERING_COLUMNS, type OfferingRow, offeringFields } from './offering-row';
import { OFFERING_TABLES } from './offering-tables';

@injectable()
export class KnexOfferingSnapshots implements OfferingSnapshots {
  constructor(@inject(KNEX) private readonly db: Knex) {}

  async findByIds(kind: OfferingKind, ids: readonly number[]): Promise<OfferingSnapshot[]> {
    if (ids.length === 0) return [];
    const rows: SnapshotRow[] = await this.db(OFFERING_TABLES[kind].items).select(this.snapshotColumns()).whereIn('id', ids);
    return rows.map((row) => toSnapshot(kind, row));
  }

  async scan(kind: OfferingKind, afterId: number, limit: number): Promise<OfferingSnapshot[]> {
    const rows: SnapshotRow[] = await this.db(OFFERING_TABLES[kind].items)
      .select(this.snapshotColumns())
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(limit);
    return rows.map((row) => toSnapshot(kind, row));
  }

  /**
   * The row's columns and its words: the lexemes of its search vector (the one the PostgreSQL
   * engine searches), each once per position, in the order of the text.
   */
  private snapshotColumns(): (string | Knex.Raw)[] {
    return [
      ...OFFERING_COLUMNS,
      this.db.raw('ARRAY(SELECT w.lexeme FROM unnest(search_vector) AS w, unnest(w.positions) AS p(position) ORDER BY p.position, w.lexeme) AS words'),
    ];
  }

  async exists(kind: OfferingKind, id: number): Promise<boolean> {
    return (await this.db(OFFERING_TABLES[kind].items).where({ id }).first('id')) !== undefined;
  }

  async count(kind: OfferingKind): Promise<number> {
    const [{ count }] = await this.db(OFFERING_TABLES[kind].items).count<{ count: number }[]>({ count: '*' });
    return Number(count);
  }
}

interface SnapshotRow extends OfferingRow {
  words: string[];
}

const toSnapshot = (kind: OfferingKind, row: SnapshotRow): OfferingSnapshot => ({ kind, ...offeringFields(row), words: row.words });
