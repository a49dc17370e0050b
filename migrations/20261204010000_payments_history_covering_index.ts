import type { Knex } from 'knex';

/**
 * The payment history's index carries each payment's status, so that a user's page and count
 * filter by status within the index: the count becomes an index-only scan instead of a visit to
 * every one of the user's payments in the table.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX payments_user_history_idx ON payments (user_id, paid_at DESC, id DESC) INCLUDE (status)`);
  await knex.raw(`DROP INDEX payments_user_paid_at_idx`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`CREATE INDEX payments_user_paid_at_idx ON payments (user_id, paid_at DESC, id DESC)`);
  await knex.raw(`DROP INDEX payments_user_history_idx`);
}
