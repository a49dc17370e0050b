import type { Knex } from 'knex';
import { ALL_OFFERING_KINDS, type OfferingKind } from '../../domain/offering-kind';
import { OFFERING_TABLES } from '../knex/offering-tables';
import { PostingLists } from '../search/postgres/posting-lists';
import { BulkLoadSchema } from './bulk-load-schema';
import { type SeedSizes, seedUserEmail } from './seed-sizes';
import {
  COMMON_TECHNOLOGIES,
  COURSE_NOUNS,
  DESCRIPTION_PHRASES,
  LEVELS,
  RARE_TECHNOLOGIES,
  TEST_NOUNS,
  sqlArray,
} from './seed-vocabulary';

/** Progress of one phase, for a progress bar or a log line. */
export interface SeedPhase {
  advance(amount: number): void;
  finish(): void;
}

export interface SeedReporter {
  phase(name: string, total: number): SeedPhase;
}

export interface SeedSummary {
  readonly users: number;
  readonly tests: number;
  readonly courses: number;
  readonly payments: number;
  readonly timings: ReadonlyArray<{ readonly phase: string; readonly seconds: number }>;
}

const CHUNK = 50_000;

/** Share of the seeded registrations that were cancelled (with their payment). */
const CANCELLED_SHARE = 0.15;

/** One kind being loaded: its transaction (with the planned registrations) and its first new id. */
interface KindLoad {
  readonly kind: OfferingKind;
  readonly trx: Knex.Transaction;
  /** The new items take the ids base + 1 … base + count. */
  readonly base: number;
  readonly count: number;
}

const BULK_TABLES = ['tests', 'courses', 'payments', 'test_registrations', 'course_registrations'];

/**
 * Windows spread over ±30 days from now: tests are open for 1–3 days (a few percent are open
 * at any moment), courses for 20–60 days (a large share is open).
 */
const WINDOW_DAYS: Readonly<Record<OfferingKind, readonly [number, number]>> = { test: [1, 3], course: [20, 60] };
const NOUNS: Readonly<Record<OfferingKind, readonly string[]>> = { test: TEST_NOUNS, course: COURSE_NOUNS };

const pick = (words: readonly string[]) => `(${sqlArray(words)})[1 + floor(random() * ${words.length})::int]`;

/**
 * Loads a data set with set-based SQL: users; then, per kind in one transaction, side by side, the
 * registrations planned first, the items written in chunks with their exact registration counts,
 * and the registrations with their payments; indexes and foreign keys are set aside meanwhile and
 * put back at the end. Re-runnable: without `reset` it adds to what is there.
 */
export class DatabaseSeeder {
  private readonly timings: Array<{ phase: string; seconds: number }> = [];

  private readonly schema: BulkLoadSchema;
  private readonly postingLists: PostingLists;

  constructor(
    private readonly db: Knex,
    private readonly passwordHash: string,
    private readonly reporter: SeedReporter,
  ) {
    this.schema = new BulkLoadSchema(db);
    this.postingLists = new PostingLists(db);
  }

