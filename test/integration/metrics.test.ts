import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import type { Knex } from 'knex';
import { registrationLockKey } from '../../src/application/registrations/registration-lock';
import { LOCK_PORT, type LockPort } from '../../src/application/ports/lock-port';
import { PAYMENT_GATEWAY } from '../../src/application/ports/payment-gateway';
import { KNEX } from '../../src/infrastructure/knex/create-knex';
import { createLogger } from '../../src/infrastructure/logging/logger';
import type { StrategyPaymentGateway } from '../../src/infrastructure/payments/strategy-payment-gateway';
import { createQueueConnection, queuePrefix } from '../../src/infrastructure/queue/search-sync-queue';
import { HOUSEKEEPING_QUEUE_NAME } from '../../src/interfaces/worker/housekeeping-worker';
import { type RunningWorkerProcess, startWorker } from '../../src/interfaces/worker/start-worker';
import { RedisInstance, waitUntil } from '../support/redis-instance';
import { freePort } from '../support/free-port';
import { createOffering, kindPaths } from '../support/offerings';
import { scrape } from '../support/scrape';
import { testConfig } from '../support/test-config';
import { type TestServer, startTestServer } from '../support/test-server';
import { createUser } from '../support/users';

const TOKEN = `metrics-${randomUUID()}`;
const requests = (method: string, route: string, statusClass: string) =>
  `http_request_duration_seconds_count{method="${method}",route="${route}",status_class="${statusClass}"}`;

