import { createKnex } from '../../src/infrastructure/knex/create-knex';

/**
 * Runs `work` while another session holds `table` in ACCESS EXCLUSIVE mode, so that any statement
 * that reads it waits (and, under a statement timeout, fails); the lock goes when `work` ends.
 */
export async function whileTableLocked<T>(databaseUrl: string, table: string, work: () => Promise<T>): Promise<T> {
  const locker = createKnex(databaseUrl, 1);
  const trx = await locker.transaction();
  try {
    await trx.raw('LOCK TABLE ?? IN ACCESS EXCLUSIVE MODE', [table]);
    return await work();
  } finally {
    await trx.rollback();
    await locker.destroy();
  }
}
