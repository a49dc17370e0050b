import { expect } from 'chai';
import fc from 'fast-check';
import type { Knex } from 'knex';
import { ListOfferingsHandler } from '../../src/application/queries/list-offerings/list-offerings-handler';
import { type CatalogueQuery, OFFERING_CATALOGUE, OFFERING_SORTS, type OfferingCatalogue, type OfferingSort } from '../../src/application/ports/offering-catalogue';
import { AVAILABILITY_STATUSES } from '../../src/domain/availability-window';
import { Money } from '../../src/domain/money';
import { type AppContainer, createContainer } from '../../src/infrastructure/container/create-container';
import { KNEX, createKnex } from '../../src/infrastructure/knex/create-knex';
import { OFFERING_TABLES } from '../../src/infrastructure/knex/offering-tables';
import { ensureDatabaseExists, migrateToLatest } from '../../src/infrastructure/knex/database-bootstrap';
import { createLogger } from '../../src/infrastructure/logging/logger';
import { OPEN_WINDOW_BOUNDS, OpenWindowIndexes, windowCondition, windowIndexesOf, windowedIndexOf } from '../../src/infrastructure/search/postgres/open-window-indexes';
import { OpenWindows } from '../../src/infrastructure/search/postgres/open-windows';
import { PostingLists } from '../../src/infrastructure/search/postgres/posting-lists';
import { SearchPostings } from '../../src/infrastructure/search/postgres/search-postings';
import { LexemeSample, SAMPLED_ITEMS } from '../../src/infrastructure/search/postgres/lexeme-sample';
import { SearchSelectivity } from '../../src/infrastructure/search/postgres/search-selectivity';
import { type BitmapRanges, postedMatches, LATE_CREATIONS_READ, REGISTERED_UPCOMING_READ, type SqlQuery, readApartAfterRange, registeredUpcomingItems, WINDOWS_READ, afterCursor, collectedOfferings, filteredOfferings, keyText, readingOrder, sortColumns, walkedOfferings, withStatusBounds } from '../../src/infrastructure/search/postgres/catalogue-sql';
import type { PostgresOfferingCatalogue } from '../../src/infrastructure/search/postgres/postgres-offering-catalogue';
import type { ApiResponse } from '../support/api-client';
import { CapturedLogs } from '../support/captured-logs';
import { createOffering } from '../support/offerings';
import { whileTableLocked } from '../support/table-lock';
import { testConfig } from '../support/test-config';
import { startTestServer, withTestServer } from '../support/test-server';
import { createUser, uniqueName } from '../support/users';

const ITEMS = 40_000;
/** Two vocabularies whose words never share an item; each word is in about one item in eight. */
const LEFT_WORDS = ['alpha', 'beta', 'gamma', 'delta'];
const RIGHT_WORDS = ['입문', '중급', '실전', '고급'];
/** In every item, so that a walk over it always fills its page. */
const EVERYWHERE = 'catalogue';
/** In the description of one item in a thousand (about forty). */
const RARE = 'rarity';
/** Unfinished words: each completes to one word or to none. */
const PREFIXES = ['alp', 'gam', '실', '입', 'cat', 'rar', 'zzz'];
/** Words no item holds, whole or as the start of a word. */
const ABSENT = ['omega', '초급'];
const WORDS = [...LEFT_WORDS, ...RIGHT_WORDS, EVERYWHERE, RARE, ...PREFIXES, ...ABSENT];

/** The catalogue built for these tests, in a database of its own (plans need a sizeable table). */
function plansDatabaseUrl(): string {
  const url = new URL(testConfig().databaseUrl);
  url.pathname = `${url.pathname}_plans`;
  return url.toString();
}

/** A row with an item's id and its sort keys, selected as `k0`, `k1`… (see `sortKeys`). */
type KeyedRow = Record<string, string> & { id: number };

/** The keys of `sort` to select with an item's id, as a cursor holds them. */
const sortKeys = (db: Knex, sort: OfferingSort) => sortColumns(sort).map((key, i) => db.raw(`${keyText(key.column, key.type)} AS k${i}`));

/** `query` going on from a cursor at `row`, either way. */
const cursorAt = (query: SqlQuery, row: KeyedRow, direction: 'next' | 'previous'): SqlQuery => ({
  ...query,
  after: { sort: query.sort, values: sortColumns(query.sort).map((_, i) => row[`k${i}`]), id: Number(row.id), direction },
});

/** `query` going on from a cursor at the item `id`, its keys read from its row. */
async function cursorAtItem(db: Knex, query: SqlQuery, id: number, direction: 'next' | 'previous'): Promise<SqlQuery> {
  const [row] = await db(OFFERING_TABLES[query.kind].items).where({ id }).select('id', ...sortKeys(db, query.sort));
  return cursorAt(query, row, direction);
}

/**
 * `ITEMS` tests: half with a left word, half with a right one (so a left and a right word never
 * match together), a rare word in some descriptions, a skewed window (about one in fifty open now, for two to four days, the rest
 * closed or upcoming, and nine of windows unlike the others),
 * created times unrelated to ids, prices in steps of 100, and registration counts on the items
 * that have started and on ten upcoming ones (as if staff had moved their windows since).
 */
async function buildCatalogue(db: Knex): Promise<void> {
  const pick = (words: readonly string[], i: string) => `(ARRAY[${words.map((w) => `'${w}'`).join(', ')}])[1 + (${i} % ${words.length})::int]`;
  await db.raw(
    `INSERT INTO tests (title, description, price, start_at, end_at, created_at, registration_count)
     SELECT CASE WHEN g % 2 = 0 THEN ${pick(LEFT_WORDS, 'g / 2')} ELSE ${pick(RIGHT_WORDS, 'g / 2')} END || ' ${EVERYWHERE} ' || g,
            'item ' || g || CASE WHEN g % 997 = 0 THEN ' ${RARE}' ELSE '' END,
            10000 + (g * 7919 % 901) * 100,
            CASE WHEN g % 50 = 0 THEN now() - (1 + g / 50 % 3) * interval '1 day' WHEN g % 2 = 0 THEN now() - interval '30 days' ELSE now() + interval '10 days' END,
            CASE WHEN g % 50 = 0 THEN now() + interval '1 day' WHEN g % 2 = 0 THEN now() - interval '28 days' - g % 5 * interval '1 hour' ELSE now() + interval '12 days' END,
            now() - (g * 104729 % 1000003) * interval '1 second',
            CASE WHEN g % 50 <> 0 AND g % 2 = 1 THEN CASE WHEN g % 1999 = 1 THEN 1 + g % 5 ELSE 0 END ELSE g % 7 END
     FROM generate_series(1, ?::bigint) g`,
    [ITEMS],
  );
  // A few windows unlike the rest: open for a year, closed after a minute, a year from next month.
  await db.raw(
    `INSERT INTO tests (title, description, price, start_at, end_at)
     SELECT ${pick(LEFT_WORDS, 'g')} || ' ${EVERYWHERE} odd ' || g, 'odd window',  10000 + g * 1000,
            now() + CASE g % 3 WHEN 0 THEN interval '-1 year' WHEN 1 THEN interval '-1 hour' ELSE interval '1 month' END,
            now() + CASE g % 3 WHEN 0 THEN interval '1 day' WHEN 1 THEN interval '-59 minutes' ELSE interval '13 months' END
     FROM generate_series(1, 9) g`,
  );
  // As autovacuum would: statistics, and the visibility map that index-only scans need.
  await db.raw('VACUUM (ANALYZE) tests');
}

const queries = (now: Date): fc.Arbitrary<CatalogueQuery> =>
  fc.record({
    kind: fc.constant('test' as const),
    words: fc.array(fc.constantFrom(...WORDS), { minLength: 0, maxLength: 2 }),
    status: fc.option(fc.constantFrom(...AVAILABILITY_STATUSES), { nil: undefined }),
    sort: fc.constantFrom(...OFFERING_SORTS),
    priceMin: fc.option(fc.integer({ min: 100, max: 1000 }).map((n) => Money.parse(n * 100)), { nil: undefined }),
    priceMax: fc.option(fc.integer({ min: 100, max: 1200 }).map((n) => Money.parse(n * 100)), { nil: undefined }),
    limit: fc.constantFrom(1, 5, 20),
    offset: fc.option(fc.constantFrom(0, 20, 200), { nil: undefined }),
    now: fc.constant(now),
  });

