import type { Knex } from 'knex';

/**
 * The items by end, carrying what a filter tests (the start, the price, the search lexemes, as
 * the sort indexes do): the items closed are the entries before now, read whole without the
 * table where they are few next to what the search's words match. The plain index on `end_at`
 * stays, for the bitmaps of a gathering and for counts, which it serves with smaller entries.
 */
const TABLES = ['tests', 'courses'] as const;

export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${table}_end_range_idx ON ${table} (end_at, id) INCLUDE (start_at, price, search_lexemes)`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${table}_end_range_idx`);
}
