import type { Knex } from 'knex';

/**
 * No plan reads the `end_at` indexes: every status filter is answered by walking the sort's own
 * index (the planner's choice for all four sorts and all three statuses), so they only cost
 * writes and seeding time.
 */
const TABLES = ['tests', 'courses'] as const;

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.raw(`DROP INDEX IF EXISTS ${table}_end_at_idx`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.raw(`CREATE INDEX IF NOT EXISTS ${table}_end_at_idx ON ${table} (end_at, id)`);
}