describe('Metrics of the API process, on a port of their own', () => {
  let server: TestServer;
  let port: number;
  before(async () => {
    server = await startTestServer({ METRICS_PORT: String(await freePort()), METRICS_TOKEN: TOKEN, LOCK_WAIT_MS: '200' });
    port = server.running.metricsPort as number;
  });
  after(() => server.running.close());

  const read = () => scrape(port, TOKEN);

  it('answers the Prometheus text format with the bearer token, 401 without it or with another, and nothing on the API port', async () => {
    const ok = await read();
    expect(ok.status).to.equal(200);
    expect(ok.contentType).to.match(/^text\/plain; version=0\.0\.4/);
    expect((await scrape(port)).status).to.equal(401);
    expect((await scrape(port, `${TOKEN}x`)).status).to.equal(401);
    expect((await scrape(port, TOKEN, '/other')).status).to.equal(404);
    // The scheme's name in any case, as HTTP has it; the token itself exactly.
    const withHeader = (authorization: string) => fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization } }).then((res) => res.status);
    expect(await withHeader(`bearer ${TOKEN}`)).to.equal(200);
    expect(await withHeader(`BEARER ${TOKEN}`)).to.equal(200);
    expect(await withHeader(`Bearer ${TOKEN.toUpperCase()}x`)).to.equal(401);
    expect(await withHeader(`Basic ${TOKEN}`)).to.equal(401);
    expect(port).not.to.equal(server.running.port);
    expect((await server.api.get('/metrics')).status).to.equal(404);
  });

  it('counts each request once under its route pattern and status class, never its path', async () => {
    const user = await createUser(server.api);
    const id = await createOffering(server.db, 'test');
    const before = await read();
    const count = (scraped: typeof before, series: string) => scraped.value(series) ?? 0;

    for (const path of ['/api/tests/', '/api/tests', '/api/tests/?page_size=5']) expect((await server.api.get(path, { token: user.access })).status).to.equal(200);
    expect((await server.api.get(kindPaths('test').detail(id), { token: user.access })).status).to.equal(200);
    expect((await server.api.get(kindPaths('test').detail(2_000_000_000), { token: user.access })).status).to.equal(404);
    expect((await server.api.get('/api/tests/')).status).to.equal(401);
    expect((await server.api.get(`/api/nowhere-${id}/`)).status).to.equal(404);

    const after = await read();
    const delta = (series: string) => count(after, series) - count(before, series);
    expect(delta(requests('GET', '/api/tests', '2xx'))).to.equal(3);
    expect(delta(requests('GET', '/api/tests', '4xx'))).to.equal(1);
    expect(delta(requests('GET', '/api/tests/:id', '2xx'))).to.equal(1);
    expect(delta(requests('GET', '/api/tests/:id', '4xx'))).to.equal(1);
    expect(delta(requests('GET', 'unmatched', '4xx'))).to.equal(1);
    expect(after.text).not.to.include('nowhere');
    expect(after.text).not.to.include(`/api/tests/${id}`);
    expect(after.value('http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/api/tests",status_class="2xx"}')).to.equal(count(after, requests('GET', '/api/tests', '2xx')));
  });

  it('counts payments charged, declined, refunded and cancelled', async () => {
    const user = await createUser(server.api);
    const paths = kindPaths('course');
    const outcome = (name: string) => `payments_total{outcome="${name}"}`;
    const before = await read();
    for (const name of ['charged', 'declined', 'refunded', 'cancelled']) expect(before.value(outcome(name)), name).to.be.a('number');
    // The security and catalogue events too, before any has happened: an alert counts the first.
    for (const event of ['auth.login_locked_out', 'auth.refresh_reuse_detected', 'auth.family_revoked']) expect(before.value(`security_events_total{event="${event}"}`), event).to.be.a('number');
    for (const event of ['created', 'changed', 'closed', 'deleted']) expect(before.value(`catalogue_changes_total{event="catalogue.item_${event}"}`), event).to.be.a('number');

    const paid = await server.api.post(paths.register(await createOffering(server.db, 'course')), { amount: '45000.00', payment_method: 'card' }, { token: user.access });
    expect(paid.status).to.equal(201);
    expect((await server.api.post(`/api/payments/${paid.body.payment_id}/cancel/`, {}, { token: user.access })).status).to.equal(200);
    const gateway = server.running.app.container.get<StrategyPaymentGateway>(PAYMENT_GATEWAY);
    gateway.simulate('decline');
    try {
      const declined = await server.api.post(paths.register(await createOffering(server.db, 'course')), { amount: '45000.00', payment_method: 'card' }, { token: user.access });
      expect(declined.status).to.equal(400);
    } finally {
      gateway.simulate('normal');
    }

    const after = await read();
    const delta = (name: string) => (after.value(outcome(name)) ?? 0) - (before.value(outcome(name)) ?? 0);
    expect({ charged: delta('charged'), declined: delta('declined'), refunded: delta('refunded'), cancelled: delta('cancelled') }).to.deep.equal({ charged: 1, declined: 1, refunded: 1, cancelled: 1 });
  });

  it('measures lock waits and counts lock_busy refusals', async () => {
    const user = await createUser(server.api);
    const id = await createOffering(server.db, 'test');
    const lock = server.running.app.container.get<LockPort>(LOCK_PORT);
    const before = await read();
    await lock.withLock(registrationLockKey('test', id, user.id), async () => {
      const refused = await server.api.post(kindPaths('test').register(id), { amount: '45000.00', payment_method: 'card' }, { token: user.access });
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal('lock_busy');
      expect(refused.headers.get('retry-after'), 'when to try again').to.equal('1');
    });
    const after = await read();
    expect((after.value('lock_busy_total') ?? 0) - (before.value('lock_busy_total') ?? 0)).to.equal(1);
    expect((after.value('lock_wait_seconds_count') ?? 0) - (before.value('lock_wait_seconds_count') ?? 0), 'the lock held by the test').to.equal(1);
  });

  it('reports the PostgreSQL pool, Redis and the process', async () => {
    const scraped = await read();
    expect(scraped.value('db_pool_connections{state="max"}')).to.equal(server.config.dbPoolMax);
    const used = scraped.value('db_pool_connections{state="used"}') as number;
    const free = scraped.value('db_pool_connections{state="free"}') as number;
    expect(used + free).to.be.within(1, server.config.dbPoolMax);
    expect(scraped.value('db_pool_pending_acquires')).to.equal(0);
    expect(scraped.value('db_pool_acquire_wait_seconds_count')).to.be.greaterThan(0);
    expect(scraped.value('redis_up{connection="commands"}')).to.equal(1);
    expect(scraped.value('redis_up{connection="queue"}')).to.equal(1);
    expect(scraped.value('process_cpu_user_seconds_total')).to.be.a('number');
    expect(scraped.text).to.include('nodejs_eventloop_lag_seconds');
  });

  it('sees pool waits while every connection is taken', async () => {
    const pool = server.db.client.pool as { numPendingAcquires(): number };
    const held = await Promise.all(Array.from({ length: server.config.dbPoolMax }, () => server.db.client.acquireConnection()));
    // A query builder runs when awaited: `then` sends this one, which waits for a connection.
    const waiting = server.db.raw('SELECT 1').then(() => undefined);
    try {
      const deadline = Date.now() + 5_000;
      while (pool.numPendingAcquires() === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
      const scraped = await read();
      expect(scraped.value('db_pool_pending_acquires')).to.equal(1);
      expect(scraped.value('db_pool_connections{state="used"}')).to.equal(server.config.dbPoolMax);
    } finally {
      for (const connection of held) await server.db.client.releaseConnection(connection);
    }
    await waiting;
  });
});

