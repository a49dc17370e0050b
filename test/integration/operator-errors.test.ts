import { type AddressInfo, createServer } from 'node:net';
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { testConfig } from '../support/test-config';
import { uniqueName } from '../support/users';

/** Runs a command of the service as an operator would, with some settings changed. */
const run = (entry: string, env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, ['scripts/run-entry.cjs', entry], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 60_000 });

describe('Commands failing on a dependency tell the operator what to fix', function () {
  this.timeout(120_000);

  it('names Meilisearch, its address and MEILISEARCH_URL when it cannot be reached, without a stack trace', () => {
    const result = run('interfaces/cli/reindex', { SEARCH_ENGINE: 'meilisearch', MEILISEARCH_URL: 'http://127.0.0.1:7799', DATABASE_URL: testConfig().databaseUrl });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/reindex failed: Meilisearch at http:\/\/127\.0\.0\.1:7799 did not answer \(ECONNREFUSED\); is it running\? See MEILISEARCH_URL\./);
    expect(result.stderr + result.stdout).not.to.match(/\n\s+at /);
  });

  it('names PostgreSQL, its address and DATABASE_URL when it cannot be reached, without a stack trace', () => {
    const result = run('interfaces/cli/reconcile', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5999/exam_course_test' });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/reconcile failed: PostgreSQL at 127\.0\.0\.1:5999 could not be reached \(ECONNREFUSED\); is it running\? See DATABASE_URL\./);
    expect(result.stderr + result.stdout).not.to.match(/\n\s+at /);
  });

  it('fails reconcile (exit 1) when a payment is left unsettled for want of Redis, rather than report it reconciled', async () => {
    const db = createKnex(testConfig().databaseUrl, 1);
    try {
      const [{ id: userId }] = await db('users').insert({ email: `${uniqueName('unsettled')}@example.com`, username: uniqueName('unsettled'), password_hash: 'x' }).returning('id');
      const [{ id: itemId }] = await db('tests').insert({ title: 'unsettled', description: '', price: '45000.00', start_at: new Date(), end_at: new Date(Date.now() + 86_400_000) }).returning('id');
      const old = new Date(Date.now() - 3_600_000);
      const [{ id: paymentId }] = await db('payments')
        .insert({ user_id: userId, payment_type: 'test', target_id: itemId, item_title: 'unsettled', amount: '45000.00', payment_method: 'card', status: 'pending', paid_at: old, created_at: old })
        .returning('id');
      try {
        const result = run('interfaces/cli/reconcile', { DATABASE_URL: testConfig().databaseUrl, REDIS_URL: 'redis://127.0.0.1:6399/0' });
        expect(result.stdout).to.include(`payment ${paymentId}: deferred (dependency_unavailable)`);
        expect(result.status, result.stderr).to.equal(1);
        expect(result.stderr).to.match(/^reconcile failed: \d+ of \d+ unsettled payments left unsettled, a dependency being out of reach/);
        expect((await db('payments').where({ id: paymentId }).first()).status).to.equal('pending');
      } finally {
        await db('payments').where({ id: paymentId }).delete();
      }
    } finally {
      await db.destroy();
    }
  });

  it('names PostgreSQL and DATABASE_URL when what answers there takes the connection and says nothing, rather than blame a full pool', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = silent.address() as AddressInfo;
      const started = Date.now();
      const result = run('interfaces/cli/migrate', { DATABASE_URL: `postgres://postgres@127.0.0.1:${port}/exam_course_test` });
      expect(result.status).to.equal(1);
      expect(result.stderr).to.equal(`migration failed: PostgreSQL at 127.0.0.1:${port} took the connection but did not answer in time; is it PostgreSQL, and running? See DATABASE_URL.\n`);
      expect(Date.now() - started).to.be.below(30_000);
    } finally {
      silent.close();
    }
  });

  for (const [entry, name] of [
    ['interfaces/cli/migrate', 'migration failed'],
    ['interfaces/cli/seed', 'seed failed'],
    ['interfaces/http/main', 'api failed to start'],
  ] as const) {
    it(`says "${name}" naming PostgreSQL, its address and DATABASE_URL when it cannot be reached, in one line without a stack trace`, () => {
      const result = run(entry, { DATABASE_URL: 'postgres://postgres@127.0.0.1:5999/exam_course_test', PORT: '0', METRICS_PORT: '0' });
      expect(result.status).to.equal(1);
      expect(result.stderr).to.equal(`${name}: PostgreSQL at 127.0.0.1:5999 could not be reached (ECONNREFUSED); is it running? See DATABASE_URL.\n`);
      expect(result.stdout).not.to.match(/\n\s+at /);
    });
  }

  const worker = (env: NodeJS.ProcessEnv) => run('interfaces/worker/main', { DATABASE_URL: testConfig().databaseUrl, REDIS_URL: testConfig().redisUrl, WORKER_METRICS_PORT: '0', ...env });
  const failures: Array<[string, NodeJS.ProcessEnv, RegExp]> = [
    ['PostgreSQL', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5999/exam_course_test' }, /worker failed to start: PostgreSQL at 127\.0\.0\.1:5999 could not be reached \(ECONNREFUSED\); is it running\? See DATABASE_URL\./],
    ['Redis', { REDIS_URL: 'redis://127.0.0.1:6399/0' }, /worker failed to start: Redis at 127\.0\.0\.1:6399 could not be reached \(ECONNREFUSED\); is it running\? See REDIS_URL\./],
  ];
  for (const [dependency, env, message] of failures) {
    it(`stops the worker at start when ${dependency} cannot be reached, naming it, its address and its setting`, () => {
      const result = worker(env);
      expect(result.status, result.stderr).to.equal(1);
      expect(result.stderr).to.match(message);
      expect(result.stderr + result.stdout).not.to.match(/\n\s+at /);
    });
  }
});
