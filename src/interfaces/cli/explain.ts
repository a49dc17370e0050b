import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import { type CatalogueQuery, OFFERING_CATALOGUE, OFFERING_SORTS, type OfferingCatalogue } from '../../application/ports/offering-catalogue';
import { AVAILABILITY_STATUSES as ALL_STATUSES } from '../../domain/availability-window';
import { Money } from '../../domain/money';
import { PAYMENT_HISTORY, type PaymentHistory } from '../../application/ports/payment-history';
import { REGISTRATION_LOOKUP, type RegistrationLookup } from '../../application/ports/registration-lookup';
import { ALL_OFFERING_KINDS, OFFERING_KINDS, type OfferingKind } from '../../domain/offering-kind';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createContainer } from '../../infrastructure/container/create-container';
import { KNEX } from '../../infrastructure/knex/create-knex';
import { KnexPaymentHistory } from '../../infrastructure/knex/knex-payment-history';
import { KnexRegistrationLookup } from '../../infrastructure/knex/knex-registration-lookup';
import { createLogger } from '../../infrastructure/logging/logger';
import { seedUserEmail } from '../../infrastructure/seed/seed-sizes';
import { planDependsOnValues, withStatusBounds } from '../../infrastructure/search/postgres/catalogue-sql';
import { PostgresOfferingCatalogue, type WalkReader } from '../../infrastructure/search/postgres/postgres-offering-catalogue';
import { COURSE_NOUNS, TEST_NOUNS } from '../../infrastructure/seed/seed-vocabulary';
import { UsageError, exitOnUsageError, parseArgs, positiveInt } from './cli-args';
import { explainFailure } from '../explain-failure';

const DEFAULT_DEEP_PAGE = 500;
const PAGE_SIZE = 20;
const USAGE = `usage: npm run explain -- [--deep-page 500] [--out explain-results]

Writes the EXPLAIN (ANALYZE, BUFFERS) of every class of query to --out/explain.md, and exits 3 if
any scans a large table sequentially. A deep page is read by page number and by cursor: the page
given, or without --deep-page the deepest page of each kind up to ${DEFAULT_DEEP_PAGE}.`;
const LARGE_TABLES = ['tests', 'courses', 'payments'];
/** A word in a fifth of the seeded titles of the kind. */
const commonNoun = (kind: OfferingKind): string => (kind === 'test' ? TEST_NOUNS : COURSE_NOUNS)[0];

interface Explained {
  readonly scenario: string;
  readonly sql: string;
  readonly plan: string;
  readonly milliseconds: number;
  readonly seqScans: string[];
  /** Rows the statement returned. */
  readonly rows: number;
}

