import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { moneyInvariantViolations } from '../../src/interfaces/cli/money-invariants';
import type { Knex } from 'knex';
import { Argon2PasswordHasher } from '../../src/infrastructure/auth/argon2-password-hasher';
import { createKnex } from '../../src/infrastructure/knex/create-knex';
import { ensureDatabaseExists, migrateToLatest } from '../../src/infrastructure/knex/database-bootstrap';
import { OFFERING_TABLES } from '../../src/infrastructure/knex/offering-tables';
import { DatabaseSeeder, type SeedReporter } from '../../src/infrastructure/seed/database-seeder';
import { SEED_PASSWORD, seedSizes } from '../../src/infrastructure/seed/seed-sizes';
import { ALL_OFFERING_KINDS } from '../../src/domain/offering-kind';
import { prepareDatabase } from '../../src/infrastructure/knex/prepare-database';
import { CapturedLogs } from '../support/captured-logs';
import { testConfig } from '../support/test-config';

const DAY_MS = 86_400_000;

/** The seeder empties whole tables, so it runs against a database of its own. */
function seedDatabaseUrl(): string {
  const url = new URL(testConfig().databaseUrl);
  url.pathname = `${url.pathname}_seed`;
  return url.toString();
}

/** Records how far each phase got, as the progress bars would show it. */
function recordingReporter(progress: Map<string, { total: number; done: number }>): SeedReporter {
  return {
    phase(name, total) {
      const entry = { total, done: 0 };
      progress.set(name, entry);
      return { advance: (amount) => void (entry.done += amount), finish: () => undefined };
    },
  };
}

