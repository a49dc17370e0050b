import type { Knex } from 'knex';

/**
 * Deletes up to `limit` rows of `table` whose `expires_at` is before `now`, oldest first, in one
 * bounded statement (the `expires_at` index finds them); returns how many it deleted.
 */
export async function purgeExpiredRows(db: Knex, table: string, key: readonly string[], now: Date, limit: number): Promise<number> {
  const columns = key.join(', ');
  const { rowCount } = await db.raw(
    `DELETE FROM ?? WHERE (${columns}) IN (SELECT ${columns} FROM ?? WHERE expires_at < ? ORDER BY expires_at LIMIT ?)`,
    [table, table, now, limit],
  );
  return rowCount ?? 0;
}
