import type { Knex } from 'knex';

/**
 * A stored answer is kept as the text it was given (`json`), not as `jsonb`, which orders an
 * object's keys its own way: a replay gives the body with its keys in the order of the first
 * answer, for clients that compare or hash what they received. Records written before keep
 * `jsonb`'s order.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE idempotency_records ALTER COLUMN response_body TYPE json USING response_body::json');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE idempotency_records ALTER COLUMN response_body TYPE jsonb USING response_body::jsonb');
}