  async run(sizes: SeedSizes, options: { reset: boolean }): Promise<SeedSummary> {
    if (options.reset) await this.timed('reset', 1, () => this.reset());
    const userIds = await this.timed('users', sizes.users, (phase) => this.seedUsers(sizes.users, phase));
    const itemTables = ALL_OFFERING_KINDS.map((kind) => OFFERING_TABLES[kind].items);
    const registrationTables = ['payments', ...ALL_OFFERING_KINDS.map((kind) => OFFERING_TABLES[kind].registrations)];
    const suspended = await this.schema.suspend(itemTables, registrationTables);
    await this.setAutovacuum(false);
    let perKind: number[];
    const loads: KindLoad[] = [];
    try {
      for (const kind of ALL_OFFERING_KINDS) loads.push(await this.openLoad(kind, userIds, sizes));
      await this.timed('tests + courses', sizes.tests + sizes.courses, (phase) =>
        Promise.all(loads.map((load) => this.seedItems(load, phase))),
      );
      perKind = await this.timed('registrations + payments', loads.length, (phase) =>
        Promise.all(loads.map((load) => this.seedRegistrations(load).finally(() => phase.advance(1)))),
      );
      await Promise.all(loads.map((load) => load.trx.commit()));
    } catch (error) {
      await Promise.all(loads.map((load) => load.trx.rollback().catch(() => undefined)));
      throw error;
    } finally {
      // The schema is whole again even if a phase failed (each kind loads in one transaction).
      await this.timed('indexes + foreign keys', suspended.length, (phase) => this.schema.restore(suspended, itemTables, phase));
      await this.setAutovacuum(true);
    }
    await this.timed('vacuum + analyze', 1, () => this.vacuumAnalyze());
    // The words the statistics just counted between rare and common get their postings.
    await this.timed('search postings', ALL_OFFERING_KINDS.length, (phase) =>
      Promise.all(ALL_OFFERING_KINDS.map((kind) => this.postingLists.listWords(kind).finally(() => phase.advance(1)))),
    );
    const payments = perKind.reduce((sum, n) => sum + n, 0);
    return { users: userIds.length, tests: sizes.tests, courses: sizes.courses, payments, timings: this.timings };
  }

  private async timed<T>(name: string, total: number, work: (phase: SeedPhase) => Promise<T>): Promise<T> {
    const phase = this.reporter.phase(name, total);
    const started = process.hrtime.bigint();
    try {
      return await work(phase);
    } finally {
      phase.finish();
      this.timings.push({ phase: name, seconds: Number(process.hrtime.bigint() - started) / 1e9 });
    }
  }

  private async reset(): Promise<void> {
    await this.db.raw(`TRUNCATE users, refresh_tokens, tests, courses, payments, test_registrations, course_registrations,
      idempotency_records, search_outbox, search_vocabulary, search_pairs, search_posting_words, search_postings, simulated_gateway_ledger RESTART IDENTITY CASCADE`);
  }

  private async seedUsers(count: number, phase: SeedPhase): Promise<number[]> {
    for (let from = 1; from <= count; from += CHUNK) {
      const to = Math.min(count, from + CHUNK - 1);
      await this.db.raw(
        // Signed up before the first of their payments (made in the last 30 days).
        `INSERT INTO users (email, username, password_hash, created_at, updated_at)
         SELECT 'user' || g || '@example.com', 'user' || g, ?, now() - interval '90 days', now() - interval '90 days'
         FROM generate_series(?::int, ?::int) g
         ON CONFLICT DO NOTHING`,
        [this.passwordHash, from, to],
      );
      phase.advance(to - from + 1);
    }
    const emails = Array.from({ length: count }, (_, i) => seedUserEmail(i + 1));
    const rows: Array<{ id: number }> = await this.db('users').whereIn('email', emails).orderBy('id').select('id');
    return rows.map((row) => row.id);
  }

