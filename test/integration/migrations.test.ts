import { expect } from 'chai';
import type { Knex } from 'knex';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { ensureDatabaseExists, migrateToLatest } from '../../src/infrastructure/knex/database-bootstrap';
import { testConfig } from '../support/test-config';

/** A database of its own, emptied before each test: the migrations start from nothing. */
const migrationsDatabaseUrl = (): string => {
  const url = new URL(testConfig().databaseUrl);
  url.pathname = `${url.pathname}_migrations`;
  return url.toString();
};

describe('Migrations', function () {
  this.timeout(120_000);
  const opened: Knex[] = [];
  const connect = (): Knex => {
    const db = createKnex(migrationsDatabaseUrl(), 2);
    opened.push(db);
    return db;
  };
  let db: Knex;

  beforeEach(async () => {
    await ensureDatabaseExists(migrationsDatabaseUrl());
    db = connect();
    await db.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((each) => each.destroy()));
  });

  const appliedNames = async (): Promise<string[]> => (await db('knex_migrations').orderBy('id').select('name')).map((row: { name: string }) => row.name);

  it('are applied by two processes starting at once: one applies them, the other waits and finds nothing left to do', async () => {
    const [first, second] = await Promise.all([migrateToLatest(connect()), migrateToLatest(connect())]);
    const applied = await appliedNames();
    expect(applied.length).to.be.greaterThan(0);
    expect([...first, ...second].sort()).to.deep.equal([...applied].sort());
    expect(Math.min(first.length, second.length)).to.equal(0);
  });

  it('go on past the lock of a migration whose process died midway, which would otherwise refuse every later run', async () => {
    await migrateToLatest(db);
    // What a process killed while migrating leaves behind: knex's lock, taken.
    await db('knex_migrations_lock').update({ is_locked: 1 });
    expect(await migrateToLatest(connect())).to.deep.equal([]);
    expect((await db('knex_migrations_lock').first()).is_locked).to.equal(0);
  });
});
