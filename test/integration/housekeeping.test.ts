import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { PurgeExpiredRecordsHandler } from '../../src/application/commands/purge-expired-records/purge-expired-records-handler';
import { createQueueConnection, queuePrefix } from '../../src/infrastructure/queue/search-sync-queue';
import { HOUSEKEEPING_QUEUE_NAME, OPEN_WINDOWS_SCHEDULER_ID, POSTING_LISTS_SCHEDULER_ID, PURGE_SCHEDULER_ID, RECONCILE_SCHEDULER_ID, startHousekeeping } from '../../src/interfaces/worker/housekeeping-worker';
import { createOffering, kindPaths } from '../support/offerings';
import { type TestServer, sharedServer } from '../support/test-server';
import { createUser } from '../support/users';

const HOUR = 3_600_000;

describe('Housekeeping: no table grows without bound', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });

  it('deletes expired idempotency records and refresh tokens, and keeps the live ones', async () => {
    const user = await createUser(server.api);
    const now = Date.now();
    const record = (key: string, expiresAt: number) => ({ user_id: user.id, key, request_hash: 'a'.repeat(64), state: 'completed', response_status: 201, response_body: {}, expires_at: new Date(expiresAt) });
    await server.db('idempotency_records').insert([record('old-1', now - HOUR), record('old-2', now - 1), record('live', now + HOUR)]);
    const token = (expiresAt: number) => ({ user_id: user.id, family_id: randomUUID(), token_hash: randomUUID().replace(/-/g, '').padEnd(64, '0'), expires_at: new Date(expiresAt) });
    await server.db('refresh_tokens').insert([token(now - HOUR), token(now + HOUR)]);

    const purged = await server.running.app.container.get(PurgeExpiredRecordsHandler).execute();
    expect(purged.idempotencyRecords).to.be.at.least(2);
    expect(purged.refreshTokens).to.be.at.least(1);
    const keys = (await server.db('idempotency_records').where({ user_id: user.id }).select('key')).map((row: { key: string }) => row.key);
    expect(keys).to.deep.equal(['live']);
    const [{ n }] = await server.db('refresh_tokens').where({ user_id: user.id }).where('expires_at', '<', new Date()).count({ n: '*' });
    expect(Number(n)).to.equal(0);
    expect(await server.db('refresh_tokens').where({ user_id: user.id }).count({ n: '*' }).then((rows) => Number(rows[0].n))).to.be.at.least(2);
  });

  it('runs, with the payment reconciler, the listing of search words for postings and the window indexes, on the worker’s job schedulers', async () => {
    const running = await startHousekeeping(server.running.app.container);
    const connection = createQueueConnection(server.config.redisUrl);
    const queue = new Queue(HOUSEKEEPING_QUEUE_NAME, { connection, prefix: queuePrefix(server.config.redisKeyPrefix) });
    try {
      const schedulers = await queue.getJobSchedulers();
      expect(schedulers.map((scheduler) => scheduler.key)).to.include.members([PURGE_SCHEDULER_ID, RECONCILE_SCHEDULER_ID, POSTING_LISTS_SCHEDULER_ID, OPEN_WINDOWS_SCHEDULER_ID]);
    } finally {
      await queue.close();
      connection.disconnect();
      await running.close();
    }
  });

  it('records no search changes with the PostgreSQL engine, which has no index to keep in sync', async () => {
    const user = await createUser(server.api);
    const id = await createOffering(server.db, 'course');
    const before = Number((await server.db('search_outbox').count({ n: '*' }))[0].n);
    const res = await server.api.post(kindPaths('course').register(id), { amount: '45000.00', payment_method: 'card' }, { token: user.access });
    expect(res.status).to.equal(201);
    expect(Number((await server.db('search_outbox').count({ n: '*' }))[0].n)).to.equal(before);
  });
});