  /**
   * Opens the transaction one kind is loaded in, and plans its registrations before any item
   * exists: random (user, item) pairs over the ids the new items will take, plus a long history
   * for the first user, each with its fate (about 15% cancelled). The items are then written with
   * their exact `registration_count`, instead of being updated afterwards.
   */
  private async openLoad(kind: OfferingKind, userIds: readonly number[], sizes: SeedSizes): Promise<KindLoad> {
    const { items } = OFFERING_TABLES[kind];
    const count = kind === 'test' ? sizes.tests : sizes.courses;
    const trx = await this.db.transaction();
    try {
      await trx.raw('SET LOCAL synchronous_commit = off');
      // Room for the joins of ~60,000 rows to sort in memory rather than on disk.
      await trx.raw(`SET LOCAL work_mem = '64MB'`);
      // The search vocabulary is written once from the words the items are made of (see
      // `learnVocabulary`), not by its trigger for every chunk (a fifth of the items' load time).
      await trx.raw(`ALTER TABLE ${items} DISABLE TRIGGER ${items}_vocabulary_added`);
      await this.setPostingsFollowing(trx, items, false);
      // The new items take the ids after the last one; the id sequence is moved past them.
      const { rows } = await trx.raw(`SELECT coalesce(max(id), 0)::bigint AS base FROM ${items}`);
      const base = Number(rows[0].base);
      if (count > 0) await trx.raw(`SELECT setval(pg_get_serial_sequence(?, 'id'), ?)`, [items, base + count]);
      await trx.raw(`CREATE TEMP TABLE seed_picks (user_id bigint, item_id bigint, fate float8) ON COMMIT DROP`);
      if (userIds.length > 0 && count > 0) {
        await trx.raw(
          `INSERT INTO seed_picks
           SELECT DISTINCT ON (user_id, item_id) user_id, item_id, random() FROM (
             SELECT (?::bigint[])[1 + floor(random() * ?)::int] AS user_id, (? + 1 + floor(random() * ?))::bigint AS item_id
             FROM generate_series(1, ?::int)
             UNION ALL
             SELECT ?::bigint, (? + 1 + floor(random() * ?))::bigint FROM generate_series(1, ?::int)
           ) s`,
          [[...userIds], userIds.length, base, count, sizes.registrationsPerKind, userIds[0], base, count, sizes.heavyUserPaymentsPerKind],
        );
      }
      await trx.raw(
        `CREATE TEMP TABLE seed_counts ON COMMIT DROP AS
         SELECT item_id, (count(*) FILTER (WHERE fate >= ${CANCELLED_SHARE}))::int AS active FROM seed_picks GROUP BY item_id`,
      );
      await trx.raw('ANALYZE seed_picks, seed_counts');
      return { kind, trx, base, count };
    } catch (error) {
      await trx.rollback().catch(() => undefined);
      throw error;
    }
  }

  private async seedItems(load: KindLoad, phase: SeedPhase): Promise<void> {
    const { kind, trx, base, count } = load;
    const table = OFFERING_TABLES[kind].items;
    const [minDays, maxDays] = WINDOW_DAYS[kind];
    const technology = `CASE WHEN random() < ${(RARE_TECHNOLOGIES.length * 0.001).toFixed(4)} THEN ${pick(RARE_TECHNOLOGIES)} ELSE ${pick(COMMON_TECHNOLOGIES)} END`;
    for (let done = 0; done < count; done += CHUNK) {
      const size = Math.min(CHUNK, count - done);
      await trx.raw(
        `INSERT INTO ${table} (id, title, description, price, start_at, end_at, registration_count, created_at, updated_at)
         SELECT generated.id,
                tech || ' ' || level || ' ' || noun || ' ' || n,
                tech || ' ' || other || ' ' || level || ' ' || noun || '. ' || phrase || ' 포함.',
                (10000 + floor(random() * 901) * 100)::numeric(10, 2),
                dated.starts, dated.starts + lasts, coalesce(c.active, 0), dated.created, dated.created
         FROM (
           SELECT ? + g AS id,
                  g AS n,
                  ${technology} AS tech,
                  ${pick(COMMON_TECHNOLOGIES)} AS other,
                  ${pick(LEVELS)} AS level,
                  ${pick(NOUNS[kind])} AS noun,
                  ${pick(DESCRIPTION_PHRASES)} AS phrase,
                  random() AS moment,
                  (${minDays} + random() * ${maxDays - minDays}) * interval '1 day' AS lasts,
                  random() * interval '365 days' AS age
           FROM generate_series(?::int, ?::int) g
         ) generated
         LEFT JOIN seed_counts c ON c.item_id = generated.id
         -- An item someone registered for has started (registrations are taken only while open),
         -- and every item was created before it started.
         CROSS JOIN LATERAL (
           SELECT starts, least(now(), starts) - age AS created
           FROM (SELECT CASE WHEN c.item_id IS NULL THEN now() + (moment * 60 - 30) * interval '1 day'
                             ELSE now() - moment * 30 * interval '1 day' END AS starts) s
         ) dated`,
        [base, done + 1, done + size],
      );
      phase.advance(size);
    }
    await this.learnVocabulary(load);
  }

