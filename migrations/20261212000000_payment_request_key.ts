import type { Knex } from 'knex';

/**
 * The `Idempotency-Key` of the request that made a payment, when it sent one. A request that died
 * after its payment was charged never stored its answer; its retry under the same key, once it
 * takes the key over, finds the registration that payment made and answers with it, instead of
 * `already_registered`. Payments made before have none.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE payments ADD COLUMN request_key varchar(255)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE payments DROP COLUMN request_key');
}
