import type { Knex } from 'knex';

/**
 * A stored answer is kept as the text it was given (`json`), not as `jsonb`, which orders an
 * object's keys its own way: a replay gives the body with its keys in the order of the first
 * answer, for clients that compare or hash what they received. It goes in a column of its own,
 * added without rewriting the table (changing `response_body`'s type would rewrite it under a
 * lock that every command sent with a key waits for); `response_body` is still read for the
 * records written before, which expire within a day.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE idempotency_records ADD COLUMN response_json json');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE idempotency_records DROP COLUMN response_json');
}
