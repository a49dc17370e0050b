import type { Knex } from 'knex';
import { ALL_OFFERING_KINDS } from '../../domain/offering-kind';
import { OFFERING_TABLES } from '../../infrastructure/knex/offering-tables';

/**
 * The money invariants, over the payments of the given users (made since `since`, when given):
 * every gateway charge is matched by
 * exactly one paid (or cancelled) payment or by one refund; every paid payment has exactly one
 * active registration, and every active registration a paid payment; each item's
 * registration_count equals its active registrations; no transaction was refunded twice; nothing
 * is left pending. Returns the violations, none when all hold.
 */
export async function moneyInvariantViolations(db: Knex, userIds: readonly number[], since?: Date): Promise<string[]> {
  const violations: string[] = [];
  const query = db('payments').whereIn('user_id', userIds);
  if (since) query.where('created_at', '>=', since);
  const payments = await query;
  const ledger = await db('simulated_gateway_ledger').whereIn('transaction_id', db('simulated_gateway_ledger').select('transaction_id').whereIn('idempotency_key', payments.map((p) => p.charge_key)));
  for (const payment of payments) {
    const charge = ledger.find((entry) => entry.idempotency_key === payment.charge_key && entry.operation === 'charge');
    const refunds = charge ? ledger.filter((entry) => entry.operation === 'refund' && entry.transaction_id === charge.transaction_id) : [];
    if (payment.status === 'pending') violations.push(`payment ${payment.id} is still pending`);
    if (refunds.length > 1) violations.push(`payment ${payment.id} was refunded ${refunds.length} times`);
    if (payment.status === 'paid' && (!charge || refunds.length > 0)) violations.push(`paid payment ${payment.id} has ${charge ? 'a refund' : 'no charge'}`);
    if (payment.status === 'cancelled' && (!charge || refunds.length !== 1)) violations.push(`cancelled payment ${payment.id} is not charged and refunded once`);
    if (payment.status === 'failed' && charge && refunds.length !== 1) violations.push(`failed payment ${payment.id} was charged and not refunded`);
    const registrations = await db(OFFERING_TABLES[payment.payment_type as 'test' | 'course'].registrations).where({ payment_id: payment.id });
    const active = registrations.filter((registration) => registration.status !== 'cancelled');
    if (payment.status === 'paid' && active.length !== 1) violations.push(`paid payment ${payment.id} has ${active.length} active registrations`);
    if (payment.status !== 'paid' && active.length > 0) violations.push(`${payment.status} payment ${payment.id} has an active registration`);
  }
  for (const kind of ALL_OFFERING_KINDS) {
    const { items, registrations, itemColumn } = OFFERING_TABLES[kind];
    const itemIds = payments.filter((payment) => payment.payment_type === kind).map((payment) => payment.target_id);
    if (itemIds.length === 0) continue;
    const { rows } = await db.raw(
      `SELECT i.id FROM ${items} i WHERE i.id = ANY(?::bigint[])
         AND i.registration_count <> (SELECT count(*) FROM ${registrations} r WHERE r.${itemColumn} = i.id AND r.status <> 'cancelled')`,
      [itemIds],
    );
    for (const row of rows) violations.push(`${kind} ${row.id}: registration_count differs from its active registrations`);
  }
  return violations;
}