describe('npm run seed', function () {
  this.timeout(120_000);
  let db: Knex;
  let seeder: DatabaseSeeder;
  const progress = new Map<string, { total: number; done: number }>();
  const sizes = seedSizes(600, 400, 5);

  before(async () => {
    const url = seedDatabaseUrl();
    await ensureDatabaseExists(url);
    db = createKnex(url, 4);
    await db.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
    await migrateToLatest(db);
    seeder = new DatabaseSeeder(db, await new Argon2PasswordHasher().hash(SEED_PASSWORD), recordingReporter(progress));
  });

  after(async () => {
    await db?.destroy();
  });

  const countOf = async (table: string): Promise<number> => Number((await db(table).count({ n: '*' }))[0].n);

  /** Every invariant the API relies on, over everything seeded. */
  async function expectConsistent(): Promise<void> {
    for (const kind of ALL_OFFERING_KINDS) {
      const { items, registrations, itemColumn } = OFFERING_TABLES[kind];
      const { rows: wrongCounts } = await db.raw(
        `SELECT i.id FROM ${items} i
         WHERE i.registration_count <> (SELECT count(*) FROM ${registrations} r WHERE r.${itemColumn} = i.id AND r.status <> 'cancelled')`,
      );
      expect(wrongCounts, `${kind}: registration_count = active registrations`).to.deep.equal([]);
      const { rows: mismatched } = await db.raw(
        `SELECT r.id FROM ${registrations} r JOIN payments p ON p.id = r.payment_id
         WHERE p.user_id <> r.user_id OR p.target_id <> r.${itemColumn} OR p.payment_type <> ?
            OR (r.status = 'cancelled') <> (p.status = 'cancelled')`,
        [kind],
      );
      expect(mismatched, `${kind}: every registration has its own payment, cancelled together`).to.deep.equal([]);
    }
    for (const kind of ALL_OFFERING_KINDS) {
      const { items, registrations, itemColumn } = OFFERING_TABLES[kind];
      const { rows: outOfRules } = await db.raw(
        `SELECT r.id, p.paid_at, i.start_at, i.end_at FROM ${registrations} r JOIN payments p ON p.id = r.payment_id JOIN ${items} i ON i.id = r.${itemColumn} JOIN users u ON u.id = p.user_id
         WHERE p.paid_at < i.start_at OR p.paid_at > i.end_at OR p.paid_at > now() OR p.paid_at < i.created_at OR p.paid_at < u.created_at
            OR r.registered_at <> p.paid_at OR p.created_at <> p.paid_at
            OR r.completed_at < p.paid_at OR r.completed_at > now() OR (r.status = 'completed') <> (r.completed_at IS NOT NULL)
            OR p.cancelled_at < p.paid_at OR p.cancelled_at > now() OR (p.status = 'cancelled') <> (p.cancelled_at IS NOT NULL)`,
      );
      expect(outOfRules, `${kind}: every registration paid while its item was open, completed and cancelled after`).to.deep.equal([]);
    }
    const userIds = (await db('users').select('id')).map((user: { id: number }) => user.id);
    expect(await moneyInvariantViolations(db, userIds), 'every payment charged in the ledger, every cancelled one refunded once').to.deep.equal([]);
    const { rows: orphans } = await db.raw(
      `SELECT p.id FROM payments p
       WHERE NOT EXISTS (SELECT 1 FROM test_registrations r WHERE r.payment_id = p.id)
         AND NOT EXISTS (SELECT 1 FROM course_registrations r WHERE r.payment_id = p.id)`,
    );
    expect(orphans, 'no payment without its registration').to.deep.equal([]);
    for (const kind of ALL_OFFERING_KINDS) {
      const { items } = OFFERING_TABLES[kind];
      const { rows: unknown } = await db.raw(
        `SELECT DISTINCT lexeme FROM ${items}, unnest(tsvector_to_array(search_vector)) AS lexeme WHERE lexeme ~ '[^0-9]'
         EXCEPT SELECT lexeme FROM search_vocabulary WHERE catalogue = ?`,
        [items],
      );
      expect(unknown, `${kind}: every word of the items is in the search vocabulary`).to.deep.equal([]);
      const { rows: unpaired } = await db.raw(
        `SELECT DISTINCT a.lexeme, b.lexeme AS other
         FROM ${items}, unnest(tsvector_to_array(search_vector)) AS a(lexeme), unnest(tsvector_to_array(search_vector)) AS b(lexeme)
         WHERE a.lexeme <> b.lexeme AND a.lexeme ~ '[^0-9]' AND b.lexeme ~ '[^0-9]'
         EXCEPT SELECT lexeme, other FROM search_pairs WHERE catalogue = ?`,
        [items],
      );
      expect(unpaired, `${kind}: every two words an item holds together are in the search pairs`).to.deep.equal([]);
      const { rows: triggers } = await db.raw(`SELECT tgname FROM pg_trigger WHERE tgrelid = ?::regclass AND tgenabled = 'D'`, [items]);
      expect(triggers, `${kind}: no trigger left off`).to.deep.equal([]);
    }
  }

  it('loads the asked sizes with exact registration counts, and reports every phase to its end', async () => {
    const summary = await seeder.run(sizes, { reset: true });
    expect(summary).to.include({ users: 5, tests: 600, courses: 400 });
    expect(await countOf('tests')).to.equal(600);
    expect(await countOf('courses')).to.equal(400);
    expect(await countOf('users')).to.equal(5);
    expect(summary.payments).to.be.greaterThan(0);
    expect(await countOf('payments')).to.equal(summary.payments);
    await expectConsistent();
    // The bars of the phases that load rows advance row by row (or item kind by item kind) to the end.
    for (const phase of ['users', 'tests + courses', 'registrations + payments', 'indexes + foreign keys']) {
      const bar = progress.get(phase);
      expect(bar?.done, phase).to.equal(bar?.total);
    }
    expect(progress.get('tests + courses')?.total).to.equal(1000);
    expect(summary.timings.map((timing) => timing.phase)).to.include.members(['tests + courses', 'registrations + payments', 'indexes + foreign keys']);
  });

  it('writes items in the style of the replaced service: Korean text with technology names, prices in steps of 100, windows within ±30 days', async () => {
    const now = Date.now();
    for (const kind of ALL_OFFERING_KINDS) {
      const rows: Array<{ title: string; description: string; price: string; start_at: Date; end_at: Date }> = await db(OFFERING_TABLES[kind].items).select();
      for (const row of rows) {
        expect(row.title + row.description).to.match(/[가-힣]/);
        const price = Number(row.price);
        expect(price % 100, row.price).to.equal(0);
        expect(price).to.be.within(10_000, 100_000);
        expect(row.start_at.getTime()).to.be.within(now - 31 * DAY_MS, now + 31 * DAY_MS);
        expect(row.end_at.getTime()).to.be.greaterThan(row.start_at.getTime());
      }
      expect(rows.some((row) => /Python|Django|React|SQL|AWS/.test(row.title)), kind).to.equal(true);
    }
    const openShare = async (table: string) =>
      Number((await db(table).where('start_at', '<=', new Date()).where('end_at', '>=', new Date()).count({ n: '*' }))[0].n) / (await countOf(table));
    const [tests, courses] = [await openShare('tests'), await openShare('courses')];
    expect(tests, 'a few percent of tests are open now').to.be.within(0.001, 0.15);
    expect(courses, 'a large share of courses is open now').to.be.greaterThan(0.25);
  });

  it('gives every seeded user the documented password, and the first one a long payment history', async () => {
    const hasher = new Argon2PasswordHasher();
    const users: Array<{ id: number; email: string; password_hash: string }> = await db('users').orderBy('id').select();
    expect(users.map((user) => user.email)).to.deep.equal([1, 2, 3, 4, 5].map((n) => `user${n}@example.com`));
    expect(await hasher.verify(users[0].password_hash, SEED_PASSWORD)).to.equal(true);
    const [{ n }] = await db('payments').where('user_id', users[0].id).count({ n: '*' });
    expect(Number(n)).to.be.at.least(sizes.heavyUserPaymentsPerKind);
  });

  /** The indexes and foreign keys of the whole schema, as the migrations made them. */
  const schema = async () => ({
    indexes: (await db.raw(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`)).rows,
    foreignKeys: (await db.raw(`SELECT conname, pg_get_constraintdef(oid), convalidated FROM pg_constraint WHERE contype = 'f' ORDER BY 1`)).rows,
  });

  it('adds to what is there when run again, and starts over with reset, keeping the indexes and foreign keys', async () => {
    const before = await schema();
    expect(before.foreignKeys).to.have.length.greaterThan(5);
    await seeder.run(sizes, { reset: false });
    expect(await countOf('tests')).to.equal(1200);
    // The id sequence has moved past the seeded ids: the service's own inserts still work.
    const [{ id }] = await db('tests').insert({ title: 'after the seed', price: '10000', start_at: new Date(), end_at: new Date(Date.now() + DAY_MS) }).returning('id');
    expect(id).to.be.greaterThan(1200);
    await db('tests').where({ id }).delete();
    expect(await countOf('users')).to.equal(5);
    await expectConsistent();
    await seeder.run(sizes, { reset: true });
    expect(await countOf('tests')).to.equal(600);
    expect(await countOf('courses')).to.equal(400);
    await expectConsistent();
    expect(await schema()).to.deep.equal(before);
  });

  it('puts the schema back when a phase fails', async () => {
    const before = await schema();
    const failing: SeedReporter = {
      phase(name) {
        if (name === 'registrations + payments') throw new Error('interrupted');
        return { advance: () => undefined, finish: () => undefined };
      },
    };
    const hash = await new Argon2PasswordHasher().hash(SEED_PASSWORD);
    const error = await new DatabaseSeeder(db, hash, failing).run(sizes, { reset: true }).catch((caught: unknown) => caught);
    expect(error).to.be.instanceOf(Error);
    expect(await schema()).to.deep.equal(before);
    expect(await countOf('seed_suspended_schema')).to.equal(0);
  });

  it('puts back, on its next run, what a seed killed midway had set aside', async () => {
    const before = await schema();
    // What a process killed during the load leaves: objects written down and dropped.
    await db.raw(
      `INSERT INTO seed_suspended_schema (name, table_name, kind, definition)
       SELECT indexname, tablename, 'index', indexdef FROM pg_indexes WHERE indexname = 'tests_price_idx'
       UNION ALL
       SELECT conname, conrelid::regclass::text, 'foreign_key', pg_get_constraintdef(oid) FROM pg_constraint
       WHERE conname = 'test_registrations_test_id_fkey'`,
    );
    await db.raw('DROP INDEX tests_price_idx');
    await db.raw('ALTER TABLE test_registrations DROP CONSTRAINT test_registrations_test_id_fkey');
    expect(await schema()).to.not.deep.equal(before);
    // Until then, the service warns at start that the tables lack them.
    const logs = new CapturedLogs('info');
    await prepareDatabase(testConfig({ DATABASE_URL: seedDatabaseUrl() }), logs.logger);
    const warning = logs.lines.find((line) => line.level === 40 || line.level === 'warn');
    expect(warning, JSON.stringify(logs.lines)).to.include({ set_aside: 2 });
    expect(String(warning?.msg)).to.match(/seed again/);
    await seeder.run(sizes, { reset: true });
    expect(await schema()).to.deep.equal(before);
    expect(await countOf('seed_suspended_schema')).to.equal(0);
    await expectConsistent();
  });

  it('refuses to seed with NODE_ENV=production unless forced: its users share a documented password', async () => {
    const before = await countOf('users');
    const run = spawnSync(process.execPath, ['scripts/run-entry.cjs', 'interfaces/cli/seed', '--tests', '1', '--courses', '1', '--users', '1'], {
      env: { ...process.env, NODE_ENV: 'production', DATABASE_URL: seedDatabaseUrl(), JWT_SECRET: 'q8V2mZ0rT5yL1xN7cB4wE9kH3sJ6uA0dF2gP8' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.status, 'a usage error: --force is missing').to.equal(2);
    expect(run.stderr).to.match(/refusing to seed a production database.*--force/);
    expect(await countOf('users')).to.equal(before);
  });
});
