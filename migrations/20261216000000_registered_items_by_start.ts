import type { Knex } from 'knex';

/**
 * The items that have registrations, by start (a partial index). A registration is taken only
 * while its item is open, so an item upcoming has none, unless staff moved its window into the
 * future after it had some: the upcoming items lie at the end of the popular sort's index,
 * behind every item with registrations. A walk of that index for upcoming items reads the few
 * registered ones this index finds by id, and enters the sort's index where the counts are 0,
 * instead of passing every item with registrations first (see `withStatusBounds`).
 */
const TABLES = ['tests', 'courses'] as const;

export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${table}_registered_start_idx ON ${table} (start_at, id) WHERE registration_count > 0`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${table}_registered_start_idx`);
}
