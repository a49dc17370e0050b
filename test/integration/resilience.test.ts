import { ReconcilePaymentsHandler } from '../../src/application/commands/reconcile-payments/reconcile-payments-handler';
import { createLogger } from '../../src/infrastructure/logging/logger';
import { moneyInvariantViolations } from '../../src/interfaces/cli/money-invariants';
import { reconcilerContainer } from '../support/reconciler';
import { testConfig } from '../support/test-config';
import { expect } from 'chai';
import { OWASP_MEMORY_KIB } from '../../src/infrastructure/config/config';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { isDependencyFailure } from '../../src/infrastructure/errors/dependency-failure';
import { redisProbe } from '../../src/infrastructure/health/core-probes';
import { createRedis, waitForRedis } from '../../src/infrastructure/redis/create-redis';
import { startWorker } from '../../src/interfaces/worker/start-worker';
import { RedisInstance, waitUntil } from '../support/redis-instance';
import { type TestServer, sharedServer, startTestServer, withTestServer } from '../support/test-server';
import { createOffering, kindPaths } from '../support/offerings';
import { createUser, uniqueName } from '../support/users';
import { CapturedLogs } from '../support/captured-logs';

describe('Faults of the backing services', () => {
  describe('a REDIS_URL naming a database the Redis server does not have', () => {
    const beyond = () => {
      const url = new URL(testConfig().redisUrl);
      url.pathname = '/99';
      return url.toString();
    };

    it('refuses to start the API or the worker, naming REDIS_URL, instead of going on in database 0', async () => {
      const api = await startTestServer({ REDIS_URL: beyond() }).then(
        async (server) => {
          await server.running.close();
          return null;
        },
        (error: unknown) => error,
      );
      expect(String(api)).to.match(/REDIS_URL names database 99/);
      const worker = await startWorker(testConfig({ REDIS_URL: beyond(), WORKER_METRICS_PORT: '0' }), { logger: createLogger('silent') }).then(
        async (running) => {
          await running.close();
          return null;
        },
        (error: unknown) => error,
      );
      // The worker waits for its first connection, whose own refusal of the database stops it already.
      expect(String(worker)).to.match(/REDIS_URL names database 99|DB index is out of range/);
    });

    it('is a Redis that is down, to the readiness probe', async () => {
      const client = createRedis(beyond());
      client.on('error', () => undefined);
      try {
        await waitForRedis(client, 2_000);
        let failure: unknown;
        await redisProbe(client).check().catch((error: unknown) => (failure = error));
        expect(String(failure)).to.match(/REDIS_URL names database 99/);
      } finally {
        client.disconnect();
      }
    });
  });

  describe('Redis unreachable', () => {
    let redis: RedisInstance;
    let server: TestServer;

    before(async () => {
      redis = await RedisInstance.start();
      server = await startTestServer({ REDIS_URL: redis.url }, { logger: logs.logger });
    });
    after(async () => {
      await server?.running.close();
      await redis?.stop();
    });
    const logs = new CapturedLogs();

    it('answers fast with 503 dependency_unavailable, reports not ready, and recovers by itself', async () => {
      const user = await createUser(server.api);
      await redis.stop();

      const started = Date.now();
      const login = await server.api.post('/api/auth/login/', { email: user.email, password: user.password });
      expect(login.status).to.equal(503);
      expect(login.body.code).to.equal('dependency_unavailable');
      expect(login.headers.get('retry-after'), 'a 503 says when to retry').to.equal('2');
      expect(Date.now() - started, 'fails fast, does not hang').to.be.below(3_000);

      const { result: ready, lines } = await logs.during(() => server.api.get('/readyz'));
      expect(ready.status).to.equal(503);
      expect(ready.body.checks).to.deep.equal({ postgres: 'up', redis: 'down' });
      expect(lines.find((line) => line.msg === 'request'), 'a 503 is logged as a warning, not an error').to.include({ status: 503, level: 40 });
      expect((await server.api.get('/healthz')).status).to.equal(200);

      const username = uniqueName();
      const signup = await server.api.post('/api/auth/signup/', { email: `${username}@example.com`, username, password: 'secret123' });
      expect(signup.status).to.equal(503);
      expect(await server.db('users').where({ username }).first(), 'nothing written').to.equal(undefined);

      const itemId = await createOffering(server.db, 'test');
      const applyStarted = Date.now();
      const apply = await server.api.post(kindPaths('test').register(itemId), { amount: '45000', payment_method: 'card' }, { token: user.access });
      expect(apply.status).to.equal(503);
      expect(apply.body.code).to.equal('dependency_unavailable');
      expect(apply.headers.get('retry-after')).to.equal('2');
      expect(Date.now() - applyStarted, 'a command fails fast too').to.be.below(3_000);
      expect(await server.db('payments').where({ user_id: user.id }), 'no payment written').to.have.length(0);

      const list = await server.api.get('/api/tests/?page_size=1', { token: user.access });
      expect(list.status, 'reads that need no Redis keep working').to.equal(200);

      await redis.start();
      await waitUntil(async () => (await server.api.get('/readyz')).status === 200);
      const again = await server.api.post('/api/auth/login/', { email: user.email, password: user.password });
      expect(again.status).to.equal(200);
    });
  });

  describe('Redis not answering, its connections open (paused, partitioned)', () => {
    let redis: RedisInstance;
    let server: TestServer;

    before(async () => {
      redis = await RedisInstance.start();
      server = await startTestServer({ REDIS_URL: redis.url, READS_PER_MINUTE: '600' });
    });
    after(async () => {
      redis?.resume();
      await server?.running.close();
      await redis?.stop();
    });

    it('answers commands and logins 503 within seconds, serves reads, and goes on once Redis answers again', async () => {
      const user = await createUser(server.api);
      const itemId = await createOffering(server.db, 'test');
      redis.pause();
      try {
        const timed = async <T>(request: () => Promise<T>): Promise<[T, number]> => {
          const started = Date.now();
          const result = await request();
          return [result, Date.now() - started];
        };
        const [apply, applyMs] = await timed(() => server.api.post(kindPaths('test').register(itemId), { amount: '45000', payment_method: 'card' }, { token: user.access }));
        expect(apply.status).to.equal(503);
        expect(apply.body.code).to.equal('dependency_unavailable');
        expect(applyMs, 'a command does not wait for Redis').to.be.below(5_000);
        expect(await server.db('payments').where({ user_id: user.id }), 'no payment written').to.have.length(0);

        const [login, loginMs] = await timed(() => server.api.post('/api/auth/login/', { email: user.email, password: user.password }));
        expect(login.status).to.equal(503);
        expect(loginMs).to.be.below(5_000);

        for (const path of ['/api/tests/?page_size=1', `/api/tests/${itemId}/`, '/api/tests/?search=Redis&page_size=1']) {
          const [read, readMs] = await timed(() => server.api.get(path, { token: user.access }));
          expect(read.status, `${path}: reads go on, their limit open`).to.equal(200);
          expect(readMs, `${path}: not waiting for a Redis found not answering`).to.be.below(500);
        }
      } finally {
        redis.resume();
      }
      await waitUntil(async () => (await server.api.post('/api/auth/login/', { email: user.email, password: user.password })).status === 200);
      const apply = await server.api.post(kindPaths('test').register(itemId), { amount: '45000', payment_method: 'card' }, { token: user.access });
      expect(apply.status, 'the lock Redis took late, once it answered again, was released after').to.equal(201);
    });
  });

  describe('PostgreSQL connections lost', () => {
    it('recovers the pool after every backend connection is killed, without a restart', async () => {
      const server = await sharedServer();
      const user = await createUser(server.api);
      expect((await server.api.post('/api/auth/token/refresh/', { refresh: user.refresh })).status).to.equal(200);

      const { rows } = await server.db.raw('SELECT current_database() AS name');
      const admin = createKnex(server.config.databaseUrl, 1);
      try {
        const killed = await admin.raw(
          'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()',
          [rows[0].name],
        );
        expect(killed.rows.length, 'the service had connections to lose').to.be.greaterThan(0);
      } finally {
        await admin.destroy();
      }

      const statuses: number[] = [];
      for (let i = 0; i < 5; i += 1) {
        statuses.push((await server.api.post('/api/auth/login/', { email: user.email, password: user.password })).status);
      }
      expect(statuses.every((status) => status === 200 || status === 503), `no 500s: ${statuses}`).to.equal(true);
      expect(statuses.at(-1)).to.equal(200);
      expect((await server.api.get('/readyz')).status).to.equal(200);
    });

    it('answers 503 when PostgreSQL stops answering a connection (paused), within the statement deadline, and goes on with a new one', async () => {
      await withTestServer({ DB_STATEMENT_TIMEOUT: '500ms', DB_POOL_MAX: '1' }, async (server) => {
        const user = await createUser(server.api);
        const list = () => server.api.get('/api/tests/?page_size=1', { token: user.access });
        expect((await list()).status).to.equal(200);
        // The pool's one connection: its server process is paused, as a whole server would be.
        const { rows } = await server.db.raw('SELECT pg_backend_pid() AS pid');
        const paused: number = rows[0].pid;
        process.kill(paused, 'SIGSTOP');
        try {
          const started = Date.now();
          const stuck = await list();
          expect([stuck.status, stuck.body.code]).to.deep.equal([503, 'dependency_unavailable']);
          expect(Date.now() - started, 'given up 5 s after the statement timeout').to.be.within(5_000, 8_000);
        } finally {
          process.kill(paused, 'SIGCONT');
        }
        expect((await list()).status, 'a new connection serves').to.equal(200);
        expect((await server.db.raw('SELECT pg_backend_pid() AS pid')).rows[0].pid).to.not.equal(paused);
      });
    });

    it('leaves no deadline behind a statement the driver refuses at once, and passes every argument of a statement on', async () => {
      const db = createKnex(testConfig().databaseUrl, 1, { statementTimeoutMs: 50, unansweredGraceMs: 50 });
      try {
        const connection = await db.client.acquireConnection();
        try {
          expect(() => connection.query(null), 'without a callback').to.throw(TypeError);
          expect(() => connection.query(null, () => undefined), 'with a callback').to.throw(TypeError);
          // Past the deadline either would have set, the connection still serves.
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect((await connection.query('SELECT 1 AS one')).rows).to.deep.equal([{ one: 1 }]);
          expect((await connection.query('SELECT $1::int AS two', [2])).rows, 'text and values').to.deep.equal([{ two: 2 }]);
          const answer = await new Promise((resolve, reject) => connection.query('SELECT $1::int AS three', [3], (error: Error | null, result: { rows: unknown[] }) => (error ? reject(error) : resolve(result.rows))));
          expect(answer, 'text, values and a callback').to.deep.equal([{ three: 3 }]);
        } finally {
          await db.client.releaseConnection(connection);
        }
      } finally {
        await db.destroy();
      }
    });

    it('takes a statement cut off by its pool closing (a process stopping) as PostgreSQL out of reach, not as a fault of its own', async () => {
      const db = createKnex(testConfig().databaseUrl, 1);
      const held = await db.client.acquireConnection();
      const waiting = db.raw('SELECT 1').catch((error: unknown) => error);
      const closing = db.destroy();
      setTimeout(() => db.client.releaseConnection(held), 50);
      const cut = await waiting;
      await closing;
      const after = await db.raw('SELECT 1').catch((error: unknown) => error);
      for (const error of [cut, after]) {
        expect(error, String(error)).to.be.instanceOf(Error);
        expect(isDependencyFailure(error), String(error)).to.equal(true);
      }
    });

    it('sets no deadline that a timer cannot hold, where the statement timeout is longer than Node\'s longest timer', async () => {
      // A timer beyond 2^31 - 1 ms fires at once: such a deadline would cut every statement.
      const db = createKnex(testConfig().databaseUrl, 1, { statementTimeoutMs: 2_147_483_000 });
      try {
        expect((await db.raw('SELECT pg_sleep(0.05), 1 AS one')).rows[0].one).to.equal(1);
      } finally {
        await db.destroy();
      }
    });

    it('lets in-flight commands commit fully or not at all when the connections drop', async () => {
      const server = await sharedServer();
      const users = await Promise.all(Array.from({ length: 6 }, () => createUser(server.api)));
      const itemId = await createOffering(server.db, 'course');
      const { rows } = await server.db.raw('SELECT current_database() AS name');
      const inFlight = users.map((u) =>
        server.api.post(kindPaths('course').register(itemId), { amount: '45000', payment_method: 'card' }, { token: u.access }).then((r) => r.status),
      );
      const admin = createKnex(server.config.databaseUrl, 1);
      try {
        await admin.raw('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()', [rows[0].name]);
      } finally {
        await admin.destroy();
      }
      const statuses = await Promise.all(inFlight);
      expect(statuses.every((s) => s === 201 || s === 503), `only whole successes or clean failures: ${statuses}`).to.equal(true);
      // The outcome read on a connection of its own: the shared pool may still hold one of those cut.
      const check = createKnex(server.config.databaseUrl, 1);
      try {
        const registrations = await check('course_registrations').where({ course_id: itemId });
        const paid = await check('payments').where({ payment_type: 'course', target_id: itemId, status: 'paid' });
        const item = await check('courses').where({ id: itemId }).first();
        expect(registrations.length, 'one registration per paid payment').to.equal(paid.length);
        expect(item.registration_count).to.equal(registrations.length);
        expect(registrations.length).to.be.at.least(statuses.filter((s) => s === 201).length);
        // Payments cut off mid-way are settled by the reconciler; then every money invariant holds.
        const reconciler = reconcilerContainer();
        try {
          await reconciler.container.get(ReconcilePaymentsHandler).execute();
        } finally {
          await reconciler.dispose();
        }
        expect(await moneyInvariantViolations(check, users.map((u) => u.id))).to.deep.equal([]);
      } finally {
        await check.destroy();
      }
    });
  });
});

