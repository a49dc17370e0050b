import type { Knex } from 'knex';

/**
 * Emails are unique without regard to case, but PostgreSQL's `lower()` maps a capital sigma to
 * `σ` everywhere, where a word's last sigma is written `ς` in lower case: `ΟΔΥΣΣΕΥΣ@…` and
 * `οδυσσευς@…` were two accounts. The unique index (and every lookup, see `KnexUserRepository`)
 * now compares emails with `ς` read as `σ`. Built beside the old index, which is then dropped; a
 * pair of accounts that already differ only so stops it, naming them, for an operator to settle.
 */
export const config = { transaction: false };

export async function up(knex: Knex): Promise<void> {
  // A build that failed before leaves an invalid index of the name behind.
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS users_email_folded_idx');
  await knex.raw(`CREATE UNIQUE INDEX CONCURRENTLY users_email_folded_idx ON users (lower(translate(email::text, 'ς', 'σ')))`);
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS users_email_lower_idx');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS users_email_lower_idx ON users (lower(email::text))');
  await knex.raw('DROP INDEX CONCURRENTLY IF EXISTS users_email_folded_idx');
}
