import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { ensureDatabaseExists, migrateToLatest } from '../../src/infrastructure/knex/database-bootstrap';
import { KnexSearchOutbox } from '../../src/infrastructure/knex/knex-search-outbox';
import { testConfig } from '../support/test-config';

/** A database of its own: a drain takes whatever the outbox holds. */
async function outboxDatabaseUrl(): Promise<string> {
  const url = new URL(testConfig().databaseUrl);
  url.pathname = `${url.pathname}_outbox`;
  await ensureDatabaseExists(url.toString());
  const setup = createKnex(url.toString(), 1);
  try {
    await migrateToLatest(setup);
    await setup('search_outbox').delete();
  } finally {
    await setup.destroy();
  }
  return url.toString();
}

describe('The search outbox', function () {
  this.timeout(60_000);

  it('lets a rebuild wait for a drain that outlasts the statement timeout of reads, instead of failing', async () => {
    const db = createKnex(await outboxDatabaseUrl(), 3, { statementTimeoutMs: 200 });
    const outbox = new KnexSearchOutbox(db);
    const [{ id }] = await db('search_outbox').insert({ item_kind: 'test', item_id: 1, operation: 'upsert' }).returning('id');
    try {
      let draining: () => void = () => undefined;
      const started = new Promise<void>((resolve) => (draining = resolve));
      const order: string[] = [];
      // A drain that holds the lock for 600 ms, as one waiting for the engine's tasks would.
      const drain = outbox.drain(10, 5, async () => {
        draining();
        await delay(600);
        order.push('drain');
        return { failedEntryIds: [] };
      });
      await started;
      await Promise.all([drain, outbox.exclusive(async () => order.push('exclusive'))]);
      expect(order).to.deep.equal(['drain', 'exclusive']);
    } finally {
      await db('search_outbox').where({ id }).delete();
      await db.destroy();
    }
  });
});
