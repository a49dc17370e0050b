import type { Knex } from 'knex';

/**
 * Payments that survive a crash at any point:
 * - a payment is committed as `pending`, with the idempotency key of its charge, before the
 *   gateway is called; it becomes `paid` with its registration in one transaction, or `failed`;
 * - a refund (of a failed payment that was charged, or of a cancel) is decided and committed with
 *   its own idempotency key before the gateway is asked, and `refunded_at` records that it was
 *   done, so a refund is never lost and never made twice;
 * - the simulated gateway keeps a ledger of its own, keyed by those idempotency keys, so that
 *   what it did can be asked after a crash (a real provider keeps its own).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE payments DROP CONSTRAINT payments_status_valid`);
  await knex.raw(`ALTER TABLE payments ADD CONSTRAINT payments_status_valid CHECK (status IN ('pending', 'paid', 'failed', 'cancelled'))`);
  await knex.raw(`ALTER TABLE payments ALTER COLUMN gateway_transaction_id DROP NOT NULL`);
  await knex.raw(`ALTER TABLE payments ADD CONSTRAINT payments_paid_has_transaction CHECK (status NOT IN ('paid', 'cancelled') OR gateway_transaction_id IS NOT NULL)`);
  await knex.raw(`ALTER TABLE payments ADD COLUMN charge_key uuid NOT NULL DEFAULT gen_random_uuid()`);
  await knex.raw(`ALTER TABLE payments ADD COLUMN refund_key uuid`);
  await knex.raw(`ALTER TABLE payments ADD COLUMN refund_requested_at timestamptz`);
  await knex.raw(`ALTER TABLE payments ADD COLUMN refunded_at timestamptz`);
  await knex.raw(`ALTER TABLE payments ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`);
  // The gateway's idempotency key for the charge: one per payment.
  await knex.raw(`CREATE UNIQUE INDEX payments_charge_key_idx ON payments (charge_key)`);
  // At most one payment in flight per user and item (the lock should already ensure it).
  await knex.raw(`CREATE UNIQUE INDEX payments_one_pending_idx ON payments (user_id, payment_type, target_id) WHERE status = 'pending'`);
  // The reconciler: payments left pending, and refunds decided but not known to be done.
  await knex.raw(`CREATE INDEX payments_unsettled_idx ON payments (created_at) WHERE status = 'pending' OR (refund_key IS NOT NULL AND refunded_at IS NULL)`);

  await knex.raw(`
    CREATE TABLE simulated_gateway_ledger (
      idempotency_key uuid          PRIMARY KEY,
      operation       varchar(10)   NOT NULL CONSTRAINT simulated_gateway_operation_valid CHECK (operation IN ('charge', 'refund')),
      method          varchar(20)   NOT NULL,
      amount          numeric(10, 2) NOT NULL,
      transaction_id  varchar(100)  NOT NULL,
      created_at      timestamptz   NOT NULL DEFAULT now()
    )`);
  // A transaction is refunded at most once, whatever the keys.
  await knex.raw(`CREATE UNIQUE INDEX simulated_gateway_one_refund_idx ON simulated_gateway_ledger (transaction_id) WHERE operation = 'refund'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP TABLE simulated_gateway_ledger`);
  await knex.raw(`DELETE FROM payments WHERE status IN ('pending', 'failed')`);
  for (const index of ['payments_unsettled_idx', 'payments_one_pending_idx', 'payments_charge_key_idx']) await knex.raw(`DROP INDEX ${index}`);
  for (const column of ['created_at', 'refunded_at', 'refund_requested_at', 'refund_key', 'charge_key']) await knex.raw(`ALTER TABLE payments DROP COLUMN ${column}`);
  await knex.raw(`ALTER TABLE payments DROP CONSTRAINT payments_paid_has_transaction`);
  await knex.raw(`ALTER TABLE payments ALTER COLUMN gateway_transaction_id SET NOT NULL`);
  await knex.raw(`ALTER TABLE payments DROP CONSTRAINT payments_status_valid`);
  await knex.raw(`ALTER TABLE payments ADD CONSTRAINT payments_status_valid CHECK (status IN ('paid', 'cancelled'))`);
}
