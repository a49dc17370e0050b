import type { Knex } from 'knex';

/**
 * The indexes and foreign keys the seed sets aside during a bulk load, written down before they
 * are dropped, so that a seed interrupted midway (even by a killed process) puts them back on its
 * next run. Empty outside a seed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE TABLE seed_suspended_schema (
      name        text PRIMARY KEY,
      table_name  text NOT NULL,
      kind        text NOT NULL CONSTRAINT seed_suspended_schema_kind_valid CHECK (kind IN ('index', 'foreign_key')),
      definition  text NOT NULL
    )`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE seed_suspended_schema`);
}
