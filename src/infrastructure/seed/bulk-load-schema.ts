import type { Knex } from 'knex';

/** An index or a foreign key set aside for a bulk load, as `seed_suspended_schema` records it. */
export interface SuspendedObject {
  readonly name: string;
  readonly table_name: string;
  readonly kind: 'index' | 'foreign_key';
  readonly definition: string;
}

export interface RestoreProgress {
  advance(amount: number): void;
}

/** Where what is set aside is written down. */
export const SUSPENDED_SCHEMA_TABLE = 'seed_suspended_schema';

/**
 * Sets indexes and foreign keys aside while rows are loaded in bulk, and puts them back: an index
 * is built once over all rows instead of updated row by row, and a foreign key is validated by
 * one join instead of a check (and a lock on the referenced row) per row. What is set aside is
 * written down before it is dropped, and each object is crossed off in the transaction that puts
 * it back, so a load interrupted at any point gets everything back on the next `suspend`.
 * Partial indexes stay: each holds few rows (the items with registrations, the payments left
 * unsettled), which cost the load little, where building one again reads its whole table.
 */
export class BulkLoadSchema {
  constructor(private readonly db: Knex) {}

  /**
   * Sets aside the secondary indexes of `indexTables` and the foreign keys of `keyTables`, and
   * returns all that is set aside, including what an interrupted load left.
   */
  async suspend(indexTables: readonly string[], keyTables: readonly string[]): Promise<SuspendedObject[]> {
    return this.db.transaction(async (trx) => {
      await trx.raw(
        `INSERT INTO ${SUSPENDED_SCHEMA_TABLE} (name, table_name, kind, definition)
         SELECT indexname, tablename, 'index', indexdef FROM pg_indexes
         WHERE schemaname = current_schema() AND tablename = ANY(?) AND indexname NOT LIKE '%_pkey' AND indexdef NOT LIKE '% WHERE %'
         UNION ALL
         SELECT c.conname, c.conrelid::regclass::text, 'foreign_key', pg_get_constraintdef(c.oid) FROM pg_constraint c
         WHERE c.contype = 'f' AND c.conrelid = ANY(?::regclass[])
         ON CONFLICT (name) DO NOTHING`,
        [[...indexTables], [...keyTables]],
      );
      const suspended: SuspendedObject[] = await trx(SUSPENDED_SCHEMA_TABLE).select().orderBy('name');
      for (const object of suspended) {
        await trx.raw(
          object.kind === 'index'
            ? `DROP INDEX IF EXISTS "${object.name}"`
            : `ALTER TABLE ${object.table_name} DROP CONSTRAINT IF EXISTS "${object.name}"`,
        );
      }
      return suspended;
    });
  }

  /**
   * Puts everything back: foreign keys at once, unchecked (a moment's lock each), then two index
   * builds at a time beside the validation of the keys, which takes only light locks. The large
   * GIN indexes and the keys to `largeTables`, the slowest, start first.
   */
  async restore(suspended: readonly SuspendedObject[], largeTables: readonly string[], progress: RestoreProgress): Promise<void> {
    const keys = suspended.filter((object) => object.kind === 'foreign_key');
    for (const key of keys) await this.db.raw(`ALTER TABLE ${key.table_name} ADD CONSTRAINT "${key.name}" ${key.definition} NOT VALID`);
    const indexes = suspended.filter((object) => object.kind === 'index');
    const gin = (index: SuspendedObject) => Number(/using gin/i.test(index.definition));
    const indexQueue = [...indexes].sort((a, b) => gin(b) - gin(a));
    const buildIndexes = async () => {
      for (let index = indexQueue.shift(); index; index = indexQueue.shift()) {
        await this.putBack(index, async (trx) => {
          await trx.raw(`SET LOCAL maintenance_work_mem = '1GB'`);
          await trx.raw(index.definition);
        });
        progress.advance(1);
      }
    };
    const toLargeTable = (key: SuspendedObject) => Number(largeTables.some((table) => key.definition.includes(`REFERENCES ${table}(`)));
    const validateKeys = async () => {
      for (const key of [...keys].sort((a, b) => toLargeTable(b) - toLargeTable(a))) {
        await this.putBack(key, (trx) => trx.raw(`ALTER TABLE ${key.table_name} VALIDATE CONSTRAINT "${key.name}"`));
        progress.advance(1);
      }
    };
    await Promise.all([buildIndexes(), buildIndexes(), validateKeys()]);
  }

  /** Restores one object and crosses it off, in one transaction. */
  private async putBack(object: SuspendedObject, work: (trx: Knex.Transaction) => Promise<unknown>): Promise<void> {
    await this.db.transaction(async (trx) => {
      await work(trx);
      await trx(SUSPENDED_SCHEMA_TABLE).where({ name: object.name }).delete();
    });
  }
}