  /**
   * What the vocabulary trigger would have learnt from the items written above (their lexemes and
   * the pairs of lexemes they hold together), and turns it on again (in the load's transaction, so
   * that no other writer ever sees it off). The items' texts are the words below and numbers,
   * separated by spaces, and the full-text parser reads each space-separated part on its own:
   * their lexemes are those of the words (numbers are left out of the vocabulary anyway).
   */
  private async learnVocabulary({ kind, trx }: KindLoad): Promise<void> {
    const { items } = OFFERING_TABLES[kind];
    const nouns = NOUNS[kind];
    const words = [...COMMON_TECHNOLOGIES, ...RARE_TECHNOLOGIES, ...LEVELS, ...nouns, ...nouns.map((noun) => `${noun}.`), ...DESCRIPTION_PHRASES, '포함.'];
    await trx.raw(
      `INSERT INTO search_vocabulary (catalogue, lexeme)
       SELECT ?, lexeme FROM unnest(tsvector_to_array(to_tsvector('simple', ?))) AS lexeme WHERE lexeme ~ '[^0-9]'
       ON CONFLICT DO NOTHING`,
      [items, words.join(' ')],
    );
    // Each item's text is one choice per part (see `seedItems`): two lexemes are held together
    // where they come from different parts, or from one choice (the words of a phrase). At a few
    // items some of these pairs may be held by none, which is allowed (the pairs may hold more
    // than the items, never less).
    const parts = [[...COMMON_TECHNOLOGIES, ...RARE_TECHNOLOGIES], COMMON_TECHNOLOGIES, LEVELS, nouns, DESCRIPTION_PHRASES, ['포함']];
    await trx.raw(
      `INSERT INTO search_pairs (catalogue, lexeme, other)
       WITH choices AS (SELECT * FROM unnest(?::int[], ?::text[]) WITH ORDINALITY AS c(part, text, choice)),
            lexemes AS (
              SELECT part, choice, lexeme FROM choices, unnest(tsvector_to_array(to_tsvector('simple', text))) AS lexeme WHERE lexeme ~ '[^0-9]'
            )
       SELECT DISTINCT ?, a.lexeme, b.lexeme FROM lexemes a JOIN lexemes b ON (a.part <> b.part OR a.choice = b.choice) AND a.lexeme <> b.lexeme
       ON CONFLICT DO NOTHING`,
      [parts.flatMap((choices, part) => choices.map(() => part)), parts.flat(), items],
    );
    await trx.raw(`ALTER TABLE ${items} ENABLE TRIGGER ${items}_vocabulary_added`);
    await this.setPostingsFollowing(trx, items, true);
  }

  /**
   * Turns the triggers that keep the postings of listed words off for a load (or on again after
   * it), where no word of the table is listed: they would write nothing, at a tenth of the load's
   * time. Words are listed after the load (see `PostingLists`); where some are already, the
   * triggers stay on, so that the new items have their postings. The triggers are turned off
   * first: the lock that takes keeps a listing out until the load commits.
   */
  private async setPostingsFollowing(trx: Knex.Transaction, items: string, on: boolean): Promise<void> {
    const triggers = [`${items}_search_postings`, `${items}_search_postings_changed`];
    if (on) {
      for (const trigger of triggers) await trx.raw(`ALTER TABLE ${items} ENABLE TRIGGER ${trigger}`);
      return;
    }
    for (const trigger of triggers) await trx.raw(`ALTER TABLE ${items} DISABLE TRIGGER ${trigger}`);
    const { rows } = await trx.raw('SELECT 1 FROM search_posting_words WHERE catalogue = ? LIMIT 1', [items]);
    if (rows.length > 0) for (const trigger of triggers) await trx.raw(`ALTER TABLE ${items} ENABLE TRIGGER ${trigger}`);
  }