describe('Bounded catalogue reads (plans at a sizeable table)', function () {
  this.timeout(120_000);
  let app: AppContainer;
  let db: Knex;
  let catalogue: PostgresOfferingCatalogue;

  before(async () => {
    const url = plansDatabaseUrl();
    await ensureDatabaseExists(url);
    const setup = createKnex(url, 1);
    try {
      await setup.raw('DROP SCHEMA public CASCADE; CREATE SCHEMA public');
      await migrateToLatest(setup);
      await buildCatalogue(setup);
      // Every word of the catalogue gets its postings, down to the rare one's forty items.
      await new PostingLists(setup).listWords('test', { least: 20, most: ITEMS * 2, mostShare: 1 });
    } finally {
      await setup.destroy();
    }
    app = createContainer(testConfig({ DATABASE_URL: url, DB_STATEMENT_TIMEOUT: '5s' }), { logger: createLogger('silent') });
    db = app.container.get<Knex>(KNEX);
    catalogue = app.container.get<PostgresOfferingCatalogue>(OFFERING_CATALOGUE);
  });

  after(async () => {
    await app?.dispose();
  });

  /** What any correct plan must answer: the plain SQL of the filters, ordered and cut. */
  async function expectedIds(query: CatalogueQuery): Promise<number[]> {
    const rows = await filteredOfferings(db, query)
      .select('id')
      .orderByRaw(readingOrder(query).sql)
      .offset(query.offset ?? 0)
      .limit(query.limit + 1);
    return rows.map((row: { id: number }) => row.id);
  }

  async function expectedCount(filter: CatalogueQuery): Promise<number> {
    const [{ n }] = await filteredOfferings(db, filter).count({ n: '*' });
    return Number(n);
  }

  /**
   * Runs `work` with a catalogue of its own on this catalogue's database (`overrides` to its
   * configuration), and the SQL of the statements it sent that `wanted` picks, as they are sent.
   */
  async function withRecordedStatements(
    overrides: Record<string, string>,
    wanted: (sql: string) => boolean,
    work: (service: PostgresOfferingCatalogue, recorded: readonly string[]) => Promise<void>,
  ): Promise<void> {
    const own = createContainer(testConfig({ DATABASE_URL: plansDatabaseUrl(), ...overrides }), { logger: createLogger('silent') });
    const recorded: string[] = [];
    const record = (query: { sql: string }) => {
      if (wanted(query.sql)) recorded.push(query.sql);
    };
    const serviceDb = own.container.get<Knex>(KNEX);
    serviceDb.on('query', record);
    try {
      await work(own.container.get<PostgresOfferingCatalogue>(OFFERING_CATALOGUE), recorded);
    } finally {
      serviceDb.off('query', record);
      await own.dispose();
    }
  }

  const ids = (rows: ReadonlyArray<{ id: number }>) => rows.map((row) => row.id);
  /** Whether a statement counts the entries of a walk, to learn whether it read to the end of its range. */
  const isEntryCount = (sql: string) => /^select count\(\*\) as "n" from \(select .* as "entries"$/s.test(sql);
  const EVERY_CHOICE_OF_RANGES: readonly BitmapRanges[] = [true, false].flatMap((status) => [true, false].map((price) => ({ status, price })));

  it('answers the same items in the same order whichever plan runs, for random words, statuses, sorts, prices and depths', async () => {
    const now = new Date();
    let postingsRead = 0;
    await fc.assert(
      fc.asyncProperty(queries(now), fc.integer({ min: 1, max: 3_000 }), async (unbounded, budget) => {
        // The reference ignores the start bounds that the plans add for a status.
        const expected = await expectedIds(unbounded);
        const query = await withStatusBounds(db, unbounded);
        // The last word's prefix replaced by the words it completes to finds the same items, and
        // a search the vocabulary rules out finds none.
        const completed = await catalogue.vocabulary.lookUp(query);
        if (completed.unmatchable) expect(expected).to.deep.equal([]);
        for (const words of [query, completed]) {
          // Collecting is always complete, whichever ranges its bitmap takes from their indexes.
          for (const ranges of EVERY_CHOICE_OF_RANGES) {
            expect(ids(await catalogue.listQuery(words, { plan: 'collect', ranges })), JSON.stringify(ranges)).to.deep.equal(expected);
          }
          // So is reading the price range whole (the whole price index, without bounds).
          expect(ids(await catalogue.listQuery(words, { plan: 'range' })), 'range').to.deep.equal(expected);
          // And reading the start index over the starts the status allows (all of it without one).
          expect(ids(await catalogue.listQuery(words, { plan: 'range', index: 'start' })), 'start range').to.deep.equal(expected);
          // And the end index over the ends it allows (all of it without one).
          expect(ids(await catalogue.listQuery(words, { plan: 'range', index: 'end' })), 'end range').to.deep.equal(expected);
          // And the postings of the listed words that hold every match, where there are some.
          const posted = await catalogue.postings.of(words);
          if (posted) {
            expect(ids(await catalogue.listQuery({ ...words, posted: posted.lexemes }, { plan: 'range', index: 'postings' })), 'postings').to.deep.equal(expected);
            postingsRead += 1;
          }
          // A walk may run out of budget, but what it found is the start of the right page, up to
          // the items it reads apart after its range (in place only behind a walk that read to its end).
          const found = ids(await catalogue.listQuery(words, { plan: 'walk', walkBudget: budget }));
          const firstAfter = found.findIndex((id) => readApartAfterRange(words).includes(String(id)));
          const walked = firstAfter < 0 ? found : found.slice(0, firstAfter);
          expect(walked).to.deep.equal(expected.slice(0, walked.length));
        }
        // The service's own choice, with its fallback, is always the right page.
        const slice = await catalogue.list(unbounded);
        expect(slice.items.map((item) => item.id)).to.deep.equal(expected.slice(0, query.limit));
        expect(slice.more).to.equal(expected.length > query.limit);
        // So is its count, when it is not flagged as an estimate.
        const count = await catalogue.count(unbounded);
        if (!count.estimated) expect(count.value).to.equal(await expectedCount(unbounded));
      }),
      { numRuns: 150, seed: 20261128 },
    );
    expect(postingsRead, 'searches read from postings').to.be.above(50);
  });

  it('answers common words that no item holds together from the pairs of words, reading no item', async () => {
    const filter = { kind: 'test' as const, words: [LEFT_WORDS[1], RIGHT_WORDS[1].slice(0, 1)], now: new Date() };
    await whileTableLocked(plansDatabaseUrl(), 'tests', async () => {
      expect((await catalogue.list({ ...filter, sort: 'created', limit: 20 })).items).to.deep.equal([]);
      expect(await catalogue.count(filter)).to.deep.equal({ value: 0, estimated: false });
    });
  });

  it('estimates a word typed again, or the start of a word typed whole before it, as the word once, and walks it like the word', async () => {
    const [word] = LEFT_WORDS;
    const { selectivity } = catalogue.planner;
    const once = await selectivity.estimate('test', [word, word]);
    for (const tokens of [[word, word, word, word], [word, word.slice(0, 3)], [word, word, word.slice(0, 4)]]) {
      expect(await selectivity.estimate('test', tokens), tokens.join(' ')).to.deep.equal(once);
    }
    // A word of one item in eight, not of one in 4,096 as if typed four times were four words.
    expect(once!.matches).to.be.within(ITEMS / 16, ITEMS / 4);
    const repeated: CatalogueQuery = { kind: 'test', words: [word, word, word, word], sort: 'created', limit: 20, now: new Date() };
    expect((await catalogue.planner.choose(repeated)).plan).to.equal('walk');
    expect((await catalogue.list(repeated)).items.map((item) => item.id)).to.deep.equal((await expectedIds(repeated)).slice(0, 20));
  });

  it('goes on from the last match of a walk that fell short, to the same page from the start or from a cursor either way', async () => {
    const now = new Date();
    let wentOn = 0;
    await fc.assert(
      fc.asyncProperty(
        queries(now),
        fc.integer({ min: 1, max: 300 }),
        fc.constantFrom('none', 'next', 'previous'),
        fc.nat(),
        async (drawn, budget, direction, position) => {
          const start = await withStatusBounds(db, { ...drawn, offset: undefined });
          // A cursor at one of the first items, as a client gets it from a page.
          const first: Array<Record<string, string> & { id: number }> = await catalogue.listQuery(start, { plan: 'collect' });
          const at = first[position % Math.max(first.length, 1)];
          const query: SqlQuery =
            direction === 'none' || !at
              ? start
              : { ...start, after: { sort: start.sort, values: sortColumns(start.sort).map((_, i) => at[`k${i}`]), id: at.id, direction } };
          const expected = ids(await afterCursor(filteredOfferings(db, query), query).select('id').orderByRaw(readingOrder(query).sql).limit(query.limit + 1));
          const firstWalk = ids(await catalogue.listQuery(query, { plan: 'walk', walkBudget: budget }));
          // Collecting priced beyond any walk: every walk that found something goes on.
          const page = await catalogue.walkedPage(query, { plan: 'walk', walkBudget: budget, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 });
          if (page === null) return;
          expect(ids(page)).to.deep.equal(expected);
          if (firstWalk.length <= query.limit) wentOn += 1;
        },
      ),
      { numRuns: 150, seed: 20261205 },
    );
    expect(wentOn, 'pages completed by going on').to.be.greaterThan(10);
  });

  it('takes what a walk found as the page where it read to the end of the index: the last page, and the first read back to', async () => {
    for (const [sort, status] of OFFERING_SORTS.flatMap((sort) => [undefined, ...AVAILABILITY_STATUSES].map((status) => [sort, status] as const))) {
      const start = await withStatusBounds(db, { kind: 'test', words: [], status, sort, limit: 20, now: new Date(), priceMin: Money.parse('20000') } as CatalogueQuery);
      const all: KeyedRow[] = await filteredOfferings(db, start).select('id', ...sortKeys(db, sort)).orderByRaw(readingOrder(start).sql);
      for (const [name, query] of [
        ['the last page', cursorAt(start, all[all.length - 6], 'next')],
        ['back to the first page', cursorAt(start, all[5], 'previous')],
      ] as const) {
        const expected = ids(await afterCursor(filteredOfferings(db, query), query).select('id').orderByRaw(readingOrder(query).sql).limit(21));
        // A budget past the end of the index, and collecting priced beyond any walk.
        const page = await catalogue.walkedPage(query, { plan: 'walk', walkBudget: 1_000_000, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 });
        expect(page && ids(page), `${sort}, ${status ?? 'any status'}: ${name}`).to.deep.equal(expected);
        expect(expected, `${sort}, ${status ?? 'any status'}: ${name}`).to.have.length(5);
      }
    }
  });

  it('counts the entries of a walk from the start of a range only where the range may hold no more than its budget', async () => {
    await withRecordedStatements({}, isEntryCount, async (service, recorded) => {
      const query = await withStatusBounds(db, { kind: 'test', words: [LEFT_WORDS[0]], status: 'closed', sort: 'created', limit: 20, now: new Date() } as CatalogueQuery);
      // The range from the creation bound holds most of the index: a walk of 100 entries
      // stopped short of its end, and goes on without counting it.
      const choice = { plan: 'walk', walkBudget: 100, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 } as const;
      const page = await service.walkedPage(query, choice);
      expect(page && ids(page)).to.deep.equal(await expectedIds(query));
      expect(recorded).to.deep.equal([]);
      // A budget beyond the range: the walk read it whole, which the count tells, and what it
      // found is the page.
      const rare = { ...query, words: [RARE], limit: 100 };
      const whole = await service.walkedPage(rare, { ...choice, walkBudget: 1_000_000 });
      expect(whole && ids(whole)).to.deep.equal(await expectedIds(rare));
      expect(whole).to.have.length.within(1, 100);
      expect(recorded).to.have.length(1);
    });
  });

  it('counts the entries of a walk from a cursor only where those after the cursor may be no more than its budget', async () => {
    const pageAfterCursor = async (query: SqlQuery) => ids(await afterCursor(filteredOfferings(db, query), query).select('id').orderByRaw(readingOrder(query).sql).limit(query.limit + 1));
    await withRecordedStatements({}, isEntryCount, async (service, recorded) => {
      for (const direction of ['next', 'previous'] as const) {
        const countsBefore = recorded.length;
        const start = { kind: 'test', words: [RARE], sort: 'created', limit: 20, now: new Date() } as CatalogueQuery;
        const all: KeyedRow[] = await db('tests').select('id', ...sortKeys(db, 'created')).orderByRaw(readingOrder(start).sql);
        const choice = { plan: 'walk', walkBudget: 100, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 } as const;
        // Most of the index lies after a cursor at its tenth entry (or before one at its tenth
        // from the end, read back): a walk of 100 entries stopped short of its end, uncounted.
        const far = cursorAt(start, direction === 'next' ? all[10] : all[all.length - 11], direction);
        const farPage = await service.walkedPage(far, choice);
        if (farPage) expect(ids(farPage), direction).to.deep.equal(await pageAfterCursor(far));
        expect(recorded.slice(countsBefore), direction).to.deep.equal([]);
        // Fifty entries left: the walk read to the end, which the count tells, and what it found
        // (a rare word's, or nothing) is the page.
        const near = cursorAt(start, direction === 'next' ? all[all.length - 51] : all[50], direction);
        const nearPage = await service.walkedPage(near, choice);
        expect(nearPage && ids(nearPage), direction).to.deep.equal(await pageAfterCursor(near));
        expect(recorded.slice(countsBefore), direction).to.have.length(1);
      }
    });
  });

  it('estimates the entries after a cursor within a range of the sort from the statistics, and counts them where the walk may have read them all', async () => {
    const query: SqlQuery = { kind: 'test', words: [RARE], sort: 'price_asc', limit: 20, now: new Date(), priceMin: Money.parse(50_000), priceMax: Money.parse(60_000) };
    const inRange: KeyedRow[] = await db('tests').whereBetween('price', [50_000, 60_000]).select('id', ...sortKeys(db, query.sort)).orderByRaw(readingOrder(query).sql);
    expect(inRange).to.have.length.above(3_000);
    await withRecordedStatements({}, isEntryCount, async (service, recorded) => {
      for (const direction of ['next', 'previous'] as const) {
        // Two hundred entries of the range lie after the cursor in the walk's order, and
        // thousands of the index beyond the range.
        const near = cursorAt(query, direction === 'next' ? inRange[inRange.length - 201] : inRange[200], direction);
        expect(await service.planner.entriesInSortRange(near), direction).to.be.within(50, 1_000);
        // A walk of 300 entries read to the end of the range, which the count tells: what it
        // found (a rare word's, or nothing) is the page, and no other plan reads it.
        const countsBefore = recorded.length;
        const page = await service.walkedPage(near, { plan: 'walk', walkBudget: 300, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 });
        expect(page && ids(page), direction).to.deep.equal(ids(await afterCursor(filteredOfferings(db, near), near).select('id').orderByRaw(readingOrder(near).sql).limit(21)));
        expect(recorded.slice(countsBefore), direction).to.not.be.empty;
      }
    });
  });

  it('goes on from a walk that fell short of a range estimated beyond its budget without counting the range first, to the same page', async () => {
    // About 4,400 entries in the range, an eighth of them the word's: a walk of 3,000 finds
    // fewer than the page asks, and the one that goes on from its last match reads to the end.
    const query: SqlQuery = { kind: 'test', words: [LEFT_WORDS[0]], sort: 'price_asc', limit: 1_000, now: new Date(), priceMin: Money.parse(50_000), priceMax: Money.parse(60_000) };
    await withRecordedStatements({}, isEntryCount, async (service, recorded) => {
      const budgets: number[] = [];
      const page = await service.walkedPage(query, { plan: 'walk', walkBudget: 3_000, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 }, (walk, by) => {
        budgets.push(by.walkBudget);
        return service.listQuery(walk, by);
      });
      expect(page && ids(page)).to.deep.equal(await expectedIds(query));
      expect(budgets).to.have.length(2);
      // Only the walk that went on is counted, which tells that it read to the end of the range.
      expect(recorded).to.have.length(1);
    });
  });

  it('goes on again where going on once fell short, to the same page', async () => {
    const query = await withStatusBounds(db, { kind: 'test', words: ['alpha'], sort: 'created', limit: 20, now: new Date() } as CatalogueQuery);
    // A walk of one entry that starts just before a match finds one match in one entry: a rate
    // eight times too high, so the walk that goes on after it falls short.
    const [match] = await catalogue.listQuery(query, { plan: 'collect' });
    const [before] = await db('tests')
      .select('id', db.raw(`${keyText('created_at', 'timestamp')} AS k0`))
      .whereRaw('(created_at, id) > (?::timestamptz, ?)', [match.k0, match.id])
      .orderByRaw('created_at asc, id asc')
      .limit(1);
    const fromBefore: SqlQuery = { ...query, after: { sort: 'created', values: [before.k0], id: before.id, direction: 'next' } };
    const expected = ids(await afterCursor(filteredOfferings(db, fromBefore), fromBefore).select('id').orderByRaw(readingOrder(fromBefore).sql).limit(21));
    const budgets: number[] = [];
    const page = await catalogue.walkedPage(fromBefore, { plan: 'walk', walkBudget: 1, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 }, (walk, by) => {
      budgets.push(by.walkBudget);
      return catalogue.listQuery(walk, by);
    });
    expect(ids(page ?? [])).to.deep.equal(expected);
    expect(budgets.length, `walks of ${budgets.join(', ')} entries`).to.be.greaterThan(2);
  });

  it('walks again from the start, with the budget the planner allows, where a first walk found nothing, to the same page', async () => {
    // The rare word's forty items lie far apart along the index: a walk of 50 entries meets none.
    const query: SqlQuery = { kind: 'test', words: [RARE], sort: 'created', limit: 5, now: new Date() };
    const expected = await expectedIds(query);
    const walk = async (blindBudget?: number) => {
      const budgets: number[] = [];
      const page = await catalogue.walkedPage(query, { plan: 'walk', walkBudget: 50, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25, blindBudget }, (walked, by) => {
        budgets.push(by.walkBudget);
        return catalogue.listQuery(walked, by);
      });
      return { page: page && ids(page), budgets };
    };
    expect(await walk(ITEMS)).to.deep.equal({ page: expected, budgets: [50, ITEMS] });
    expect(await walk(), 'without a budget for it, the fallback takes over').to.deep.equal({ page: null, budgets: [50] });
    expect(await walk(40), 'nor with one smaller than what was read').to.deep.equal({ page: null, budgets: [50] });
    // The planner allows what the fallback would cost, within what walks that go on may cost.
    const estimates = { rows: 1_000_000, words: { matches: 1_000, postings: 1_000, conditions: 1, testedOnRows: 0 }, statusShare: 0.02, priceShare: null, startShare: null, endShare: null };
    const weighed = catalogue.planner.weigh({ sort: 'created', limit: 20 }, estimates);
    expect(weighed.blindBudget).to.equal(Math.round(Math.min(weighed.collectCost, weighed.rangeCost, 120_000) / weighed.entryCost));
  });

  it('goes on walking at the rate the walks measured only where that costs less than collecting or reading a range', () => {
    const choice = { plan: 'walk', walkBudget: 1_000, collectCost: 10_000, rangeCost: Infinity, entryCost: 0.25 } as const;
    // Ten of twenty-one found in 1,000 entries: the eleven others in about 1,100 more, given what
    // twice that and four matches more take.
    expect(catalogue.planner.continuation(choice, { entries: 1_000, found: 10 }, 21)).to.equal(2_600);
    // Collecting for 250 µs costs less than the 1,100 entries (275 µs) the rest should take.
    expect(catalogue.planner.continuation({ ...choice, collectCost: 250 }, { entries: 1_000, found: 10 }, 21), 'collecting costs less').to.equal(null);
    expect(catalogue.planner.continuation({ ...choice, rangeCost: 250 }, { entries: 1_000, found: 10 }, 21), 'reading the range costs less').to.equal(null);
    expect(catalogue.planner.continuation(choice, { entries: 1_000, found: 0 }, 21), 'nothing found to measure by').to.equal(null);
    // Twenty found in 3,200 entries after going on once: the last one in about 160 more.
    expect(catalogue.planner.continuation(choice, { entries: 3_200, found: 20 }, 21), 'going on again').to.equal(960);
    // After 39,000 entries read by going on, the 2,000 that the last match should take would cost
    // more in all than collecting.
    expect(catalogue.planner.continuation(choice, { entries: 40_000, found: 20 }, 21), 'collecting costs less than going on in all').to.equal(null);
    // One found in 80,000 entries: the rest should take 1.6 million, more than the walks that go
    // on may read in all (480,000).
    const large = { plan: 'walk', walkBudget: 80_000, collectCost: 10_000_000, rangeCost: Infinity, entryCost: 0.25 } as const;
    expect(catalogue.planner.continuation(large, { entries: 80_000, found: 1 }, 21), 'beyond the ceiling').to.equal(null);
    // After 420,000 entries read by going on, the 25,000 the last match should take fit within
    // that ceiling, and the budget stops at it; after 470,000, the 27,500 it should take do not.
    expect(catalogue.planner.continuation(large, { entries: 500_000, found: 20 }, 21), 'up to the ceiling').to.equal(60_000);
    expect(catalogue.planner.continuation(large, { entries: 550_000, found: 20 }, 21), 'beyond the ceiling after going on').to.equal(null);
  });

  it('lets the walk of a page number deep in the window read what its page should take, at the density the words, the status and the price give', () => {
    // Five million items and a word of one in ten: page 500 (results 9,981–10,000) is about
    // 100,000 entries into the index. Such a walk cannot go on from where it stopped, so a budget
    // capped like a first walk's (80,000 entries) would fall short and every match be collected.
    const estimates = { rows: 5_000_000, words: { matches: 500_000, postings: 500_000, conditions: 1, testedOnRows: 0 }, statusShare: 1, priceShare: null, startShare: null, endShare: null };
    const page500 = { sort: 'popular', limit: 20, offset: 9_980 } as const;
    const first = catalogue.planner.weigh({ ...page500, offset: undefined }, estimates);
    const deep = catalogue.planner.weigh(page500, estimates);
    expect(deep.plan).to.equal('walk');
    expect(deep.walkBudget).to.be.at.least(100_010).and.above(first.walkBudget);
    // A third of the prices leaves one entry in thirty a match: 300,000 entries for that page.
    const priced = catalogue.planner.weigh(page500, { ...estimates, priceShare: 1 / 3 });
    expect(priced.plan).to.equal('walk');
    expect(priced.walkBudget).to.be.at.least(300_030);
    // Sorted by price, the walk reads the range alone, and the share thins nothing.
    expect(catalogue.planner.weigh({ ...page500, sort: 'price_asc' }, estimates)).to.deep.equal(deep);
  });

  it('weighs a walk through the window of items open now at the density of their matches among the window\'s entries, not the table\'s', () => {
    // Five million tests, 3.5 % open now and 4.7 % in the window of a day; two words of 25,000
    // matches together, and a price range of 40 %: a walk of the whole index meets a match every
    // 14,000 entries, more than reading the starts open now costs; one of the window, every 670.
    const estimates = { rows: 5_000_000, words: { matches: 25_000, postings: 970_000, conditions: 2, testedOnRows: 0 }, statusShare: 0.035, priceShare: 0.4, startShare: 0.054, endShare: null };
    for (const sort of ['created', 'popular'] as const) {
      expect(catalogue.planner.weigh({ sort, limit: 20 }, estimates).plan, sort).to.equal('range');
      expect(catalogue.planner.weigh({ sort, limit: 20 }, { ...estimates, windowShare: 0.047 }).plan, `${sort} in the window`).to.equal('walk');
    }
  });

  it('reads the starts a status of few items allows in the start index, where that costs less than collecting a common word', () => {
    // A million items, a fifth of them with the word, one in a thousand open now, all of those
    // among the three days of starts (of a thousand) that the longest window allows.
    const estimates = { rows: 1_000_000, words: { matches: 200_000, postings: 200_000, conditions: 1, testedOnRows: 0 }, statusShare: 0.001, priceShare: null, startShare: 0.003, endShare: null };
    const byPrice = { sort: 'price_desc', limit: 20 } as const;
    const chosen = catalogue.planner.weigh(byPrice, estimates);
    expect(chosen).to.include({ plan: 'range', rangeIndex: 'start' });
    expect(chosen.rangeCost).to.be.below(chosen.collectCost / 10);
    // A status estimated to hold nothing, in a start range estimated empty: every cost a number.
    const empty = catalogue.planner.weigh(byPrice, { ...estimates, statusShare: 0, startShare: 0 });
    expect([empty.collectCost, empty.rangeCost, empty.walkBudget, empty.entryCost].every(Number.isFinite), JSON.stringify(empty)).to.equal(true);
    // Where the status's starts are most of the index, collecting the word costs less.
    const wide = catalogue.planner.weigh(byPrice, { ...estimates, statusShare: 0.9, startShare: 0.95 });
    expect(wide.rangeCost).to.be.above(wide.collectCost);
  });

  it('costs a collect of words with what reaches the status among their matches: its range in the bitmap, or the other matches\' rows', () => {
    // Five million items, two common words that occur together in about one in a hundred
    // (estimated as if independent), one item in thirty open now among the starts of five in a
    // hundred: a collect ANDs the word's bitmap with 265,000 starts, which costs more than
    // reading those starts in their index (measured: 160–340 ms against 50 ms).
    const estimates = { rows: 5_000_000, words: { matches: 47_000, postings: 960_000, conditions: 2, testedOnRows: 0 }, statusShare: 0.036, priceShare: 0.5, startShare: 0.053, endShare: null };
    const chosen = catalogue.planner.weigh({ sort: 'created', limit: 20 }, estimates);
    expect(chosen.rangeIndex).to.equal('start');
    expect(chosen.rangeCost).to.be.below(chosen.collectCost);
    // In µs: the words' postings and bitmap, the rows with the status, and the status's range.
    const words = 960_000 * 0.05 + 47_000 * 0.2;
    expect(chosen.collectCost).to.be.closeTo(words + 47_000 * 0.036 * 4 + 5_000_000 * 0.036 * 0.5, 1);
    // Where few of the words' matches lack the status, testing those on their rows costs less
    // than its range, and that is what the collect is costed with.
    const most = catalogue.planner.weigh({ sort: 'created', limit: 20 }, { ...estimates, statusShare: 0.95, startShare: null });
    expect(most.collectCost).to.be.closeTo(words + 47_000 * 0.95 * 4 + 47_000 * 0.05 * 4, 1);
  });

  it('reads the items closed in the end index, where that costs less than collecting common words or reading the starts they may have', async () => {
    // A million items, two words of a tenth each, one item in fifty closed: the closed ones are
    // the end index's range, read whole for less than the words' bitmap and rows.
    const estimates = { rows: 1_000_000, words: { matches: 40_000, postings: 200_000, conditions: 2, testedOnRows: 0 }, statusShare: 0.02, priceShare: null, startShare: null, endShare: 0.02 };
    const chosen = catalogue.planner.weigh({ sort: 'created', limit: 20 }, estimates);
    expect(chosen).to.include({ rangeIndex: 'end' });
    expect(chosen.rangeCost).to.be.below(chosen.collectCost);
    // Only for items closed: another status's ends are no narrower than its starts.
    for (const status of AVAILABILITY_STATUSES.filter((other) => other !== 'closed')) {
      const query = await withStatusBounds(db, { kind: 'test' as const, words: [LEFT_WORDS[0]], status, sort: 'created' as const, limit: 20, now: new Date() });
      expect((await catalogue.planner.choose(query)).rangeIndex, status).to.not.equal('end');
    }
    // Where few have closed (as of the two hundredth end), the range is read in the end index
    // alone (an index-only scan), and the table for the page.
    const [{ end_at: now }] = await db('tests').select('end_at').orderBy('end_at').offset(200).limit(1);
    const query = await withStatusBounds(db, { kind: 'test' as const, words: [LEFT_WORDS[0]], status: 'closed' as const, sort: 'created' as const, limit: 20, now });
    const { sql, bindings } = catalogue.listQuery(query, { plan: 'range', index: 'end' }).toSQL();
    const { rows } = await db.raw(`EXPLAIN ${sql}`, bindings);
    expect(rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')).to.match(/Index Only Scan using tests_end_range_idx/);
    expect(ids(await catalogue.listQuery(query, { plan: 'range', index: 'end' }))).to.deep.equal(await expectedIds(query));
  });

  it('costs each entry a walk reads with the words it tests on table rows, for items whose words are too many for an index entry', () => {
    // A million items, a word of one in five hundred: a walk to its first page reads about
    // 10,500 entries, which costs less than collecting the word's 2,000 rows.
    const estimates = { rows: 1_000_000, words: { matches: 2_000, postings: 2_000, conditions: 1, testedOnRows: 0 }, statusShare: 1, priceShare: null, startShare: null, endShare: null };
    const byDate = { sort: 'created', limit: 20 } as const;
    expect(catalogue.planner.weigh(byDate, estimates)).to.include({ plan: 'walk', entryCost: 0.25 });
    // Where half the items hold their words on their table rows only, one entry in two is a
    // row's test: walking to the page costs more than collecting.
    const halfOnRows = (words: typeof estimates.words) => ({ ...words, testedOnRows: 0.5 });
    expect(catalogue.planner.weigh(byDate, { ...estimates, words: halfOnRows(estimates.words) }).plan).to.equal('collect');
    // A word of one in ten and a status of one in twenty: the row is tested only for the entries
    // with the status, and the walk's budget is the same time in fewer entries.
    const common = { ...estimates, words: { ...estimates.words, matches: 100_000, postings: 100_000 }, statusShare: 0.05 };
    const short = catalogue.planner.weigh(byDate, common);
    const long = catalogue.planner.weigh(byDate, { ...common, words: halfOnRows(common.words) });
    expect([short.plan, long.plan]).to.deep.equal(['walk', 'walk']);
    expect(long.entryCost).to.be.closeTo(0.25 + 0.05 * 0.5 * 6, 1e-9);
    expect(long.walkBudget).to.be.below(short.walkBudget);
    expect(long.walkBudget * long.entryCost).to.be.closeTo(short.walkBudget * short.entryCost, 1);
  });

  it('reads a listed word\'s postings rather than walking to its sparse matches or collecting them, at five million items', () => {
    // A word of one in a thousand, items closed (half of them), newest first: a walk meets a
    // match every 2,000 entries, a collect reads the word's 5,000 rows; its postings are 5,000
    // entries of one index.
    const rare = { matches: 5_000, postings: 5_000, conditions: 1, testedOnRows: 0 };
    const estimates = { rows: 5_000_000, words: rare, statusShare: 0.5, priceShare: null, startShare: null, endShare: 0.5 };
    const byDate = { sort: 'created', limit: 20 } as const;
    expect(catalogue.planner.weigh(byDate, { ...estimates, postings: 5_000 })).to.include({ plan: 'range', rangeIndex: 'postings' });
    const without = catalogue.planner.weigh(byDate, estimates);
    expect(without.rangeIndex).to.not.equal('postings');
    expect(Math.min(without.collectCost, without.rangeCost), 'the cheapest other plan').to.be.above(5_000 * 0.25 * 5);
    // A common word's postings, were they kept, would cost more than the walk to its first page.
    const common = { ...estimates, words: { ...rare, matches: 500_000, postings: 500_000 }, postings: 500_000 };
    expect(catalogue.planner.weigh(byDate, common)).to.include({ plan: 'walk' });
  });

  it('estimates the share of items whose words no index entry holds from the statistics', async () => {
    const word = uniqueName('longtext');
    // A hundred and fifty long words: more than an index entry holds (the vocabulary learns each
    // two of them, so fewer words keep the write short).
    const long = Array.from({ length: 150 }, (_, i) => `w${i.toString(36).padStart(2, '0')}${'x'.repeat(18)}`).join(' ');
    const start_at = new Date();
    const end_at = new Date(start_at.getTime() + 3_600_000);
    await db
      .transaction(async (trx) => {
        await trx('courses').insert(Array.from({ length: 80 }, (_, i) => ({ title: `${word} ${i}`, description: i % 4 === 0 ? long : 'short', price: '1000.00', start_at, end_at })));
        await trx.raw('ANALYZE courses');
        const words = await new SearchSelectivity(trx).estimate('course', [word]);
        expect(words?.testedOnRows).to.equal(0.25);
        throw new Error('roll back');
      })
      .catch((error: Error) => {
        if (error.message !== 'roll back') throw error;
      });
  });

  it('estimates several words from the items that hold them together, not as if independent', async () => {
    const [a, b, c, d, rare] = ['one', 'two', 'three', 'four', 'rare'].map((word) => uniqueName(word));
    // 3,000 courses: `a` in the first half, `b` in the second and in a tenth of the first (`a b`
    // in 150, where their shares alone say 825); `c d` always together, in 300 (their shares say
    // 30); `rare` in three items of the first half.
    const titles = Array.from({ length: 3_000 }, (_, i) =>
      [i < 1_500 ? a : b, i < 1_500 && i % 10 === 0 ? b : '', i % 10 === 5 ? `${c} ${d}` : '', i < 1_500 && i % 500 === 1 ? rare : ''].join(' '),
    );
    await db
      .transaction(async (trx) => {
        // A catalogue of courses of its own, in a schema the transaction creates and rolls back.
        await trx.raw('CREATE SCHEMA sampled_words');
        await trx.raw('SET LOCAL search_path = sampled_words');
        await trx.raw('CREATE TABLE courses (search_vector tsvector)');
        await trx.raw(`INSERT INTO courses SELECT to_tsvector('simple', title) FROM unnest(?::text[]) AS title`, [titles]);
        await trx.raw('ANALYZE courses');
        const selectivity = new SearchSelectivity(trx);
        const rows = (await selectivity.rowCount('course'))!;
        // Estimated within a few per cent of the table (the sample reads every course here).
        const matches = async (...words: string[]) => (await selectivity.estimate('course', words))!.matches;
        expect(await matches(a, b)).to.be.closeTo(150, rows * 0.01);
        expect(await matches(b, a)).to.be.closeTo(150, rows * 0.01);
        expect(await matches(c, d)).to.be.closeTo(300, rows * 0.01);
        // The last word as the start of one.
        expect(await matches(c, d.slice(0, -1))).to.be.closeTo(300, rows * 0.01);
        // Too few sampled items hold the rare word for the sample to tell: its shares alone.
        const [aAlone, rareAlone] = [await matches(a), await matches(rare)];
        expect(await matches(a, rare)).to.be.closeTo((aAlone * rareAlone) / rows, 1);
        throw new Error('roll back');
      })
      .catch((error: Error) => {
        if (error.message !== 'roll back') throw error;
      });
  });

  it('samples a fixed number of items whatever the table holds', async () => {
    const sample = await LexemeSample.read(db, 'tests', ITEMS);
    expect(sample.items).to.be.within(SAMPLED_ITEMS * 0.8, SAMPLED_ITEMS * 1.2);
    // Every item holds the word found everywhere.
    expect(sample.share([{ token: EVERYWHERE, prefix: false }])).to.equal(1);
  });

  it('keeps one generic plan for the plain lists past a cursor and at a page number, for every sort (not planned anew on every call)', async () => {
    // One pooled connection, so that every call meets the same prepared statements.
    const single = createContainer(testConfig({ DATABASE_URL: plansDatabaseUrl(), DB_POOL_MAX: '1' }), { logger: createLogger('silent') });
    try {
      const reads = single.container.get<PostgresOfferingCatalogue>(OFFERING_CATALOGUE);
      const now = new Date();
      for (const sort of OFFERING_SORTS) {
        const first = await reads.list({ kind: 'test', words: [], now, sort, limit: 8 });
        for (const [i, item] of first.items.entries()) {
          const { values, id } = item.position;
          for (const direction of ['next', 'previous'] as const) await reads.list({ kind: 'test', words: [], now, sort, limit: 20, after: { sort, values, id, direction } });
          await reads.list({ kind: 'test', words: [], now, sort, limit: 20, offset: 20 * (i + 1) });
        }
      }
      const { rows } = await single.container.get<Knex>(KNEX).raw(`SELECT statement, generic_plans FROM pg_prepared_statements WHERE statement LIKE '%$1%'`);
      // Each sort: past a cursor in both directions, and at a page number (reading one price
      // order backwards is the other read forwards: the same statement).
      expect(rows).to.have.length.of.at.least(OFFERING_SORTS.length * 2);
      for (const row of rows) expect(row.generic_plans, row.statement).to.be.greaterThan(0);
    } finally {
      await single.dispose();
    }
  });

  it('follows cursors forwards and back to the same items whichever plan reads them', async () => {
    const now = new Date();
    for (const sort of OFFERING_SORTS) {
      const base: CatalogueQuery = { kind: 'test', words: ['alpha'], status: 'closed', sort, limit: 7, now };
      const first = await catalogue.list(base);
      const last = first.items[first.items.length - 1];
      const next = await catalogue.list({ ...base, after: { sort, values: last.position.values, id: last.id, direction: 'next' } });
      const expected = await expectedIds({ ...base, limit: 14 });
      expect([...first.items, ...next.items].map((item) => item.id), sort).to.deep.equal(expected.slice(0, 14));
      const back = await catalogue.list({ ...base, after: { sort, values: next.items[0].position.values, id: next.items[0].id, direction: 'previous' } });
      expect(back.items.map((item) => item.id), sort).to.deep.equal(first.items.map((item) => item.id));
      // The price range read whole, from the same cursors, in the order each reads.
      const ranged = async (query: CatalogueQuery) => ids(await catalogue.listQuery(await withStatusBounds(db, query), { plan: 'range' })).slice(0, query.limit);
      expect(await ranged({ ...base, after: { sort, values: last.position.values, id: last.id, direction: 'next' } }), `${sort}, range`).to.deep.equal(next.items.map((item) => item.id));
      expect(await ranged({ ...base, after: { sort, values: next.items[0].position.values, id: next.items[0].id, direction: 'previous' } }), `${sort}, range`).to.deep.equal(first.items.map((item) => item.id).reverse());
    }
  });

  interface PlanNode {
    'Node Type': string;
    'Index Name'?: string;
    'Actual Rows': number;
    'Actual Loops': number;
    'Heap Fetches'?: number;
    'Shared Hit Blocks': number;
    'Shared Read Blocks': number;
    Plans?: PlanNode[];
  }

  /** Every scan of a walk's plan, run with EXPLAIN ANALYZE. */
  async function walkScans(query: SqlQuery, budget: number): Promise<PlanNode[]> {
    const { sql, bindings } = catalogue.listQuery(query, { plan: 'walk', walkBudget: budget }).toSQL();
    const { rows } = await db.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, bindings);
    const scans: PlanNode[] = [];
    const visit = (node: PlanNode) => {
      if (/Scan/.test(node['Node Type'])) scans.push(node);
      (node.Plans ?? []).forEach(visit);
    };
    visit(rows[0]['QUERY PLAN'][0].Plan);
    return scans;
  }

  const SORT_INDEX = /^tests_(created|created_short_lived|popular|price|start_at)_idx$/;
  const rowsOf = (scan: PlanNode) => scan['Actual Rows'] * scan['Actual Loops'];

  /** How many times the walk read a table row (through the primary key). */
  async function tableReads(query: SqlQuery, budget: number): Promise<number> {
    const scans = await walkScans(query, budget);
    return scans.filter((scan) => scan['Index Name'] === 'tests_pkey').reduce((sum, scan) => sum + scan['Actual Loops'], 0);
  }

  /** The entries the walk read from a sort index, or the rows of any whole-table scan. */
  async function rowsWalked(query: SqlQuery, budget: number): Promise<number> {
    const scans = (await walkScans(query, budget)).filter((scan) => SORT_INDEX.test(scan['Index Name'] ?? '') || scan['Node Type'] === 'Seq Scan');
    expect(scans, 'a walk reads a sort index').to.not.be.empty;
    return Math.max(...scans.map(rowsOf));
  }

  /** The pages a walk read from the index named (EXPLAIN ANALYZE with BUFFERS). */
  async function indexPagesRead(query: SqlQuery, budget: number, index: string): Promise<number> {
    const { sql, bindings } = catalogue.listQuery(query, { plan: 'walk', walkBudget: budget }).toSQL();
    const { rows } = await db.raw(`EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) ${sql}`, bindings);
    let pages = 0;
    const visit = (node: PlanNode) => {
      if (node['Index Name'] === index) pages += node['Shared Hit Blocks'] + node['Shared Read Blocks'];
      (node.Plans ?? []).forEach(visit);
    };
    visit(rows[0]['QUERY PLAN'][0].Plan);
    return pages;
  }

  it('enters a walk\'s range at its start, not at a cursor before it: an item read apart, or a cursor of a list of other filters', async () => {
    const now = new Date();
    const positionOf = async (id: number, sort: CatalogueQuery['sort'], direction: 'next' | 'previous'): Promise<NonNullable<CatalogueQuery['after']>> => {
      const keys = sortColumns(sort).map((key, i) => db.raw(`${keyText(key.column, key.type)} AS k${i}`));
      const [row] = await db('tests').where({ id }).select('id', ...keys);
      return { sort, values: sortColumns(sort).map((_, i) => row[`k${i}`]), id: Number(row.id), direction };
    };
    const cases: Array<{ name: string; query: SqlQuery; index: string }> = [];
    // Items open for a year, beyond the start bound of items open now: read apart, before the range.
    const open = await withStatusBounds(db, { kind: 'test', words: [EVERYWHERE], status: 'available', sort: 'start_at', limit: 20, now } as CatalogueQuery);
    expect(open.startBounds?.beyond, 'items open for a year').to.not.be.empty;
    cases.push({ name: 'open now, by start, after an item open for a year', query: { ...open, after: await positionOf(Number(open.startBounds!.beyond[0]), 'start_at', 'next') }, index: 'tests_start_at_idx' });
    // Upcoming items with registrations: read apart, before the items of no registrations.
    const upcoming = await withStatusBounds(db, { kind: 'test', words: [EVERYWHERE], status: 'upcoming', sort: 'popular', limit: 20, now } as CatalogueQuery);
    expect(upcoming.registeredUpcoming, 'upcoming items with registrations').to.not.be.empty;
    cases.push({ name: 'upcoming, by popularity, after one with registrations', query: { ...upcoming, after: await positionOf(Number(upcoming.registeredUpcoming!.at(-1)), 'popular', 'next') }, index: 'tests_popular_idx' });
    // A cursor of a list without the price range, far below it (and one of a list with higher
    // prices, going back).
    const [cheap] = await db('tests').where('price', '<', 20_000).orderBy('id').limit(1).select('id');
    const [dear] = await db('tests').where('price', '>', 95_000).orderBy('id').limit(1).select('id');
    const priced: CatalogueQuery = { kind: 'test', words: [EVERYWHERE], sort: 'price_asc', limit: 20, now, priceMin: Money.parse(80_000), priceMax: Money.parse(90_000) };
    cases.push({ name: 'by price, after a cursor below the range', query: { ...priced, after: await positionOf(cheap.id, 'price_asc', 'next') }, index: 'tests_price_idx' });
    cases.push({ name: 'by price, back from a cursor above the range', query: { ...priced, after: await positionOf(dear.id, 'price_asc', 'previous') }, index: 'tests_price_idx' });

    const reference = async (query: SqlQuery) => ids(await afterCursor(filteredOfferings(db, query), query).select('id').orderByRaw(readingOrder(query).sql).limit(query.limit + 1));
    for (const { name, query, index } of cases) {
      // Thousands of entries lie between each cursor and its range: entering at the cursor
      // would read a hundred pages or more of the index.
      expect(await indexPagesRead(query, 60, index), name).to.be.below(15);
      for (const [walkBudget, limit] of [[1, 1], [5, 20], [60, 20], [1_000_000, 20]]) {
        const page = await catalogue.walkedPage({ ...query, limit }, { plan: 'walk', walkBudget, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 });
        expect(page && ids(page), `${name}, walks of ${walkBudget}`).to.deep.equal(await reference({ ...query, limit }));
      }
      const listed = await catalogue.list(query);
      // A page read backwards is shown in the list's order.
      const shown = (await reference(query)).slice(0, query.limit);
      expect(listed.items.map((item) => Number(item.id)), `${name}, listed`).to.deep.equal(query.after?.direction === 'previous' ? shown.reverse() : shown);
    }
  });

  it('never walks more than its budget of a sort index for words that never occur together, and collects them without one', async () => {
    const now = new Date();
    for (const sort of OFFERING_SORTS) {
      for (const status of [undefined, ...AVAILABILITY_STATUSES]) {
        const query: CatalogueQuery = { kind: 'test', words: ['beta', '중급'], status, sort, limit: 20, now };
        const budget = (await catalogue.planner.choose(query)).walkBudget;
        expect(await rowsWalked(query, budget), `${sort} ${status}`).to.be.at.most(budget);
        // Every filter is tested on the index entries: with nothing matching, the table is never read.
        expect(await tableReads(query, budget), `${sort} ${status}`).to.equal(0);
        const { sql, bindings } = catalogue.listQuery(query, { plan: 'collect' }).toSQL();
        const { rows } = await db.raw(`EXPLAIN ${sql}`, bindings);
        const plan = rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
        // Collecting reads the matches wherever they are, never a sort index from its start.
        expect(plan, `${sort} ${status}`).to.not.match(/Index (Only )?Scan (Backward )?using tests_(created|popular|price|start_at)_idx/);
        expect((await catalogue.list(query)).items, `${sort} ${status}`).to.deep.equal([]);
      }
    }
  });

  /** The index scans that feed a collect's bitmap, by index name (EXPLAIN ANALYZE). */
  async function bitmapIndexes(query: SqlQuery): Promise<string[]> {
    const { sql, bindings } = catalogue.listQuery(query, { plan: 'collect', ranges: await catalogue.planner.bitmapRanges(query) }).toSQL();
    const { rows } = await db.raw(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, bindings);
    const names: string[] = [];
    const visit = (node: PlanNode) => {
      if (node['Node Type'] === 'Bitmap Index Scan') names.push(node['Index Name']!);
      (node.Plans ?? []).forEach(visit);
    };
    visit(rows[0]['QUERY PLAN'][0].Plan);
    return names;
  }

  it('gathers a rare word by its own index and tests the status and price on its rows, instead of reading their ranges', async () => {
    const now = new Date();
    for (const status of AVAILABILITY_STATUSES) {
      const query = await withStatusBounds(db, { kind: 'test' as const, words: [RARE], status, sort: 'created' as const, limit: 20, now, priceMin: Money.parse('11000') });
      expect(await catalogue.planner.bitmapRanges(query), status).to.deep.equal({ status: false, price: false });
      expect(await bitmapIndexes(query), status).to.deep.equal(['tests_search_idx']);
    }
  });

  it('takes a narrow range into the bitmap of a common word, where it spares reading most of the word\'s rows', async () => {
    const query = await withStatusBounds(db, { kind: 'test' as const, words: [EVERYWHERE], status: 'available' as const, sort: 'created' as const, limit: 20, now: new Date(), priceMin: Money.parse('50000'), priceMax: Money.parse('50500') });
    expect(await catalogue.planner.bitmapRanges(query)).to.deep.equal({ status: true, price: true });
  });

  it('tests the status, the price and the words of a walk in the sort index, and reads the table only for the page', async () => {
    // (A start_at walk is narrowed to the open items' range already; at this table's size a
    // sequential scan of it may be planned instead.)
    for (const sort of OFFERING_SORTS.filter((name) => name !== 'start_at')) {
      const query = await withStatusBounds(db, { kind: 'test' as const, words: ['alpha'], status: 'available' as const, sort, limit: 20, now: new Date(), priceMin: Money.parse('20000') });
      const scans = await walkScans(query, 20_000);
      const walked = scans.find((scan) => SORT_INDEX.test(scan['Index Name'] ?? ''));
      expect(walked?.['Node Type'], sort).to.equal('Index Only Scan');
      expect(walked?.['Heap Fetches'], sort).to.equal(0);
      // One item in fifty is open now, one in eight has the word: the table is read for the page alone.
      expect(await tableReads(query, 20_000), sort).to.equal(21);
      expect(rowsOf(walked!), sort).to.be.above(21 * 50);
    }
  });

  it('reads the texts of a range\'s or a collect\'s page only, not of every match it sorts', async () => {
    const query = await withStatusBounds(db, { kind: 'test' as const, words: [EVERYWHERE], sort: 'created' as const, limit: 20, now: new Date(), priceMin: Money.parse('20000'), priceMax: Money.parse('60000') });
    for (const choice of [{ plan: 'range' as const }, { plan: 'range' as const, index: 'start' as const }, { plan: 'collect' as const }]) {
      const { sql, bindings } = catalogue.listQuery(query, choice).toSQL();
      const { rows } = await db.raw(`EXPLAIN (ANALYZE, VERBOSE, FORMAT JSON) ${sql}`, bindings);
      const textReads: PlanNode[] = [];
      let sorted = 0;
      const visit = (node: PlanNode & { Output?: string[] }) => {
        if (node['Node Type'] === 'Sort') sorted = Math.max(sorted, rowsOf(node.Plans?.[0] ?? node));
        if (/Scan/.test(node['Node Type']) && (node.Output ?? []).some((column) => /\bdescription\b/.test(column))) textReads.push(node);
        (node.Plans ?? []).forEach(visit);
      };
      visit(rows[0]['QUERY PLAN'][0].Plan);
      const label = JSON.stringify(choice);
      expect(sorted, label).to.be.above(21 * 10);
      expect(textReads, label).to.have.length(1);
      expect(textReads[0]['Actual Loops'], label).to.equal(21);
    }
  });

  it('finds an item whose words are too many for an index entry by its table row, whichever plan reads it', async () => {
    const marker = uniqueName('long');
    // Two thousand different words: far more lexemes than an index entry holds.
    const description = Array.from({ length: 2_000 }, (_, i) => `w${i.toString(36)}x`).join(' ');
    const [{ id }] = await db('tests')
      .insert({ title: `${marker} ${EVERYWHERE}`, description, price: '25000', start_at: new Date(Date.now() - 3_600_000), end_at: new Date(Date.now() + 3_600_000), created_at: new Date() })
      .returning('id');
    try {
      const { search_lexemes: lexemes } = await db('tests').where({ id }).first('search_lexemes');
      expect(lexemes).to.equal(null);
      for (const sort of OFFERING_SORTS) {
        const query = await withStatusBounds(db, { kind: 'test' as const, words: [marker, 'w1kx'], status: 'available' as const, sort, limit: 20, now: new Date() });
        for (const choice of [{ plan: 'walk', walkBudget: ITEMS * 2 } as const, { plan: 'collect' } as const]) {
          expect(ids(await catalogue.listQuery(query, choice)), `${sort} ${choice.plan}`).to.deep.equal([id]);
        }
      }
    } finally {
      await db('tests').where({ id }).delete();
    }
  });

  it('carries in the sort indexes the words of every item whose stripped vector fits an index entry, however long its text', async () => {
    const marker = uniqueName('fits');
    const texts = [
      // Long texts of few words: a phrase said forty times, a Korean text of a few hundred characters.
      Array.from({ length: 40 }, () => 'Kotlin 실무 프로젝트 기반 실습과 설명 포함.').join(' '),
      Array.from({ length: 120 }, (_, i) => `문법${i.toString(36)}을`).join(' '),
      // Words enough to fill an entry, around its limit, and far beyond it.
      ...[300, 420, 460, 520, 2_000].map((words) => Array.from({ length: words }, (_, i) => `w${i.toString(36)}`).join(' ')),
    ];
    const rows = await db('tests')
      .insert(texts.map((description) => ({ title: marker, description, price: '25000', start_at: new Date(), end_at: new Date(Date.now() + 3_600_000) })))
      .returning('id');
    try {
      const { rows: carried } = await db.raw(
        `SELECT search_lexemes IS NOT NULL AS carried, pg_column_size(strip(search_vector)) AS size, search_lexemes = strip(search_vector) AS same
         FROM tests WHERE id = ANY(?) ORDER BY id`,
        [rows.map((row: { id: number }) => row.id)],
      );
      for (const row of carried as Array<{ carried: boolean; size: number; same: boolean | null }>) {
        expect(row.carried, `a vector of ${row.size} bytes`).to.equal(row.size <= 2_600);
        if (row.carried) expect(row.same).to.equal(true);
      }
      expect(carried.slice(0, 2).map((row: { carried: boolean }) => row.carried)).to.deep.equal([true, true]);
      expect(new Set(carried.map((row: { carried: boolean }) => row.carried))).to.deep.equal(new Set([true, false]));
    } finally {
      await db('tests').whereIn('id', rows.map((row: { id: number }) => row.id)).delete();
    }
  });

  it('finds items open now through the start index, bounded by the longest window, whichever plan reads them', async () => {
    const query = await withStatusBounds(db, { kind: 'test' as const, words: ['gamma'], status: 'available' as const, sort: 'popular' as const, limit: 20, now: new Date() });
    // The longest window of this catalogue lasts four days.
    expect(Date.parse(query.startBounds!.earliestOpen!)).to.be.closeTo(query.now.getTime() - 4 * 86_400_000, 1_000);
    const { sql, bindings } = catalogue.listQuery(query, { plan: 'collect' }).toSQL();
    const { rows } = await db.raw(`EXPLAIN ${sql}`, bindings);
    expect(rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')).to.match(/tests_start_at_idx/);
    const startSorted = await withStatusBounds(db, { ...query, sort: 'start_at' as const });
    expect(await rowsWalked(startSorted, 100_000), 'a start_at walk enters the index at the earliest start an open item can have').to.be.at.most(ITEMS / 50);
  });

  it('bounds the start of a status by windows of items with it, and reads the few items beyond the bound by id, in the page\'s order by every plan', async () => {
    // Courses, which this catalogue has none of, added for this test only: rolled back at its end.
    const trx = await db.transaction();
    try {
      const now = new Date();
      const day = 86_400_000;
      const at = (days: number) => new Date(now.getTime() + days * day);
      const item = (title: string, start: number, end: number) => ({ title, description: RARE, price: '10000.00', start_at: at(start), end_at: at(end) });
      const add = (items: ReturnType<typeof item>[]) => trx('courses').insert(items).returning('id');
      const boundsOf = async (status: 'available' | 'closed') => {
        const { startBounds } = await withStatusBounds(trx, { kind: 'course' as const, words: [], status, now });
        const bound = status === 'available' ? startBounds?.earliestOpen : startBounds?.latestClosed;
        return { days: (Date.parse(bound ?? '') - now.getTime()) / day, beyond: startBounds?.beyond.map(Number) };
      };
      // Open now for four days, closed after 44 hours.
      await add(Array.from({ length: WINDOWS_READ }, (_, i) => item(`${EVERYWHERE} open ${i}`, -3, 1)));
      await add(Array.from({ length: WINDOWS_READ }, (_, i) => item(`closed ${i}`, -10, -10 + 44 / 24)));
      // Windows of a year that open next month or closed last month, and of a minute that opens
      // tomorrow or is open now, are no open or closed item's window: the bounds stay at four days
      // ago (the longest window of the items open now) and 44 hours ago (the shortest closed).
      await add([item('upcoming year', 30, 395), item('closed year', -400, -35), item('upcoming minute', 1, 1 + 1 / 1440), item('open minute', -1 / 2880, 1 / 2880)]);
      expect(await boundsOf('available')).to.deep.equal({ days: -4, beyond: [] });
      expect(await boundsOf('closed')).to.deep.equal({ days: -44 / 24, beyond: [] });
      // More long windows than a bound reads, none of them open: the last one read bounds the rest
      // (after the two of a year, windows of 139 days down to 42).
      await add(Array.from({ length: WINDOWS_READ }, (_, i) => item(`upcoming ${i}`, 30, 70 + i)));
      expect(await boundsOf('available')).to.deep.equal({ days: -42, beyond: [] });
      // An item open for a year, and one closed after a minute, are named rather than moving the bounds.
      const [{ id: openYear }] = await add([item(`${EVERYWHERE} open year`, -365, 1)]);
      const [{ id: closedMinute }] = await add([item('closed minute', -1 / 24, -1 / 24 + 1 / 1440)]);
      expect(await boundsOf('available')).to.deep.equal({ days: -43, beyond: [Number(openYear)] });
      expect(await boundsOf('closed')).to.deep.equal({ days: -44 / 24, beyond: [Number(closedMinute)] });
      // Found where they belong, first (open now) or last (closed) by start, whichever plan reads
      // the page, from the start or from a cursor either way.
      for (const [status, words] of [['available', [EVERYWHERE]], ['closed', [RARE]]] as const) {
        const unbounded = { kind: 'course' as const, words, status, sort: 'start_at' as const, limit: 30, now };
        const pageOf = async (rows: Knex.QueryBuilder, query: SqlQuery) => ids(await rows.select('id').orderByRaw(readingOrder(query).sql).limit(query.limit + 1));
        const reference = (query: SqlQuery) => pageOf(afterCursor(filteredOfferings(trx, query), query), query);
        const everything = await reference({ ...unbounded, limit: 1_000 });
        expect(everything.map(Number), status).to.include(Number(status === 'available' ? openYear : closedMinute));
        const bounded = await withStatusBounds(trx, unbounded);
        const cursorAtPosition = (position: number, direction: 'next' | 'previous') => cursorAtItem(trx, bounded, everything[position], direction);
        const last = everything.length - 1;
        const queries: SqlQuery[] = [bounded, await cursorAtPosition(1, 'next'), await cursorAtPosition(last, 'previous'), await cursorAtPosition(last - 1, 'next')];
        for (const query of queries) {
          const expected = await reference({ ...query, startBounds: undefined });
          const label = `${status} ${query.after?.direction ?? 'from the start'}`;
          expect(await pageOf(walkedOfferings(trx, query, 100_000), query), `walked, ${label}`).to.deep.equal(expected);
          expect(await pageOf(collectedOfferings(trx, query), query), `collected, ${label}`).to.deep.equal(expected);
          expect(await reference(query), `filtered, ${label}`).to.deep.equal(expected);
        }
      }
    } finally {
      await trx.rollback();
    }
  });

  it('puts the items a walk reads apart after its range only behind a walk that read to the end of the range, from the start, at page numbers and from cursors either way', async () => {
    const now = new Date();
    // Each reads some items apart (the windows unlike the others, the upcoming items with
    // registrations), after its range going forwards or backwards.
    const shapes = [
      { status: 'closed', sort: 'start_at' },
      { status: 'available', sort: 'start_at' },
      { status: 'upcoming', sort: 'popular' },
    ] as const;
    let pages = 0;
    for (const shape of shapes) {
      const unbounded: CatalogueQuery = { kind: 'test', words: [], ...shape, limit: 5, now };
      const bounded = await withStatusBounds(db, unbounded);
      const all: KeyedRow[] = await filteredOfferings(db, bounded).select('id', ...sortKeys(db, shape.sort)).orderByRaw(readingOrder(bounded).sql);
      const positions = [0, 1, 2, 3, 5, 8, 20, 100, all.length - 9, all.length - 6, all.length - 2].filter((i) => i >= 0 && i < all.length);
      const pageNumbers = [1, 2, 4].map((page) => ({ ...bounded, offset: page * bounded.limit }));
      const queries = [bounded, ...pageNumbers, ...positions.flatMap((i) => [cursorAt(bounded, all[i], 'next'), cursorAt(bounded, all[i], 'previous')])];
      for (const query of queries) {
        const expected = ids(await afterCursor(filteredOfferings(db, query), query).select('id').orderByRaw(readingOrder(query).sql).offset(query.offset ?? 0).limit(query.limit + 1));
        for (const walkBudget of [1, 2, 4, 12, 30]) {
          // Collecting and ranges priced beyond any walk: the walks go on while they find more.
          const page = await catalogue.walkedPage(query, { plan: 'walk', walkBudget, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 });
          if (!page) continue;
          pages += 1;
          const from = query.after ? `${query.after.direction} ${query.after.id}` : `from the start, skipping ${query.offset ?? 0}`;
          expect(ids(page), `${shape.status} by ${shape.sort}, ${from}, ${walkBudget}`).to.deep.equal(expected);
        }
      }
    }
    expect(pages, 'walks that answered').to.be.above(50);
  });

  /**
   * Courses (which this catalogue has none of) for a test of its own: an item whose creation,
   * start and end are given in milliseconds from `now`, and the insert of items, giving their ids.
   */
  /**
   * The courses' postings against what the items hold: the postings expected of the listed words,
   * and those missing or extra (with every column they carry).
   */
  async function coursePostingsAgainstItems(): Promise<{ expected: number; missing: number; extra: number }> {
    const [row] = (
      await db.raw(
        `WITH expected AS (
           SELECT c.id, l.lexeme, c.price, c.start_at, c.end_at, c.created_at, c.registration_count, c.search_lexemes
           FROM courses c, unnest(tsvector_to_array(c.search_vector)) AS l(lexeme)
           WHERE l.lexeme IN (SELECT lexeme FROM search_posting_words WHERE catalogue = 'courses')),
         kept AS (
           SELECT item_id, lexeme, price, start_at, end_at, created_at, registration_count, search_lexemes FROM search_postings WHERE catalogue = 'courses')
         SELECT (SELECT count(*) FROM expected) AS expected,
                (SELECT count(*) FROM (SELECT * FROM expected EXCEPT ALL SELECT * FROM kept) AS m) AS missing,
                (SELECT count(*) FROM (SELECT * FROM kept EXCEPT ALL SELECT * FROM expected) AS e) AS extra`,
      )
    ).rows;
    return { expected: Number(row.expected), missing: Number(row.missing), extra: Number(row.extra) };
  }

  it('lists words while a writer holds their items: the listing waits for it, and the postings hold what it wrote', async () => {
    // Courses, which this catalogue has none of, added for this test only (and deleted at its end,
    // with their words unlisted).
    try {
      await db.raw(
        `INSERT INTO courses (title, description, price, start_at, end_at)
         SELECT (ARRAY['omicron', 'sigmoid'])[1 + g % 2] || ' course ' || g, 'text', 10000, now(), now() + interval '1 day'
         FROM generate_series(1, 400) g`,
      );
      await db.raw('VACUUM (ANALYZE) courses');
      const [{ id }] = await db('courses').whereRaw(`title LIKE 'omicron %'`).select('id').limit(1);
      const writer = await db.transaction();
      let listed = false;
      const listing = (async () => {
        try {
          await writer('courses').where({ id }).update({ registration_count: 42, price: '12345.00' });
          const listingWords = new PostingLists(db).listWords('course', { least: 1, most: 10_000, mostShare: 1 }).then((result) => {
            listed = true;
            return result;
          });
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(listed, 'listed while the writer holds the item').to.equal(false);
          await writer.commit();
          return await listingWords;
        } catch (error) {
          await writer.rollback().catch(() => undefined);
          throw error;
        }
      })();
      expect((await listing).words).to.be.at.least(2);
      const [posting] = await db('search_postings').where({ catalogue: 'courses', lexeme: 'omicron', item_id: id }).select('registration_count', 'price');
      expect(posting).to.deep.equal({ registration_count: 42, price: '12345.00' });
      expect(await coursePostingsAgainstItems()).to.include({ missing: 0, extra: 0 });
    } finally {
      await db('courses').del();
      await db('search_posting_words').where({ catalogue: 'courses' }).del();
    }
  });

  it('keeps the postings of listed words as items are added, changed and deleted, and reads from them the pages and counts any plan gives, for words that complete to several', async () => {
    // Courses, which this catalogue has none of, added for this test only (and deleted at its end,
    // with their words unlisted). Words that start one another, some items holding two of them.
    const fresh = new SearchPostings(db);
    const postingsOf = async (query: SqlQuery) => {
      const posted = await fresh.of(query);
      expect(posted, JSON.stringify(query.words)).to.not.equal(null);
      return { ...query, posted: posted!.lexemes };
    };
    try {
      const addCourses = (from: number, to: number) =>
        db.raw(
          `INSERT INTO courses (title, description, price, start_at, end_at, created_at, registration_count)
           SELECT (ARRAY['alpha', 'alphabet', 'alphanumeric', 'beta'])[1 + g % 4] || ' ' || (ARRAY['alphabet', 'alpha', 'zeta'])[1 + g % 3] || ' course ' || g,
                  'text ' || g, 10000 + g % 50 * 1000, now() + (g % 20 - 10) * interval '1 day', now() + (g % 20 - 5) * interval '1 day',
                  now() - g * interval '1 hour', g % 5
           FROM generate_series(?::int, ?::int) g`,
          [from, to],
        );
      await addCourses(1, 2_000);
      await db.raw('VACUUM (ANALYZE) courses');
      const listed = await new PostingLists(db).listWords('course', { least: 1, most: 10_000, mostShare: 1 });
      expect(listed.words, 'words listed').to.be.at.least(6);
      // Listed words stay listed: listing again adds none.
      expect(await new PostingLists(db).listWords('course', { least: 1, most: 10_000, mostShare: 1 })).to.deep.equal({ words: 0, postings: 0 });
      // Written with the words listed: added, retitled, repriced and registered, deleted.
      await addCourses(2_001, 2_300);
      await db('courses').whereRaw('id % 7 = 0').update({ title: db.raw(`'beta alphanumeric ' || id`) });
      await db('courses').whereRaw('id % 11 = 0').update({ price: db.raw('price + 500'), registration_count: db.raw('registration_count + 1'), end_at: db.raw(`end_at + interval '1 day'`) });
      await db('courses').whereRaw('id % 13 = 0').del();
      const difference = await coursePostingsAgainstItems();
      expect({ missing: difference.missing, extra: difference.extra }).to.deep.equal({ missing: 0, extra: 0 });
      expect(difference.expected).to.be.above(4_000);

      const now = new Date();
      const courseQueries = fc.record({
        kind: fc.constant('course' as const),
        words: fc.constantFrom(['alph'], ['alpha'], ['alphab'], ['zeta', 'alph'], ['beta'], ['alpha', 'alphabet'], ['course', 'alphan'], ['alphabet', 'al']),
        status: fc.option(fc.constantFrom(...AVAILABILITY_STATUSES), { nil: undefined }),
        sort: fc.constantFrom(...OFFERING_SORTS),
        priceMin: fc.option(fc.integer({ min: 100, max: 600 }).map((n) => Money.parse(n * 100)), { nil: undefined }),
        limit: fc.constantFrom(1, 20),
        offset: fc.option(fc.constantFrom(0, 20, 100), { nil: undefined }),
        now: fc.constant(now),
      });
      await fc.assert(
        fc.asyncProperty(courseQueries, async (unbounded) => {
          const query = await postingsOf(await withStatusBounds(db, unbounded));
          expect(ids(await catalogue.listQuery(query, { plan: 'range', index: 'postings' }))).to.deep.equal(await expectedIds(unbounded));
          const [{ n }] = await db.from(postedMatches(db, query).select('id').as('matches')).count({ n: '*' });
          expect(Number(n)).to.equal(await expectedCount(unbounded));
        }),
        { numRuns: 60, seed: 20261207 },
      );
      // The postings are read in their index alone; the courses' table only for the page's texts.
      const { sql, bindings } = catalogue.listQuery(await postingsOf(await withStatusBounds(db, { kind: 'course', words: ['alph'], status: 'closed', sort: 'popular', limit: 20, now })), { plan: 'range', index: 'postings' }).toSQL();
      const plan = (await db.raw(`EXPLAIN ${sql}`, bindings)).rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
      expect(plan).to.match(/Index Only Scan using search_postings_pkey/);
      expect(plan).to.not.match(/(Seq Scan|Bitmap Heap Scan|Index Only Scan using \w+|Index Scan using (?!courses_pkey)\w+) on courses\b/);
      // A word none of whose completions is listed, or only some, has no postings to read.
      expect(await fresh.of({ kind: 'course', words: ['text', 'omega'], now })).to.deep.include({ lexemes: ['text'] });
      expect(await fresh.of({ kind: 'course', words: ['omega'], now })).to.equal(null);
    } finally {
      await db('courses').del();
      await db('search_posting_words').where({ catalogue: 'courses' }).del();
    }
  });

  function coursesAround(now: Date) {
    const at = (ms: number) => new Date(now.getTime() + ms);
    const item = (title: string, created: number, start: number, end: number) => ({ title: `${EVERYWHERE} ${title}`, description: 'item', price: '10000.00', created_at: at(created), start_at: at(start), end_at: at(end) });
    const add = async (items: ReturnType<typeof item>[]) => (await db('courses').insert(items).returning('id')).map((row: { id: string }) => Number(row.id));
    return { item, add };
  }

  it('walks the created sort for items closed from their latest creation, reading the few created later apart, in the page\'s order either way', async () => {
    // Courses, which this catalogue has none of, added for this test only (and deleted at its
    // end: the service's own walks read them).
    const trx = db;
    try {
      const now = new Date();
      const minute = 60_000;
      const day = 1_440 * minute;
      const { item, add } = coursesAround(now);
      // Items are created before they open, so the newest are upcoming and the closed ones were
      // created weeks ago; an item open for a minute closed an hour ago.
      await add(Array.from({ length: 300 }, (_, i) => item(`upcoming ${i}`, -i * minute, 10 * day, 12 * day)));
      await add(Array.from({ length: 200 }, (_, i) => item(`closed ${i}`, -40 * day - i * minute, -30 * day, -28 * day)));
      const [minuteWindow] = await add([item('closed minute', -2 * 60 * minute, -60 * minute, -59 * minute)]);
      // Created today, a window of last month (as if entered afterwards).
      const [createdLate] = await add([item('closed late', -60 * minute, -20 * day, -18 * day)]);
      const boundOf = async () => {
        const { creationBound } = await withStatusBounds(trx, { kind: 'course' as const, words: [], status: 'closed' as const, now });
        return { days: (Date.parse(creationBound?.latestCreated ?? '') - now.getTime()) / day, beyond: creationBound?.beyond.map(Number).sort((a, b) => a - b) };
      };
      // The latest start of a closed item is two days ago (the shortest window of the others):
      // none of them was created later, but the two named.
      expect(await boundOf()).to.deep.equal({ days: -2, beyond: [minuteWindow, createdLate] });

      const unbounded: CatalogueQuery = { kind: 'course', words: [EVERYWHERE], status: 'closed', sort: 'created', limit: 20, now };
      const pageOf = async (rows: Knex.QueryBuilder, query: SqlQuery) => ids(await rows.select('id').orderByRaw(readingOrder(query).sql).limit(query.limit + 1));
      const reference = (query: SqlQuery) => pageOf(afterCursor(filteredOfferings(trx, query), query), query);
      const expectSamePages = async (bounded: SqlQuery, label: string) => {
        const everything = await reference({ ...unbounded, limit: 1_000 });
        const last = everything.length - 1;
        const queries = [bounded, await cursorAtItem(trx, bounded, everything[1], 'next'), await cursorAtItem(trx, bounded, everything[last], 'previous'), await cursorAtItem(trx, bounded, everything[25], 'previous')];
        for (const query of queries) {
          const expected = await reference({ ...query, creationBound: undefined });
          const direction = `${label}, ${query.after ? `${query.after.direction} ${query.after.id}` : 'from the start'}`;
          expect(await pageOf(walkedOfferings(trx, query, 60), query), `walked, ${direction}`).to.deep.equal(expected);
          expect(await pageOf(collectedOfferings(trx, query), query), `collected, ${direction}`).to.deep.equal(expected);
          // Walks that stop short of the bound, going on while they find more: the items read
          // apart come after what they have not read yet, going backwards.
          for (const [walkBudget, limit] of [[1, 1], [2, 20], [5, 20]]) {
            const page = await catalogue.walkedPage({ ...query, limit }, { plan: 'walk', walkBudget, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 });
            if (page) expect(ids(page), `walks of ${walkBudget}, ${direction}`).to.deep.equal(await reference({ ...query, limit, creationBound: undefined }));
          }
        }
        return everything;
      };
      const bounded = await withStatusBounds(trx, unbounded);
      const everything = await expectSamePages(bounded, 'two named');
      expect(everything.slice(0, 2), 'the named ones are the newest closed').to.deep.equal([createdLate, minuteWindow]);
      // From the index's first entry, a walk spends its budget on the upcoming items.
      expect(await pageOf(walkedOfferings(trx, { ...bounded, creationBound: undefined }, 60), bounded)).to.deep.equal([]);

      // More items created after they started than a bound reads: the last one read bounds the
      // rest (two minutes after the start), those read before it are named where closed and
      // created later than the bound.
      await add(Array.from({ length: LATE_CREATIONS_READ }, (_, i) => item(`late ${i}`, -10 * day + (i + 1) * minute, -10 * day, -8 * day)));
      expect(await boundOf()).to.deep.equal({ days: -2 + 2 / 1_440, beyond: [minuteWindow, createdLate] });
      await expectSamePages(await withStatusBounds(trx, unbounded), 'many created late');
    } finally {
      await db('courses').del();
    }
  });

  it('walks the created sort for items closed through the short-lived items for the last 30 days, then the created index, in the page\'s order either way', async () => {
    // Courses, which this catalogue has none of, added for this test only (and deleted at its end).
    try {
      const now = new Date();
      const hour = 3_600_000;
      const day = 24 * hour;
      const { item, add } = coursesAround(now);
      // The newest are long-lived items created ahead of a window in two months: none has closed.
      await add(Array.from({ length: 300 }, (_, i) => item(`upcoming ${i}`, -i * 2 * hour, 40 * day, 60 * day)));
      // Among them, from 20 days back, items that lived less than 30 days: closed, and open now.
      const shortClosed = await add(Array.from({ length: 100 }, (_, i) => item(`short closed ${i}`, -20 * day - i * 2 * hour, -15 * day, -14 * day)));
      await add(Array.from({ length: 20 }, (_, i) => item(`short open ${i}`, -21 * day - i * 5 * hour, -day, 5 * day)));
      // At the border: created 30 days ago to the millisecond (in the created index), and just after.
      const [atBorder, afterBorder] = await add([item('border', -30 * day, -29 * day, -10 * day), item('after border', -30 * day + 1, -29 * day, -10 * day)]);
      // Closed items created long before their windows, and open ones created as long ago.
      await add(Array.from({ length: 100 }, (_, i) => item(`long closed ${i}`, -40 * day - i * 5 * hour, -12 * day, -11 * day)));
      await add(Array.from({ length: 50 }, (_, i) => item(`long open ${i}`, -40 * day - i * 7 * hour, -2 * day, 3 * day)));
      // Many long-lived items created between the short-lived ones and 30 days back.
      await add(Array.from({ length: 3_000 }, (_, i) => item(`long upcoming ${i}`, -29 * day + i * 100_000, 10 * day, 50 * day)));
      await db.raw('VACUUM (ANALYZE) courses');

      const unbounded: CatalogueQuery = { kind: 'course', words: [EVERYWHERE], status: 'closed', sort: 'created', limit: 20, now };
      const bounded = await withStatusBounds(db, unbounded);
      const pageOf = async (rows: Knex.QueryBuilder, query: SqlQuery) => ids(await rows.select('id').orderByRaw(readingOrder(query).sql).limit(query.limit + 1));
      const reference = (query: SqlQuery) => pageOf(afterCursor(filteredOfferings(db, query), query), { ...query, creationBound: undefined });
      const everything = await reference({ ...bounded, limit: 1_000 });
      expect(everything, 'every closed item').to.have.length(202);
      expect(everything.slice(99, 103), 'the short-lived, then those created 30 days ago or before').to.deep.equal([shortClosed[99], afterBorder, atBorder, everything[102]]);

      // A walk from the bound meets the short-lived items first: the long-lived items created
      // since are not in its range.
      expect(await pageOf(walkedOfferings(db, bounded, 40), bounded)).to.deep.equal(shortClosed.slice(0, 21));
      const { sql, bindings } = catalogue.listQuery(bounded, { plan: 'walk', walkBudget: 40 }).toSQL();
      const { rows } = await db.raw(`EXPLAIN ${sql}`, bindings);
      expect(rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n')).to.match(/Index Only Scan using courses_created_short_lived_idx/);

      // Past a cursor among the short-lived items, the created index is entered 30 days back,
      // not at the cursor: the long-lived items created between are not read.
      const pagesRead = await indexPagesRead(await cursorAtItem(db, bounded, shortClosed[90], 'next'), 40, 'courses_created_idx');
      expect(pagesRead, 'index pages read').to.be.within(1, 9);

      const queries = [bounded, ...(await Promise.all([
        cursorAtItem(db, bounded, everything[90], 'next'),
        cursorAtItem(db, bounded, afterBorder, 'next'),
        cursorAtItem(db, bounded, atBorder, 'previous'),
        cursorAtItem(db, bounded, everything[110], 'previous'),
        cursorAtItem(db, bounded, everything[201], 'previous'),
      ]))];
      for (const query of queries) {
        const label = query.after ? `${query.after.direction} ${query.after.id}` : 'from the start';
        const expected = await reference(query);
        expect(await pageOf(walkedOfferings(db, query, 1_000), query), `walked, ${label}`).to.deep.equal(expected);
        for (const [walkBudget, limit] of [[1, 1], [3, 20], [7, 5], [40, 20]]) {
          const page = await catalogue.walkedPage({ ...query, limit }, { plan: 'walk', walkBudget, collectCost: Infinity, rangeCost: Infinity, entryCost: 0.25 });
          expect(page && ids(page), `walks of ${walkBudget}, ${label}`).to.deep.equal(await reference({ ...query, limit }));
        }
      }
    } finally {
      await db('courses').del();
    }
  });

  it('walks the popular sort for items upcoming from where the counts are 0, reading the few with registrations apart, in the page\'s order either way', async () => {
    const now = new Date();
    const unbounded: CatalogueQuery = { kind: 'test', words: [EVERYWHERE], status: 'upcoming', sort: 'popular', limit: 20, now };
    const registered: number[] = (await db('tests').where('registration_count', '>', 0).where('start_at', '>', now).pluck('id')).map(Number);
    expect(registered.length, 'a few upcoming items have registrations').to.be.within(2, REGISTERED_UPCOMING_READ);
    const bounded = await withStatusBounds(db, unbounded);
    expect(bounded.registeredUpcoming?.map(Number)).to.have.members(registered);
    const lookup = registeredUpcomingItems(db, unbounded).toSQL();
    const { rows: lookupPlan } = await db.raw(`EXPLAIN (FORMAT JSON) ${lookup.sql}`, lookup.bindings);
    expect(JSON.stringify(lookupPlan[0]['QUERY PLAN']), 'found by the partial index, not by testing every item').to.include('"Index Name":"tests_registered_start_idx"');
    const expected = await expectedIds({ ...unbounded, limit: 60 });
    expect(expected.slice(0, registered.length), 'the registered ones come first').to.have.members(registered);
    // Thousands of items with registrations have started: a walk from the index's first entry
    // spends its budget on them and finds nothing; from the entries of no registrations, a page.
    const budget = 300;
    expect(ids(await catalogue.listQuery(unbounded, { plan: 'walk', walkBudget: budget }))).to.deep.equal([]);
    expect(ids(await catalogue.listQuery(bounded, { plan: 'walk', walkBudget: budget }))).to.deep.equal(expected.slice(0, 21));
    expect(await rowsWalked(bounded, budget)).to.be.at.most(budget);
    expect(await tableReads(bounded, budget), 'the table is read for the page, and for the registered ones by id').to.be.at.most(22);
    // From cursors inside the registered ones and past them, forwards and back.
    const first = await catalogue.list({ ...unbounded, limit: 60 });
    const at = (i: number, direction: 'next' | 'previous') => ({ sort: 'popular' as const, values: first.items[i].position.values, id: first.items[i].id, direction });
    const next = await catalogue.list({ ...unbounded, after: at(1, 'next') });
    expect(next.items.map((item) => item.id), 'next').to.deep.equal(expected.slice(2, 22));
    const back = await catalogue.list({ ...unbounded, after: at(registered.length + 10, 'previous') });
    expect(back.items.map((item) => item.id), 'previous').to.deep.equal(expected.slice(Math.max(0, registered.length - 10), registered.length + 10));
    const walkedBack = ids(await catalogue.listQuery({ ...bounded, after: at(registered.length + 10, 'previous') }, { plan: 'walk', walkBudget: budget }));
    expect(walkedBack.slice(0, 20).reverse(), 'previous, walked').to.deep.equal(back.items.map((item) => item.id));

    const trx = await db.transaction();
    try {
      const pageOf = async (rows: Knex.QueryBuilder, query: SqlQuery) => ids(await rows.select('id').orderByRaw(readingOrder(query).sql).limit(query.limit + 1));
      const reference = (query: SqlQuery) => pageOf(filteredOfferings(trx, query), query);
      // An item whose last registration was cancelled since the lookup is read once, among the others.
      await trx('tests').whereIn('id', registered.slice(0, 1)).update({ registration_count: 0 });
      expect(await pageOf(walkedOfferings(trx, bounded, budget), bounded), 'a registration cancelled since').to.deep.equal(await reference(unbounded));
      // More upcoming items with registrations than are read apart: the walk reads from the start.
      await trx('tests').whereIn('id', trx('tests').select('id').where('start_at', '>', now).where('registration_count', 0).orderBy('id').limit(REGISTERED_UPCOMING_READ)).update({ registration_count: 1 });
      const many = await withStatusBounds(trx, unbounded);
      expect(many.registeredUpcoming).to.equal(null);
      expect(await pageOf(walkedOfferings(trx, many, 100_000), many), 'many registered').to.deep.equal(await reference(unbounded));
    } finally {
      await trx.rollback();
    }
  });

  it('reads the start bounds of a status once for a list and the count after it', async () => {
    const boundsReads: string[] = [];
    const record = (query: { sql: string }) => {
      if (query.sql.includes('ORDER BY end_at - start_at')) boundsReads.push(query.sql);
    };
    db.on('query', record);
    try {
      const filter = { kind: 'test' as const, words: ['zzz'], status: 'closed' as const, now: new Date() };
      await catalogue.list({ ...filter, sort: 'popular', limit: 20, after: undefined });
      await catalogue.count(filter);
      expect(boundsReads).to.have.length(1);
      await catalogue.list({ ...filter, now: new Date(filter.now.getTime() + 1), sort: 'popular', limit: 20, after: undefined });
      expect(boundsReads, 'another instant has bounds of its own').to.have.length(2);
    } finally {
      db.off('query', record);
    }
  });

  it('looks the words of a search up once for a list and the count after it', () =>
    // Counts not cached, so that the count below is worked out and asks the vocabulary too.
    // Recorded: whether items hold the words together (a count that gathers looks its
    // completions up too, in a statement of its own).
    withRecordedStatements({ CATALOGUE_COUNT_CACHE_TTL: '0' }, (sql) => sql.startsWith('SELECT catalogue_search_possible'), async (service, lookups) => {
      // Two listed words, held together: asked whether items hold them together, not ruled out.
      const filter = { kind: 'test' as const, words: [LEFT_WORDS[0], EVERYWHERE], now: new Date() };
      expect((await service.list({ ...filter, sort: 'created', limit: 20 })).items).to.have.length(20);
      expect((await service.count(filter)).value).to.be.greaterThan(0);
      expect(lookups).to.have.length(1);
      await service.count({ ...filter, now: new Date(filter.now.getTime() + 1) });
      expect(lookups, 'another instant asks again').to.have.length(2);
    }));

  it('asks the planner for the share of a price range once for a list and the count after it', () =>
    // Counts not cached, so that the count below is worked out and narrowed by the range.
    withRecordedStatements({ CATALOGUE_COUNT_CACHE_TTL: '0', CATALOGUE_EXACT_COUNT_LIMIT: '0' }, (sql) => /^EXPLAIN .*\bprice >= /.test(sql), async (service, estimates) => {
      // A word of few matches, a price range, sorted by creation: the plan weighs reading the
      // range, and the count narrows the word's matches by it.
      const filter = { kind: 'test' as const, words: [LEFT_WORDS[3]], now: new Date(), priceMin: Money.parse(30_000), priceMax: Money.parse(40_000) };
      await service.list({ ...filter, sort: 'created', limit: 20 });
      expect((await service.count(filter)).estimated).to.equal(true);
      expect(estimates).to.have.length(1);
      await service.count({ ...filter, now: new Date(filter.now.getTime() + 1) });
      expect(estimates, 'another instant asks again').to.have.length(2);
    }));

  it('weighs the starts a status allows from its bound, and keeps that estimate for the lists after it', () =>
    withRecordedStatements({}, (sql) => /^EXPLAIN .*\bstart_at <= /.test(sql), async (service, estimates) => {
      const query: CatalogueQuery = { kind: 'test', words: [EVERYWHERE], status: 'available', sort: 'price_desc', limit: 20, now: new Date() };
      // Without its bound the range would be every start before now: it is not weighed at all.
      expect((await service.planner.choose(query)).rangeIndex).to.equal('price');
      expect(estimates).to.have.length(0);
      // A list reads the bound first; the range's estimate is then kept for the next ones.
      await service.list(query);
      expect(estimates).to.have.length(1);
      expect(estimates[0]).to.match(/start_at >= /);
      await service.list({ ...query, sort: 'popular', now: new Date(query.now.getTime() + 1) });
      expect(estimates).to.have.length(1);
    }));

  it('counts a list from its last page instead of estimating it', async () => {
    // Every count estimated, unless a page tells it.
    const estimating = createContainer(testConfig({ DATABASE_URL: plansDatabaseUrl(), CATALOGUE_EXACT_COUNT_LIMIT: '0' }), { logger: createLogger('silent') });
    try {
      const list = estimating.container.get(ListOfferingsHandler);
      // A common word above every price: estimated from the word's matches, found in no item.
      const filter = { kind: 'test' as const, words: ['beta'], priceMin: Money.parse(200_000), now: new Date() };
      expect((await estimating.container.get<PostgresOfferingCatalogue>(OFFERING_CATALOGUE).count(filter)).estimated, 'the estimate alone').to.equal(true);
      const first = await list.execute({ filter, sort: 'created', pageSize: 20, userId: 0 });
      expect(first.count).to.deep.equal({ value: 0, estimated: false });
      const byCursor = await list.execute({ filter, sort: 'price_asc', pageSize: 20, userId: 0, cursor: null });
      expect(byCursor.count).to.deep.equal({ value: 0, estimated: false });
      // The last page by number, whatever its position.
      const open = { kind: 'test' as const, words: ['alpha'], status: 'available' as const, now: new Date() };
      const [{ n }] = await filteredOfferings(db, await withStatusBounds(db, open)).count({ n: '*' });
      const last = await list.execute({ filter: open, sort: 'popular', pageSize: 20, userId: 0, page: Math.ceil(Number(n) / 20) });
      expect(last.count).to.deep.equal({ value: Number(n), estimated: false });
    } finally {
      await estimating.dispose();
    }
  });

  it('trusts the estimate of several words counted in the sample sooner than one multiplied from their shares', () =>
    withRecordedStatements({ CATALOGUE_EXACT_COUNT_LIMIT: '2000', CATALOGUE_COUNT_CACHE_TTL: '0' }, (sql) => sql.includes('"capped"'), async (counting, counts) => {
      const now = new Date();
      // About 5,000 items, more than one and a half times the limit: estimated, and nothing counted.
      const words = [LEFT_WORDS[0], EVERYWHERE];
      const common = await counting.count({ kind: 'test', words, now });
      const matches = await expectedCount({ kind: 'test', words, now, sort: 'created', limit: 1 });
      expect(common.estimated).to.equal(true);
      expect(common.value).to.be.within(matches * 0.8, matches * 1.2);
      expect(counts, 'capped counts').to.have.length(0);
      // Within the limit once narrowed by a price range: counted exactly.
      const filter = { kind: 'test' as const, words, now, priceMax: Money.parse(30_000) };
      expect(await counting.count(filter)).to.deep.equal({ value: await expectedCount({ ...filter, sort: 'created', limit: 1 }), estimated: false });
      expect(counts, 'capped counts').to.have.length(1);
    }));

  it('estimates the counts of a common word open now from the share of items open now, sampled once for them all', () =>
    // Every count estimated, none cached: each count below is worked out afresh.
    withRecordedStatements({ CATALOGUE_EXACT_COUNT_LIMIT: '0', CATALOGUE_COUNT_CACHE_TTL: '0' }, (sql) => sql.includes('TABLESAMPLE'), async (counting, samples) => {
      const now = new Date();
      for (const priceMax of [30_000, 55_000, 80_000, 100_000]) {
        const filter = { kind: 'test' as const, words: [EVERYWHERE], status: 'available' as const, now, priceMax: Money.parse(priceMax) };
        const count = await counting.count(filter);
        const exact = await expectedCount({ ...filter, sort: 'created', limit: 1 });
        expect(count.estimated, `up to ${priceMax}`).to.equal(true);
        expect(count.value, `up to ${priceMax}: ${exact} items`).to.be.within(exact / 2, exact * 2);
      }
      expect(samples).to.have.length(1);
    }));

  it('estimates the counts of items open now and of items closed from a sample, not as if their start and end were independent', () =>
    withRecordedStatements({ CATALOGUE_EXACT_COUNT_LIMIT: '0', CATALOGUE_COUNT_CACHE_TTL: '0' }, (sql) => sql.includes('TABLESAMPLE'), async (counting, samples) => {
      for (const status of ['available', 'closed'] as const) {
        const filter = { kind: 'test' as const, words: [], status, now: new Date() };
        const count = await counting.count(filter);
        const exact = await expectedCount({ ...filter, sort: 'created', limit: 1 });
        expect(count.estimated, status).to.equal(true);
        expect(count.value, `${status}: ${exact} items`).to.be.within(exact * 0.8, exact * 1.25);
      }
      expect(samples).to.have.length(2);
    }));

  it('estimates the count of a word of few matches with a price range as its matches narrowed by the range, not its matches alone', () =>
    // Every count estimated, none cached. (This catalogue's windows follow its words, so a
    // status would narrow them by a share that is not theirs.)
    withRecordedStatements({ CATALOGUE_EXACT_COUNT_LIMIT: '0', CATALOGUE_COUNT_CACHE_TTL: '0' }, () => false, async (counting) => {
      const now = new Date();
      const filters = [
        { kind: 'test' as const, words: [LEFT_WORDS[2]], now, priceMax: Money.parse(20_000) },
        { kind: 'test' as const, words: [RIGHT_WORDS[2]], now, priceMin: Money.parse(80_000) },
        { kind: 'test' as const, words: [RIGHT_WORDS[1]], now, priceMin: Money.parse(50_000), priceMax: Money.parse(55_000) },
      ];
      for (const filter of filters) {
        const count = await counting.count(filter);
        const exact = await expectedCount({ ...filter, sort: 'created', limit: 1 });
        expect(count.estimated).to.equal(true);
        expect(count.value, `${JSON.stringify(filter)}: ${exact} items`).to.be.within(exact / 2, exact * 2);
      }
    }));

  it('counts exactly what it collected, and falls back to an estimate when a count runs into the statement timeout', async () => {
    const query = await withStatusBounds(db, { kind: 'test' as const, words: ['delta'], status: 'available' as const, sort: 'created' as const, limit: 5, now: new Date() });
    const [collected] = await catalogue.listQuery(query, { plan: 'collect' });
    const [{ n }] = await filteredOfferings(db, query).count({ n: '*' });
    expect(Number(collected.total)).to.equal(Number(n));

    const strict = createContainer(testConfig({ DATABASE_URL: plansDatabaseUrl(), DB_STATEMENT_TIMEOUT: '200ms', CATALOGUE_EXACT_COUNT_LIMIT: '100000' }), {
      logger: createLogger('silent'),
    });
    try {
      const counting = strict.container.get<PostgresOfferingCatalogue>(OFFERING_CATALOGUE);
      const filter = { kind: 'test' as const, words: ['delta'], now: new Date(), priceMin: Money.parse('10000') };
      // Statistics are read once and kept; then every read of the table waits behind the lock.
      await counting.planner.selectivity.estimate('test', ['delta']);
      const count = await whileTableLocked(plansDatabaseUrl(), 'tests', () => counting.count(filter));
      expect(count.estimated).to.equal(true);
      expect(count.value).to.be.within(ITEMS / 8 / 2, ITEMS / 8 * 2);
    } finally {
      await strict.dispose();
    }
  });

  describe('with copies of the sort indexes for the items open around now', () => {
    const hour = 3_600_000;
    /** Window indexes for this catalogue of 40,000 tests, of which a few per cent are open now. */
    const everyTable = { ...OPEN_WINDOW_BOUNDS, leastRows: 0 };
    /** Keeps without building: only what ended, or failed, is dropped. */
    const noBuilding = { ...OPEN_WINDOW_BOUNDS, leastRows: Number.POSITIVE_INFINITY };
    const sortIndexesOf = (names: readonly string[]) => names.map((name) => /^tests_window_([a-z]+)_/.exec(name)?.[1]);
    const dropEveryWindow = () => new OpenWindowIndexes(db).keep('test', new Date(Date.now() + 1_000 * 24 * hour), noBuilding);

    afterEach(dropEveryWindow);

    it('builds a copy of each sort index but the start\'s, again when the newest covers less than half a day ahead, and drops those that ended', async () => {
      const keeper = new OpenWindowIndexes(db);
      const now = new Date();
      const first = await keeper.keep('test', now, everyTable);
      expect(sortIndexesOf(first.built)).to.have.members(['created', 'popular', 'price']);
      expect(await keeper.keep('test', new Date(now.getTime() + 11 * hour), everyTable), 'half a day ahead is still covered').to.deep.equal({ built: [], dropped: [] });
      const second = await keeper.keep('test', new Date(now.getTime() + 13 * hour), everyTable);
      expect(sortIndexesOf(second.built)).to.have.members(['created', 'popular', 'price']);
      expect(second.dropped, 'the first still covers the instant').to.deep.equal([]);
      const third = await keeper.keep('test', new Date(now.getTime() + 25 * hour), everyTable);
      expect(third.dropped).to.have.members(first.built);
      const left = (await windowIndexesOf(db, 'test')).filter((index) => second.built.includes(index.name));
      expect(left.map((index) => [index.valid, index.entries > 0])).to.deep.equal(second.built.map(() => [true, true]));
    });

    it('builds none for a table of fewer items than its least, or where the window holds more than its most share of them', async () => {
      const keeper = new OpenWindowIndexes(db);
      expect((await keeper.keep('test', new Date(), { ...everyTable, leastRows: ITEMS * 2 })).built).to.deep.equal([]);
      expect((await keeper.keep('test', new Date(), { ...everyTable, mostShare: 0.001 })).built).to.deep.equal([]);
      expect(await windowIndexesOf(db, 'test')).to.deep.equal([]);
    });

    it('drops the remains of a build that failed', async () => {
      // A unique index of the prices fails on their duplicates and leaves an invalid index behind.
      await db.raw('CREATE UNIQUE INDEX CONCURRENTLY tests_window_created_1_2 ON tests (price)').catch(() => undefined);
      expect((await windowIndexesOf(db, 'test')).map((index) => [index.name, index.valid])).to.deep.equal([['tests_window_created_1_2', false]]);
      expect((await new OpenWindowIndexes(db).keep('test', new Date(), noBuilding)).dropped).to.deep.equal(['tests_window_created_1_2']);
      expect(await windowIndexesOf(db, 'test')).to.deep.equal([]);
    });

    it('walks the copy for items open now, to the same items in the same order as the plain SQL, whatever the budget', async () => {
      const now = new Date();
      await new OpenWindowIndexes(db).keep('test', now, everyTable);
      const windows = new OpenWindows(db);
      let windowed = 0;
      await fc.assert(
        fc.asyncProperty(queries(now), fc.integer({ min: 1, max: 3_000 }), async (anyStatus, budget) => {
          const unbounded = { ...anyStatus, status: 'available' as const };
          const openWindow = await windows.of(unbounded);
          expect(openWindow !== null, unbounded.sort).to.equal(windowedIndexOf(unbounded.sort) !== null);
          if (!openWindow) return;
          windowed += 1;
          const query = { ...(await withStatusBounds(db, unbounded)), openWindow };
          const expected = await expectedIds(unbounded);
          const found = ids(await catalogue.listQuery(query, { plan: 'walk', walkBudget: budget }));
          expect(found).to.deep.equal(expected.slice(0, found.length));
          // A budget of every entry of the window reads the whole page.
          expect(ids(await catalogue.listQuery(query, { plan: 'walk', walkBudget: ITEMS }))).to.deep.equal(expected);
        }),
        { numRuns: 100, seed: 20261207 },
      );
      expect(windowed).to.be.above(50);
    });

    it('names the window in the walks of a service that lists it, which read its copy and answer the same pages', async () => {
      const now = new Date();
      await new OpenWindowIndexes(db).keep('test', now, everyTable);
      const query: CatalogueQuery = { kind: 'test', words: ['alpha'], status: 'available', sort: 'created', limit: 20, now };
      const openWindow = await new OpenWindows(db).of(query);
      expect(openWindow).to.not.equal(null);
      const windowScans = async (sqlQuery: SqlQuery) => (await walkScans(sqlQuery, 5_000)).map((scan) => scan['Index Name']).filter((name) => name?.startsWith('tests_window_'));
      const bounded = await withStatusBounds(db, query);
      // Each walk reads its own sort's copy, in order, not another copy sorted.
      for (const sort of ['created', 'popular', 'price_asc', 'price_desc'] as const) {
        const ownWindow = await new OpenWindows(db).of({ ...query, sort });
        const priced = { ...bounded, sort, priceMin: Money.parse(40_000), priceMax: Money.parse(60_000), openWindow: ownWindow! };
        expect(await windowScans(priced), sort).to.have.length(1).and.satisfy((names: string[]) => names[0].startsWith(`tests_window_${windowedIndexOf(sort)}_`));
      }
      expect(await windowScans(bounded), 'without the window named, the whole index').to.deep.equal([]);
      // A range read for the page (by price, by start) reads its own index, naming no window.
      const popularWindow = await new OpenWindows(db).of({ ...query, sort: 'popular' });
      for (const index of ['price', 'start'] as const) {
        const { sql } = catalogue.listQuery({ ...bounded, sort: 'popular', priceMin: Money.parse(40_000), openWindow: popularWindow! }, { plan: 'range', index }).toSQL();
        expect(sql, index).to.not.include('tstzrange(');
      }
      // Nor does a collect, whose conditions for items open now imply the window's start and end
      // but not its overlap.
      for (const words of [['alpha'], ['catalogue'], ['beta', 'rarity']]) {
        const collected = await bitmapIndexes({ ...bounded, words, priceMin: Money.parse(20_000), priceMax: Money.parse(60_000) });
        expect(collected.filter((name) => name.startsWith('tests_window_')), words.join(' ')).to.deep.equal([]);
      }
      await withRecordedStatements({}, (sql) => sql.includes(windowCondition(openWindow!)), async (service, recorded) => {
        for (const sort of ['created', 'popular', 'price_asc', 'price_desc'] as const) {
          for (const words of [['alpha'], ['beta', '입문'], ['gam']]) {
            const page = { ...query, sort, words, now: new Date() };
            expect((await service.list(page)).items.map((item) => item.id), `${sort} ${words.join(' ')}`).to.deep.equal((await expectedIds(page)).slice(0, 20));
          }
        }
        expect(recorded, 'statements naming the window').to.not.be.empty;
      });
    });
  });
});

describe('Bounded reads over HTTP', () => {
  it('runs every statement of the service with its timeout and work memory, and without JIT compilation', () =>
    withTestServer({ DB_STATEMENT_TIMEOUT: '1500ms', DB_WORK_MEM: '48MB' }, async (server) => {
      const setting = async (name: string) => (await server.db.raw(`SELECT current_setting(?) AS value`, [name])).rows[0].value;
      expect(await setting('statement_timeout')).to.equal('1500ms');
      expect(await setting('work_mem')).to.equal('48MB');
      expect(await setting('jit')).to.equal('off');
    }));

  it('answers a read that runs into the statement timeout with 503 query_timeout and Retry-After, never a hang or a 500, and logs it without credentials', async () => {
    const logs = new CapturedLogs('info');
    const server = await startTestServer({ DB_STATEMENT_TIMEOUT: '300ms' }, { logger: logs.logger });
    try {
      const user = await createUser(server.api);
      // A word some course holds, so that the courses must be read to answer.
      const word = uniqueName('slow');
      const id = await createOffering(server.db, 'course', { title: `${word} 입문` });
      await whileTableLocked(server.config.databaseUrl, 'courses', async () => {
        const started = Date.now();
        const res = await server.api.get(`/api/courses/?search=${word}`, { token: user.access });
        expect(res.status).to.equal(503);
        expect(res.body).to.include({ code: 'query_timeout', status: 503 });
        expect(res.headers.get('retry-after')).to.match(/^\d+$/);
        expect(Date.now() - started).to.be.below(5_000);
      });
      await whileTableLocked(server.config.databaseUrl, 'courses', async () => {
        const started = Date.now();
        // A detail takes no query parameters, and passes by those it is sent.
        const res = await server.api.get(`/api/courses/${id}/?access_token=SECRET-TOKEN`, { token: user.access });
        expect(res.status).to.equal(503);
        expect(res.body).to.include({ code: 'query_timeout', status: 503 });
        expect(res.headers.get('retry-after')).to.match(/^\d+$/);
        expect(Date.now() - started).to.be.below(5_000);
      });
      const logged = logs.lines.find((line) => line.msg === 'statement timeout');
      expect(logged, 'the timeout is logged').to.not.equal(undefined);
      expect(JSON.stringify(logs.lines)).to.not.include('SECRET-TOKEN');
      expect((await server.api.get('/api/courses/?page_size=1', { token: user.access })).status).to.equal(200);
    } finally {
      await server.running.close();
    }
  });

  it('tells a page too deep from a page past the last one by the items themselves where the count is an estimate', () =>
    // Every count estimated: the words' statistics know nothing of these items.
    withTestServer({ MAX_RESULT_WINDOW: '100', CATALOGUE_EXACT_COUNT_LIMIT: '0' }, async (server) => {
      const user = await createUser(server.api);
      const [few, many] = [uniqueName('few'), uniqueName('many')];
      for (let i = 0; i < 150; i += 1) await createOffering(server.db, 'course', { title: `${many} ${i}${i < 30 ? ` ${few}` : ''}` });
      const page = (words: string, n: number, size = 20) => server.api.get(`/api/courses/?search=${words}&page=${n}&page_size=${size}`, { token: user.access });
      // The count a deep page is told by (page 1 may count its matches on the way, where they are collected).
      const count = await server.running.app.container.get<OfferingCatalogue>(OFFERING_CATALOGUE).count({ kind: 'course', words: [many], now: new Date() });
      expect(count, 'the count is estimated, and far off').to.include({ estimated: true }).and.not.include({ value: 150 });
      // Read where the page starts, within two windows (200 items).
      const cases = [[many, 6, 20, 400], [many, 8, 20, 400], [many, 9, 20, 404], [many, 3, 50, 400], [many, 4, 50, 404], [few, 6, 20, 404], [few, 2, 99, 404]] as const;
      for (const [words, n, size, status] of cases) {
        const res = await page(words, n, size);
        expect(res.status, `${words === few ? 30 : 150} items, page ${n} of ${size}`).to.equal(status);
      }
      // Deeper, in a list that reaches 200 items, an estimate shown low by them is not trusted
      // with a 404: the page is too deep, and the client goes on by cursor.
      await server.db('courses').insert(Array.from({ length: 100 }, (_, i) => ({ title: `${many} more ${i}`, description: '', price: '1000.00', start_at: new Date(), end_at: new Date(Date.now() + 86_400_000) })));
      expect((await page(many, 13)).status, '250 items, page 13 of 20').to.equal(400);
      // Unless the page lies beyond every course there is: that is past the end of any list.
      const [{ largest }] = await server.db('courses').max({ largest: 'id' });
      const beyondAll = Math.floor(Number(largest) / 20) + 2;
      expect((await page(many, beyondAll)).status, `page ${beyondAll} of 20, past ${largest} courses in all`).to.equal(404);
      expect((await page(many, 1_000_000_000)).status).to.equal(404);
    }));

  it('refuses page numbers beyond the result window with 400 page_too_deep, keeps 404 past the last page, and serves the window itself', () =>
    withTestServer({ MAX_RESULT_WINDOW: '100' }, async (server) => {
      const user = await createUser(server.api);
      const marker = uniqueName('deep');
      for (let i = 0; i < 150; i += 1) await createOffering(server.db, 'course', { title: `${marker} ${i}` });
      const page = (n: number, extra = '') => server.api.get(`/api/courses/?search=${marker}&page=${n}${extra}`, { token: user.access });
      const cursorStart = () => server.api.get(`/api/courses/?search=${marker}&cursor=`, { token: user.access });

      const lastInWindow = await page(5);
      expect(lastInWindow.status).to.equal(200);
      expect(lastInWindow.body.results).to.have.length(20);
      // Its next link goes on by cursor, to the page after it, which the service serves.
      const next = new URL(lastInWindow.body.next);
      expect(next.searchParams.has('page')).to.equal(false);
      const onward = await server.api.get(next.pathname + next.search, { token: user.access });
      expect(onward.status).to.equal(200);
      // The same items as the sixth page read by cursor from the start.
      let byCursor: ApiResponse = await cursorStart();
      for (let n = 2; n <= 6; n += 1) byCursor = await server.api.get(new URL(byCursor.body.next).pathname + new URL(byCursor.body.next).search, { token: user.access });
      const ids = (res: ApiResponse) => res.body.results.map((item: { id: number }) => item.id);
      expect(ids(onward)).to.have.length(20);
      expect(ids(onward)).to.deep.equal(ids(byCursor));
      expect((await page(4)).body.next, 'a page whose next one is inside the window links it by number').to.match(/page=5/);
      for (const n of [6, 8]) {
        const res = await page(n);
        expect(res.status, `page ${n}`).to.equal(400);
        expect(res.body).to.include({ code: 'page_too_deep' });
        expect(res.body.detail).to.match(/cursor/);
      }
      expect((await page(9)).status).to.equal(404);
      expect((await page(3, '&page_size=50')).status, 'results 101-150 lie beyond a window of 100').to.equal(400);

      // Cursors reach every item.
      let url: string | null = `/api/courses/?search=${marker}&page_size=40&cursor=`;
      let seen = 0;
      while (url) {
        const res: ApiResponse = await server.api.get(url, { token: user.access });
        expect(res.status).to.equal(200);
        seen += res.body.results.length;
        url = res.body.next ? new URL(res.body.next).pathname + new URL(res.body.next).search : null;
      }
      expect(seen).to.equal(150);
    }));
});
