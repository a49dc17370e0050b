import type { Knex } from 'knex';

/**
 * The items created after they started, by how long after (a partial index: an item is usually
 * created before it opens, so it holds few). Items closed are found in the created index only
 * from the latest creation one can have: no later than the latest start of a closed item plus
 * the longest such delay, the few longest read from this index and named by id instead (see
 * `withStatusBounds`). Without it, a walk by creation for items closed passes every item created
 * since the first of them closed.
 */
const TABLES = ['tests', 'courses'] as const;

export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`CREATE INDEX CONCURRENTLY IF NOT EXISTS ${table}_created_late_idx ON ${table} ((created_at - start_at)) WHERE created_at > start_at`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${table}_created_late_idx`);
}
