import type { Knex } from 'knex';

/**
 * The `Idempotency-Key` a staff create was made under, kept on its audit entry in the transaction
 * that makes the item: a retry under that key whose first run made the item but died before its
 * answer was stored finds the item instead of making it again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE admin_audit_log ADD COLUMN request_key varchar(255)');
  await knex.raw(`CREATE INDEX admin_audit_create_key_idx ON admin_audit_log (staff_user_id, request_key) WHERE action = 'create' AND request_key IS NOT NULL`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX admin_audit_create_key_idx');
  await knex.raw('ALTER TABLE admin_audit_log DROP COLUMN request_key');
}
