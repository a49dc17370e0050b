import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import type { Knex } from 'knex';
import { Argon2PasswordHasher } from '../../src/infrastructure/auth/argon2-password-hasher';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { ensureDatabaseExists, migrateToLatest } from '../../src/infrastructure/knex/database-bootstrap';
import { DatabaseSeeder } from '../../src/infrastructure/seed/database-seeder';
import { DEMO_SEED, SEED_PASSWORD } from '../../src/infrastructure/seed/seed-sizes';
import { testConfig } from '../support/test-config';
import { sharedServer } from '../support/test-server';
import { createUser, uniqueName } from '../support/users';

/** Runs an entry point as an operator would, against the test databases unless told otherwise. */
const run = (entry: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
  spawnSync(process.execPath, ['scripts/run-entry.cjs', entry, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: testConfig().databaseUrl,
      REDIS_URL: testConfig().redisUrl,
      LOG_LEVEL: 'warn',
      ADMIN_PASSWORD: '',
      PORT: '0',
      METRICS_PORT: '0',
      WORKER_METRICS_PORT: '0',
      ...env,
    },
    encoding: 'utf8',
    timeout: 60_000,
  });

describe('Commands given a command line they cannot run with', function () {
  this.timeout(120_000);

  const usageErrors: Array<[string, string, string[], RegExp]> = [
    ['interfaces/cli/create-admin', 'create-admin', ['--bogus'], /unknown option --bogus/],
    ['interfaces/cli/create-admin', 'create-admin', [], /--email is required/],
    ['interfaces/cli/create-admin', 'create-admin', ['--email', 'x'], /--email: .*valid email/],
    ['interfaces/cli/create-admin', 'create-admin', ['--email', 'someone@example.com', '--revoke', 'false'], /unexpected argument: false \(--revoke takes no value\)/],
    ['interfaces/cli/create-admin', 'create-admin', ['--email', 'someone@example.com', '--revoke=false'], /--revoke takes no value/],
    ['interfaces/cli/housekeeping', 'housekeeping', ['extra'], /unexpected argument: extra/],
    ['interfaces/cli/reconcile', 'reconcile', ['--bogus'], /unknown option --bogus/],
    ['interfaces/cli/migrate', 'migrate', ['extra'], /unexpected argument: extra/],
    ['interfaces/cli/reindex', 'reindex', ['--kind', 'bogus'], /--kind must be test, course or all/],
    ['interfaces/cli/reindex', 'reindex', ['--batch-size', '0'], /--batch-size must be a positive integer/],
    ['interfaces/cli/seed', 'seed', ['--tests', 'abc'], /--tests must be a positive integer/],
    ['interfaces/cli/seed', 'seed', ['--reset=no'], /--reset takes no value/],
    ['interfaces/cli/meili-keys', 'meili-keys', ['--out'], /--out needs a value/],
    ['interfaces/cli/explain', 'explain', ['--deep-page', '0'], /--deep-page must be a positive integer/],
    ['interfaces/http/main', 'api', ['--bogus'], /unknown option --bogus/],
    ['interfaces/worker/main', 'worker', ['extra'], /unexpected argument: extra/],
  ];
  for (const [entry, name, args, message] of usageErrors) {
    it(`${name} ${args.join(' ') || '(no options)'}: exits 2 with one line saying why, then the usage`, () => {
      const result = run(entry, args);
      expect(result.status, result.stderr).to.equal(2);
      const [first, second] = result.stderr.split('\n');
      expect(first).to.match(new RegExp(`^${name}: `));
      expect(first).to.match(message);
      expect(second).to.match(/^usage: /);
      expect(result.stdout).to.equal('');
    });
  }
});