describe('Graceful shutdown', () => {
  it('finishes in-flight requests, then refuses new connections and closes the pools', async () => {
    // Ten concurrent logins of one account from one address (over the default attempt limit),
    // hashed at the production cost so that they are still in flight when the server closes.
    const server = await startTestServer({ LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '20', PASSWORD_HASH_MEMORY_KIB: String(OWASP_MEMORY_KIB) });
    const user = await createUser(server.api);
    // Closing cuts connections that have sent no request yet, as a shutdown should: wait until
    // the server has received every login (argon2 keeps them in flight well after that).
    let received = 0;
    const allReceived = new Promise<void>((resolve) => {
      server.running.server.on('request', () => {
        received += 1;
        if (received === 10) resolve();
      });
    });
    const inFlight = Array.from({ length: 10 }, () =>
      server.api.post('/api/auth/login/', { email: user.email, password: user.password }).then((res) => res.status),
    );
    await allReceived;
    await server.running.close();
    expect(await Promise.all(inFlight)).to.deep.equal(Array(10).fill(200));
    let refused = false;
    await server.api.get('/healthz').catch(() => {
      refused = true;
    });
    expect(refused, 'new connections are refused after close').to.equal(true);
  });
});

describe('Abuse protection', () => {
  it('throttles sign-ups per client address with 429 and Retry-After', async () => {
    await withTestServer({ SIGNUP_MAX_PER_IP: '3' }, async (server) => {
      const headers = { 'x-forwarded-for': `192.0.2.${Math.floor(Math.random() * 250) + 1}` };
      const statuses: number[] = [];
      for (let i = 0; i < 4; i += 1) {
        const username = uniqueName();
        const res = await server.api.post('/api/auth/signup/', { email: `${username}@example.com`, username, password: 'secret123' }, { headers });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).to.be.greaterThan(0);
      }
      expect(statuses).to.deep.equal([201, 201, 201, 429]);
    });
  });

  it('sends security headers on every response', async () => {
    const server = await sharedServer();
    const res = await server.api.get('/healthz');
    expect(res.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(res.headers.get('x-frame-options')).to.equal('SAMEORIGIN');
    expect(res.headers.get('content-security-policy')).to.contain("frame-ancestors 'none'");
    expect(res.headers.get('x-powered-by')).to.equal(null);
  });

  it('allows cross-origin calls only from the configured origins', async () => {
    await withTestServer({ CORS_ORIGINS: 'https://app.example.com' }, async (server) => {
      const allowed = await server.api.get('/healthz', { headers: { origin: 'https://app.example.com' } });
      expect(allowed.headers.get('access-control-allow-origin')).to.equal('https://app.example.com');
      const other = await server.api.get('/healthz', { headers: { origin: 'https://evil.example.com' } });
      expect(other.headers.get('access-control-allow-origin')).to.equal(null);
      // A staff console in the browser may change items: PATCH and DELETE, If-Match, and the ETag read back.
      const preflight = await server.api.request('OPTIONS', '/api/tests/1/', undefined, {
        headers: { origin: 'https://app.example.com', 'access-control-request-method': 'PATCH', 'access-control-request-headers': 'authorization, if-match, content-type' },
      });
      expect(preflight.status).to.equal(204);
      expect(preflight.headers.get('access-control-allow-methods')).to.include('PATCH').and.include('DELETE');
      expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).to.include('if-match');
      expect(allowed.headers.get('access-control-expose-headers')).to.include('ETag').and.include('Location');
    });
  });
});
