import type { Knex } from 'knex';

/**
 * The headers of a stored response that a replay must give again (`Location`, `ETag`): without
 * them, a client retrying a create after a lost answer got the item but no `ETag` to change it
 * with. Records written before have none, and replay without them.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE idempotency_records ADD COLUMN response_headers jsonb');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE idempotency_records DROP COLUMN response_headers');
}