describe('npm run create-admin on an existing account', function () {
  this.timeout(120_000);
  const createAdmin = (args: readonly string[]) => run('interfaces/cli/create-admin', args);

  it('refuses a deactivated account (exit 2), saying so, and leaves it as it was; --revoke still works', async () => {
    const server = await sharedServer();
    const user = await createUser(server.api);
    await server.db('users').where({ id: user.id }).update({ is_active: false });

    const refused = createAdmin(['--email', user.email]);
    expect(refused.status, refused.stderr).to.equal(2);
    expect(refused.stderr).to.match(/deactivated and cannot log in: it was not made staff/);
    expect(refused.stdout).not.to.match(/is now staff/);
    expect(await server.db('users').where({ id: user.id }).first()).to.include({ is_staff: false, is_active: false });

    await server.db('users').where({ id: user.id }).update({ is_staff: true });
    const revoked = createAdmin(['--email', user.email, '--revoke']);
    expect(revoked.status, revoked.stderr).to.equal(0);
    expect(revoked.stdout).to.match(/is no longer staff/);
    expect(await server.db('users').where({ id: user.id }).first()).to.include({ is_staff: false });
  });

  it('says that an existing account keeps its username when --username names another', async () => {
    const server = await sharedServer();
    const user = await createUser(server.api);
    const other = uniqueName('other');

    const promoted = createAdmin(['--email', user.email, '--username', other]);
    expect(promoted.status, promoted.stderr).to.equal(0);
    expect(promoted.stdout).to.include(`(user ${user.id}, ${user.username}) is now staff`);
    expect(promoted.stderr).to.include(`keeps its username "${user.username}"`);
    expect(await server.db('users').where({ id: user.id }).first()).to.include({ username: user.username, is_staff: true });

    const same = createAdmin(['--email', user.email, '--username', user.username]);
    expect(same.status, same.stderr).to.equal(0);
    expect(same.stderr).to.equal('');
  });

  it('refuses --revoke given a value rather than granting the right', async () => {
    const server = await sharedServer();
    const user = await createUser(server.api);
    for (const args of [['--revoke', 'false'], ['--revoke=false'], ['--revoke', 'no']]) {
      const result = createAdmin(['--email', user.email, ...args]);
      expect(result.status, args.join(' ')).to.equal(2);
    }
    expect(await server.db('users').where({ id: user.id }).first()).to.include({ is_staff: false });
  });
});

describe('npm run explain on the demo data set', function () {
  this.timeout(180_000);
  let db: Knex;
  let out: string;
  const databaseUrl = (): string => {
    const url = new URL(testConfig().databaseUrl);
    url.pathname = `${url.pathname}_explain`;
    return url.toString();
  };
  const explain = (args: readonly string[]) => run('interfaces/cli/explain', [...args, '--out', out], { DATABASE_URL: databaseUrl(), SEARCH_ENGINE: 'postgres' });

  before(async () => {
    out = mkdtempSync(path.join(tmpdir(), 'explain-'));
    await ensureDatabaseExists(databaseUrl());
    db = createKnex(databaseUrl(), 2);
    await db.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await migrateToLatest(db);
    const quiet = { phase: () => ({ advance: () => undefined, finish: () => undefined }) };
    await new DatabaseSeeder(db, await new Argon2PasswordHasher().hash(SEED_PASSWORD), quiet).run(DEMO_SEED, { reset: false });
  });

  after(async () => {
    await db?.destroy();
    if (out) rmSync(out, { recursive: true, force: true });
  });

  it('without --deep-page explains the deepest page there is, up to 500, and says which', () => {
    const result = explain([]);
    // 0, or 3 when a plan scans a large table: either way the plans were written.
    expect(result.status, result.stderr).to.be.oneOf([0, 3]);
    expect(result.stdout).to.include('tests: deep page 100, the last there is');
    expect(result.stdout).to.include('courses: deep page 100, the last there is');
    expect(result.stdout).to.include('tests: page 100 (cursor)');
    expect(result.stdout).to.match(/plans written to /);
  });

  it('refuses a --deep-page that does not exist (exit 2), naming the last page', () => {
    const result = explain(['--deep-page', '101']);
    expect(result.status, result.stderr).to.equal(2);
    expect(result.stderr).to.match(/^explain: page 101 of tests does not exist: the last is page 100/);
  });
});