  /**
   * The planned registrations, each with its payment as the service would have made it: paid
   * while the item was open, charged in the simulated provider's ledger; the cancelled ones with a
   * cancelled payment refunded there once; some completed. One statement; returns the
   * registrations made.
   */
  private async seedRegistrations(load: KindLoad): Promise<number> {
    const { kind, trx } = load;
    const { items, registrations, itemColumn } = OFFERING_TABLES[kind];
    const active = OFFERING_TABLES[kind].activeStatus;
    const { rows } = await trx.raw(
      `WITH chosen AS (
         SELECT p.user_id, p.item_id, i.title, i.price, p.fate,
                i.start_at + (least(i.end_at, now()) - i.start_at) * random() AS paid_at
         FROM seed_picks p JOIN ${items} i ON i.id = p.item_id
       ),
       paid AS (
         INSERT INTO payments (user_id, payment_type, target_id, item_title, amount, payment_method, gateway_transaction_id, status,
                               paid_at, cancelled_at, refund_reason, refund_key, refund_requested_at, refunded_at, created_at, updated_at)
         SELECT user_id, ?, item_id, title, price, method, 'seed_' || gen_random_uuid(),
                CASE WHEN cancelled_at IS NULL THEN 'paid' ELSE 'cancelled' END,
                paid_at, cancelled_at,
                CASE WHEN cancelled_at IS NOT NULL THEN '일정 변경' END,
                CASE WHEN cancelled_at IS NOT NULL THEN gen_random_uuid() END,
                cancelled_at, cancelled_at, paid_at, coalesce(cancelled_at, paid_at)
         FROM chosen,
              LATERAL (SELECT (ARRAY['kakaopay', 'card', 'bank_transfer'])[1 + floor(random() * 3)::int] AS method,
                              CASE WHEN fate < ${CANCELLED_SHARE} THEN paid_at + (now() - paid_at) * random() END AS cancelled_at) f
         RETURNING id, user_id, target_id, status, paid_at, cancelled_at, payment_method, amount, charge_key, refund_key, gateway_transaction_id
       ),
       ledger AS (
         INSERT INTO simulated_gateway_ledger (idempotency_key, operation, method, amount, transaction_id, created_at)
         SELECT charge_key, 'charge', payment_method, amount, gateway_transaction_id, paid_at FROM paid
         UNION ALL
         SELECT refund_key, 'refund', payment_method, amount, gateway_transaction_id, cancelled_at FROM paid WHERE refund_key IS NOT NULL
       ),
       registered AS (
         INSERT INTO ${registrations} (user_id, ${itemColumn}, payment_id, status, registered_at, completed_at, cancelled_at, updated_at)
         SELECT p.user_id, p.target_id, p.id,
                CASE WHEN p.status = 'cancelled' THEN 'cancelled' WHEN completed_at IS NOT NULL THEN 'completed' ELSE ? END,
                p.paid_at, completed_at, p.cancelled_at, coalesce(p.cancelled_at, completed_at, p.paid_at)
         FROM paid p JOIN chosen c ON c.user_id = p.user_id AND c.item_id = p.target_id,
              LATERAL (SELECT CASE WHEN p.status <> 'cancelled' AND c.fate > 0.75 THEN p.paid_at + (now() - p.paid_at) * random() END AS completed_at) f
         RETURNING 1
       )
       SELECT count(*)::int AS n FROM registered`,
      [kind, active],
    );
    return rows[0].n;
  }

  /** Autovacuum waking up mid-load would compete for the same two cores; it runs afterwards. */
  private async setAutovacuum(enabled: boolean): Promise<void> {
    for (const table of BULK_TABLES) await this.db.raw(`ALTER TABLE ${table} SET (autovacuum_enabled = ${enabled})`);
  }

  /**
   * Statistics, and the visibility map set for index-only scans (filtered walks, deep page
   * numbers, capped counts) without waiting for autovacuum, which may be off on a server. About
   * a second on the full seed.
   */
  private async vacuumAnalyze(): Promise<void> {
    await Promise.all(['tests', 'courses'].map((table) => this.db.raw(`VACUUM (ANALYZE) ${table}`)));
    await this.db.raw(`VACUUM (ANALYZE) users, payments, test_registrations, course_registrations`);
  }
}

