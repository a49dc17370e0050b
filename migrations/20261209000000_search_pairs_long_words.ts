import type { Knex } from 'knex';
import { FUNCTIONS } from './20261208000000_search_pairs';

/**
 * The pairs' triggers and check as `20261208000000_search_pairs` now defines them: a lexeme is
 * paired by its first `PAIRED_CHARACTERS` characters. As first applied, those triggers paired
 * lexemes whole, and an item with two long words (two of a thousand characters, say) could not be
 * written: the pair was too large for the pairs' index. No such item was written, so no pair is
 * missing.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(FUNCTIONS);
}

/** The functions that refused such items are not put back. */
export async function down(): Promise<void> {}