describe('Metrics of the worker process', () => {
  let worker: RunningWorkerProcess;
  let port: number;
  before(async () => {
    worker = await startWorker(testConfig({ WORKER_METRICS_PORT: String(await freePort()), METRICS_TOKEN: TOKEN }), { logger: createLogger('silent') });
    port = worker.metricsPort as number;
  });
  after(() => worker.close());

  it('answers with the queue gauges, the outbox backlog and the jobs it ran, behind the token', async () => {
    const config = testConfig();
    const db = worker.app.container.get<Knex>(KNEX);
    const connection = createQueueConnection(config.redisUrl);
    const housekeeping = new Queue(HOUSEKEEPING_QUEUE_NAME, { connection, prefix: queuePrefix(config.redisKeyPrefix) });
    const itemId = await createOffering(db, 'test');
    const deadLetters = await db('search_outbox')
      .insert([1, 2, 3].map(() => ({ item_kind: 'test', item_id: itemId, operation: 'upsert', attempts: config.searchSync.maxAttempts, last_error: 'refused by a test' })))
      .returning('id');
    const probes = await Promise.all([1, 2].map((n) => housekeeping.add(`metrics-probe-${n}`, {}, { delay: 3_600_000 })));
    try {
      expect((await scrape(port)).status).to.equal(401);
      const delayedBefore = (await housekeeping.getJobCounts('delayed')).delayed;
      const scraped = await scrape(port, TOKEN);
      const delayedAfter = (await housekeeping.getJobCounts('delayed')).delayed;
      expect(scraped.status).to.equal(200);
      expect(delayedBefore).to.be.at.least(2);
      expect([delayedBefore, delayedAfter]).to.include(scraped.value(`bullmq_queue_jobs{queue="${HOUSEKEEPING_QUEUE_NAME}",state="delayed"}`));
      for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(scraped.value(`bullmq_queue_jobs{queue="search-sync",state="${state}"}`), state).to.be.a('number');
      const [{ n }] = await db('search_outbox').where('attempts', '>=', config.searchSync.maxAttempts).count({ n: '*' });
      expect(scraped.value('search_outbox_entries{state="dead_letter"}')).to.equal(Number(n));
      expect(scraped.value('search_outbox_entries{state="pending"}')).to.be.a('number');
      expect(scraped.value('redis_up{connection="commands"}')).to.equal(1);

      // The periodic drain runs every SEARCH_SYNC_INTERVAL (1 s): its jobs are counted as they complete.
      const deadline = Date.now() + 10_000;
      let completed = 0;
      while (completed === 0 && Date.now() < deadline) {
        completed = (await scrape(port, TOKEN)).value('bullmq_jobs_total{queue="search-sync",outcome="completed"}') ?? 0;
        if (completed === 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(completed).to.be.greaterThan(0);
    } finally {
      await Promise.all(probes.map((job) => job.remove()));
      await db('search_outbox').whereIn('id', deadLetters.map((row: { id: number }) => row.id)).delete();
      await housekeeping.close();
      connection.disconnect();
    }
  });

  it('reports its health at /healthz: 200 while Redis answers and its consumers run, 503 while Redis is down, 200 again once it is back', async () => {
    const health = async (target: RunningWorkerProcess) => {
      const response = await fetch(`http://127.0.0.1:${target.metricsPort}/healthz`);
      return { status: response.status, body: (await response.json()) as { status: string; checks: Record<string, string> } };
    };
    expect(await health(worker)).to.deep.equal({ status: 200, body: { status: 'ready', checks: { redis: 'up', consumers: 'up' } } });

    // A Redis of its own, stopped under the running worker.
    const redis = await RedisInstance.start();
    const cut = await startWorker(testConfig({ WORKER_METRICS_PORT: String(await freePort()), REDIS_URL: redis.url, REDIS_KEY_PREFIX: 'health-test' }), { logger: createLogger('silent') });
    try {
      expect((await health(cut)).status).to.equal(200);
      await redis.stop();
      const down = await health(cut);
      expect(down.status).to.equal(503);
      expect(down.body).to.deep.include({ status: 'unavailable' });
      expect(down.body.checks.redis).to.equal('down');
      await redis.start();
      await waitUntil(async () => (await health(cut)).status === 200);
    } finally {
      await cut.close();
      await redis.stop();
    }
  });
});