async function explain(db: Knex, scenario: string, query: Knex.QueryBuilder): Promise<Explained> {
  const { sql, bindings } = query.toSQL();
  const { rows } = await db.raw(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, bindings);
  const plan = rows.map((row: Record<string, string>) => row['QUERY PLAN']).join('\n');
  const seqScans = LARGE_TABLES.filter((table) => new RegExp(`Seq Scan on ${table}\\b`).test(plan));
  const milliseconds = Number(/Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? NaN);
  const rowsReturned = Number(/\(actual time=[\d.]+\.\.[\d.]+ rows=(\d+)/.exec(plan)?.[1] ?? NaN);
  return { scenario, sql: db.raw(sql, bindings).toString(), plan, milliseconds, seqScans, rows: rowsReturned };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['deep-page', 'out', 'help']);
  if (args.has('help')) return void console.log(USAGE);
  const askedDeepPage = args.has('deep-page') ? positiveInt(args, 'deep-page', DEFAULT_DEEP_PAGE) : null;
  const outDir = path.resolve(args.get('out') ?? 'explain-results');

  loadEnvFile();
  const config = loadConfig();
  const app = createContainer(config, { logger: createLogger('warn') });
  const db = app.container.get<Knex>(KNEX);
  const catalogue = app.container.get<OfferingCatalogue>(OFFERING_CATALOGUE);
  const history = app.container.get<PaymentHistory>(PAYMENT_HISTORY);
  const lookup = app.container.get<RegistrationLookup>(REGISTRATION_LOOKUP);
  if (!(catalogue instanceof PostgresOfferingCatalogue) || !(history instanceof KnexPaymentHistory) || !(lookup instanceof KnexRegistrationLookup)) {
    throw new Error('explain shows PostgreSQL plans: run it with SEARCH_ENGINE=postgres');
  }
  try {
    const user = await db('users').where({ email: seedUserEmail(1) }).first('id');
    if (!user) throw new Error('no seeded data: run npm run seed first');
    const now = new Date();
    const deepPages: Array<[OfferingKind, number]> = [];
    for (const kind of ALL_OFFERING_KINDS) {
      const plural = OFFERING_KINDS[kind].plural;
      const deepPage = await deepestPage(catalogue, { kind, words: [], now, sort: 'created', limit: PAGE_SIZE }, askedDeepPage ?? DEFAULT_DEEP_PAGE);
      if (deepPage === 0) throw new Error(`no ${plural} to explain: run npm run seed first`);
      if (askedDeepPage !== null && deepPage < askedDeepPage) {
        throw new UsageError(`page ${askedDeepPage} of ${plural} does not exist: the last is page ${deepPage}; pass a smaller --deep-page, or leave it out`);
      }
      if (askedDeepPage === null) {
        console.log(`${plural}: deep page ${deepPage}${deepPage < DEFAULT_DEEP_PAGE ? `, the last there is (fewer than ${DEFAULT_DEEP_PAGE} pages of ${PAGE_SIZE})` : ''}`);
      }
      deepPages.push([kind, deepPage]);
    }
    const results: Explained[] = [];
    for (const [kind, deepPage] of deepPages) {
      const plural = OFFERING_KINDS[kind].plural;
      const base = (overrides: Partial<CatalogueQuery> = {}): CatalogueQuery => ({ kind, words: [], now, sort: 'created', limit: PAGE_SIZE, ...overrides });
      const deepOffset = (deepPage - 1) * PAGE_SIZE;
      // The cursor of the deep page: the last item of the page before it.
      const [atDepth] = await catalogue.list({ ...base(), offset: Math.max(deepOffset - 1, 0), limit: 1 }).then((slice) => slice.items);
      const scenarios: Array<[string, CatalogueQuery]> = [
        ['page 1', base()],
        [`page ${deepPage} (page number)`, base({ offset: deepOffset })],
        [`page ${deepPage} (cursor)`, base({ after: { sort: 'created', values: atDepth.position.values, id: atDepth.id, direction: 'next' } })],
        ['sort=popular', base({ sort: 'popular' })],
        ...ALL_STATUSES.flatMap((status) => OFFERING_SORTS.map((sort): [string, CatalogueQuery] => [`status=${status}, sort=${sort}`, base({ status, sort })])),
        ['search common word', base({ words: ['Python'] })],
        ['search rare word', base({ words: ['Haskell'] })],
        ['search rare word + status + price range', base({ words: ['Elixir'], status: 'closed', priceMin: Money.parse('20000'), priceMax: Money.parse('150000'), sort: 'created' })],
        ['search prefix', base({ words: ['Kube'] })],
        ['search two words that co-occur', base({ words: ['Python', '기초'] })],
        ['search two words that never do', base({ words: ['중급', '실전'], sort: 'created' })],
        ['search + status + sort', base({ words: ['Python', '기초'], status: 'available', sort: 'popular' })],
        ['search two words, status=upcoming, sort=popular', base({ words: ['Python', '기초'], status: 'upcoming', sort: 'popular' })],
        ...ALL_STATUSES.flatMap((status) =>
          OFFERING_SORTS.map((sort): [string, CatalogueQuery] => [`search common noun, status=${status}, sort=${sort}`, base({ words: [commonNoun(kind)], status, sort })]),
        ),
        ['search + price range', base({ words: ['Kotlin'], priceMin: Money.parse('44000'), priceMax: Money.parse('45000'), sort: 'popular' })],
        ['common word + status + narrow price range', base({ words: [commonNoun(kind)], status: 'closed', priceMin: Money.parse('99000'), priceMax: Money.parse('100000'), sort: 'created' })],
        ['price range + status, sort=price_asc', base({ status: 'available', priceMin: Money.parse('44000'), priceMax: Money.parse('46000'), sort: 'price_asc' })],
      ];
      for (const [name, unbounded] of scenarios) {
        const query = await withStatusBounds(db, unbounded);
        if (!planDependsOnValues(query)) {
          // With the caller's registrations among the page, read in the same statement.
          results.push(await explain(db, `${plural}: ${name}`, catalogue.plainQuery({ ...query, viewerId: user.id })));
          continue;
        }
        // The plan the service would run: none for words no item holds, alone or together; else a
        // walk, which goes on from its last match while that pays, or is followed by a collect or
        // a range (of prices, starts, ends, or a listed word's postings) when it falls short.
        const looked = await catalogue.vocabulary.lookUp(query);
        if (looked.unmatchable) {
          results.push({ scenario: `${plural}: ${name} [the vocabulary rules it out: nothing read]`, sql: '', plan: '', milliseconds: 0, seqScans: [], rows: 0 });
          continue;
        }
        const posted = await catalogue.postings.of(query);
        const choice = await catalogue.planner.choose(query, posted);
        const explainWalk: WalkReader = async (walk, by) => {
          const label = walk === query ? `walk ≤ ${by.walkBudget} rows` : `walk ran out; went on ≤ ${by.walkBudget} rows`;
          results.push(await explain(db, `${plural}: ${name} [${label}]`, catalogue.listQuery(walk, by)));
          return catalogue.listQuery(walk, by);
        };
        const walked = choice.plan === 'walk' ? await catalogue.walkedPage(query, choice, explainWalk) : null;
        const ranOut = choice.plan === 'walk' ? 'walk ran out; ' : '';
        if (!walked && (choice.plan === 'range' || choice.rangeCost < choice.collectCost)) {
          const ranged = posted ? { ...query, posted: posted.lexemes } : query;
          results.push(await explain(db, `${plural}: ${name} [${ranOut}${choice.rangeIndex} range]`, catalogue.listQuery(ranged, { plan: 'range', index: choice.rangeIndex })));
        } else if (!walked) {
          const ranges = await catalogue.planner.bitmapRanges(looked);
          results.push(await explain(db, `${plural}: ${name} [${ranOut}collect]`, catalogue.listQuery(looked, { plan: 'collect', ranges })));
        }
      }
      results.push(await explain(db, `${plural}: detail by id`, catalogue.detailQuery(kind, atDepth.id, user.id)));
      // A filtered page looks up the caller's registrations among its items apart.
      const pageIds = (await catalogue.list(base({ words: ['Python'] }))).items.map((item) => item.id);
      results.push(await explain(db, `${plural}: is_registered for a filtered page`, lookup.query(kind, user.id, pageIds)));
    }
    results.push(await explain(db, 'me/payments: page 1 with its count', history.listQuery(user.id, { words: [] }, 0, 20)));
    results.push(await explain(db, 'me/payments: search + status, with its count', history.listQuery(user.id, { words: ['Python'], status: 'paid' }, 0, 20)));

    mkdirSync(outDir, { recursive: true });
    const flagged = results.filter((r) => r.seqScans.length > 0);
    const report = [
      `# EXPLAIN (ANALYZE, BUFFERS) — ${now.toISOString()}`,
      '',
      '| scenario | execution ms | sequential scan on a large table |',
      '|---|---:|---|',
      ...results.map((r) => `| ${r.scenario} | ${r.milliseconds.toFixed(2)} | ${r.seqScans.length ? `**${r.seqScans.join(', ')}**` : 'none'} |`),
      '',
      ...results.flatMap((r) => [`## ${r.scenario}`, '', '```sql', r.sql, '```', '', '```', r.plan, '```', '']),
    ].join('\n');
    writeFileSync(path.join(outDir, 'explain.md'), report);
    console.table(results.map((r) => ({ scenario: r.scenario, 'execution ms': Number(r.milliseconds.toFixed(2)), 'seq scan': r.seqScans.join(', ') || 'none' })));
    console.log(`plans written to ${path.relative(process.cwd(), path.join(outDir, 'explain.md'))}`);
    if (flagged.length > 0) {
      console.error(`sequential scans on large tables in: ${flagged.map((r) => r.scenario).join('; ')}`);
      process.exitCode = 3;
    }
  } finally {
    await app.dispose();
  }
}

/** The deepest page from 1 up to `atMost` with an item on it, 0 when there is none: a binary search of page-number reads. */
async function deepestPage(catalogue: OfferingCatalogue, query: CatalogueQuery, atMost: number): Promise<number> {
  const exists = async (page: number): Promise<boolean> => (await catalogue.list({ ...query, offset: (page - 1) * PAGE_SIZE, limit: 1 })).items.length > 0;
  if (await exists(atMost)) return atMost;
  let [found, missing] = [0, atMost];
  while (missing - found > 1) {
    const page = Math.floor((found + missing) / 2);
    if (await exists(page)) found = page;
    else missing = page;
  }
  return found;
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'explain', USAGE);
  console.error(`explain failed: ${explainFailure(error)}`);
  process.exit(1);
});
