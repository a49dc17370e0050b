import type { Knex } from 'knex';

/**
 * The `Idempotency-Key` of the cancel that decided a payment's refund, when it sent one: its retry,
 * after the request died with the cancel finished (by itself or by the reconciler), answers with
 * that cancel rather than `already_cancelled`. Payments cancelled before have none.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE payments ADD COLUMN cancel_request_key varchar(255)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE payments DROP COLUMN cancel_request_key');
}
