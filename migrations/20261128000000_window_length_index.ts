import type { Knex } from 'knex';

/**
 * Indexes for the status filters of pages whose matches are collected through a bitmap:
 * - the length of each item's window, so that its longest and shortest are two index lookups.
 *   They bound where items with a status can start: an item open now (start_at ≤ now ≤ end_at, a
 *   few per cent of the catalogue that no sort order keeps together) started at most the longest
 *   window ago, and a closed one at least the shortest window ago. As conditions on `start_at`,
 *   its index answers them: a `sort=start_at` walk enters it there instead of passing every
 *   closed item first, and a bitmap ANDs the range with the full-text index;
 * - `end_at`, for `status=closed` (end_at < now), which a bitmap ANDs with the full-text index
 *   where few items have closed.
 */
const TABLES = ['tests', 'courses'] as const;

export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${table}_duration_idx ON ${table} ((end_at - start_at))`);
    await knex.raw(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${table}_end_at_idx ON ${table} (end_at)`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${table}_duration_idx`);
    await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${table}_end_at_idx`);
  }
}
