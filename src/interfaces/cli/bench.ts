import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import path from 'node:path';
import autocannon from 'autocannon';
import { ALL_OFFERING_KINDS, OFFERING_KINDS } from '../../domain/offering-kind';
import { loadConfig } from '../../infrastructure/config/config';
import { loadEnvFile } from '../../infrastructure/config/load-env-file';
import { createKnex } from '../../infrastructure/knex/create-knex';
import { SEED_PASSWORD, seedUserEmail } from '../../infrastructure/seed/seed-sizes';
import { exitOnUsageError, parseArgs, positiveInt } from './cli-args';
import { searchMix } from './search-mix';
import { runWriteLoadThroughACrash } from './crash-write-load';
import { runWriteLoad } from './write-load';
import { explainFailure } from '../explain-failure';
import { API_NODE_FLAGS } from '../http/runtime-flags';

const USAGE = `usage: npm run bench -- [--url http://127.0.0.1:8000] [--duration 10] [--connections 32] [--only "words,other words"]
                        [--deep-page 500] [--mix-connections 16] [--mix-seed 1] [--crash-port 18181] [--floor node|koa|off] [--out bench-results]

Runs HTTP load scenarios against a running server seeded with npm run seed, logged in as ${seedUserEmail(1)};
each after 2 s of warm-up requests that are not counted.
Page 1, the detail and the payment history also run against a minimal floor server doing the same
work (started here, in a process of its own), and the report gives the service's share of its req/s,
measured in three pairs of shorter runs, the floor then the service, back to back. --floor koa puts
the same work behind Koa, koa-jwt and @koa/router alone instead: the framework's share apart.`;

interface Scenario {
  readonly name: string;
  /** A fixed path, or one drawn per request. */
  readonly path: string | (() => string);
  /** Connections for this scenario, when not the run's default. */
  readonly connections?: number;
  /** The floor server answers it too: the report gives the service's req/s as a share of the floor's. */
  readonly floor?: boolean;
}

interface ScenarioResult {
  readonly scenario: string;
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  readonly requests: number;
  /** For scenarios whose paths vary: the slowest requests, slowest first. */
  readonly slowest?: ReadonlyArray<{ readonly path: string; readonly ms: number; readonly status: number }>;
  /**
   * The floor server's figures for the same scenario (medians of its runs), and the service's
   * req/s as a share of the floor's: the median of the shares measured in pairs of runs back to back.
   */
  readonly floor?: { readonly requestsPerSecond: number; readonly p99Ms: number; readonly share: number };
}

const SLOWEST_KEPT = 8;
/**
 * Requests sent before each scenario's measured run and not counted: a server's first requests
 * prepare its statements and warm its JIT and its caches of estimates, which a server that has
 * been serving has long done. (The search mix's warm-up takes URLs of its own: none is repeated.)
 */
const WARM_UP_SECONDS = 2;
const FLOOR_PAIRS = 3;

// Bodies of this service's JSON responses, read loosely: the benchmark only follows links and tokens.
type Json = Record<string, unknown> & { access?: string; next?: string | null; count?: number; count_is_estimate?: boolean };

async function api(baseUrl: string, pathname: string, init: RequestInit = {}): Promise<Json> {
  const response = await fetch(baseUrl + pathname, init).catch((error: Error & { cause?: { code?: string } }) => {
    throw new Error(`${baseUrl} did not answer (${error.cause?.code ?? error.message}); is the server running there? See --url.`);
  });
  if (response.status === 429) {
    throw new Error(`${init.method ?? 'GET'} ${pathname} answered 429: the server limits reads; benchmark one started with READS_PER_MINUTE=0 (and ANONYMOUS_READS_PER_MINUTE=0).`);
  }
  if (!response.ok) throw new Error(`${init.method ?? 'GET'} ${pathname} answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as Json;
}

/** Follows `next` cursor links from the start to the given page, untimed, and returns its path. */
async function cursorPathAtPage(baseUrl: string, token: string, listPath: string, page: number): Promise<string> {
  let url = `${listPath}?page_size=20&cursor=`;
  for (let i = 1; i < page; i += 1) {
    const body = await api(baseUrl, url, { headers: { authorization: `Bearer ${token}` } });
    if (!body.next) break;
    const next = new URL(body.next);
    url = next.pathname + next.search;
  }
  return url;
}

interface ScenarioOptions {
  readonly deepPage: number;
  readonly mixConnections: number;
  readonly mixSeed: number;
}

async function scenarios(baseUrl: string, token: string, options: ScenarioOptions): Promise<Scenario[]> {
  const { deepPage } = options;
  const list: Scenario[] = [];
  for (const kind of ALL_OFFERING_KINDS) {
    const plural = OFFERING_KINDS[kind].plural;
    const listPath = `/api/${plural}/`;
    const { count, count_is_estimate } = await api(baseUrl, `${listPath}?page_size=1`, { headers: { authorization: `Bearer ${token}` } });
    // Seeded ids are dense from 1; an estimated count may overshoot the last one by a little.
    const maxId = Math.max(1, Math.floor((count ?? 1) * (count_is_estimate ? 0.99 : 1)));
    list.push(
      { name: `${plural}: page 1`, path: listPath, floor: true },
      { name: `${plural}: page ${deepPage} (page number)`, path: `${listPath}?page=${deepPage}` },
      { name: `${plural}: page ${deepPage} (cursor)`, path: await cursorPathAtPage(baseUrl, token, listPath, deepPage) },
      { name: `${plural}: status=available`, path: `${listPath}?status=available` },
      { name: `${plural}: sort=popular`, path: `${listPath}?sort=popular` },
      { name: `${plural}: search common word`, path: `${listPath}?search=Python` },
      { name: `${plural}: search rare word`, path: `${listPath}?search=Haskell` },
      { name: `${plural}: search + status + sort`, path: `${listPath}?search=${encodeURIComponent('Python 기초')}&status=available&sort=popular` },
      { name: `${plural}: detail by id`, path: () => `${listPath}${1 + Math.floor(Math.random() * maxId)}/`, floor: true },
    );
  }
  list.push({ name: 'me/payments (user with many payments)', path: '/api/me/payments/', floor: true });
  list.push({ name: 'search mix (words, status, sort, price; no repeats)', path: searchMix(options.mixSeed), connections: options.mixConnections });
  return list;
}

async function run(baseUrl: string, token: string, scenario: Scenario, duration: number, connections: number, warmUpSeconds = 0): Promise<ScenarioResult> {
  const { path: target } = scenario;
  // Without a callback autocannon returns its event emitter, made awaitable; it reports the
  // requests of the warm-up apart (`warmup`), and its events are of the measured run only.
  const instance = autocannon({
    url: baseUrl,
    connections,
    duration,
    ...(warmUpSeconds > 0 ? { warmup: { connections, duration: warmUpSeconds } } : {}),
    headers: { authorization: `Bearer ${token}` },
    requests: [typeof target === 'string' ? { method: 'GET', path: target } : { method: 'GET', setupRequest: (request) => ({ ...request, path: target() }) }],
  }) as unknown as autocannon.Instance & PromiseLike<autocannon.Result>;
  const slowest: Array<{ path: string; ms: number; status: number }> = [];
  if (typeof target !== 'string') {
    // A connection sends its next request only after this event, so its current one is the one answered.
    instance.on('response', (client, status, _bytes, ms) => {
      const request = (client as unknown as { requestIterator: { currentRequest: { requestBuffer: Buffer } } }).requestIterator.currentRequest;
      const path = request.requestBuffer.toString('latin1', 0, 2048).split(' ')[1] ?? '?';
      if (slowest.length < SLOWEST_KEPT || ms > slowest[slowest.length - 1].ms) {
        slowest.push({ path: decodeURIComponent(path), ms: Math.round(ms), status });
        slowest.sort((a, b) => b.ms - a.ms).splice(SLOWEST_KEPT);
      }
    });
  }
  const result = await instance;
  return {
    scenario: scenario.name,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    errors: result.errors + result.timeouts + result.non2xx,
    requests: result.requests.total,
    ...(typeof target === 'string' ? {} : { slowest }),
  };
}

function markdown(results: readonly ScenarioResult[], meta: Record<string, string | number>): string {
  const lines = [
    `Benchmark — ${Object.entries(meta).map(([k, v]) => `${k}: ${v}`).join(', ')}`,
    '',
    '| scenario | req/s | p50 ms | p90 ms | p99 ms | max ms | errors | floor req/s | share of floor |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...results.map(
      (r) =>
        `| ${r.scenario} | ${r.requestsPerSecond} | ${r.p50Ms} | ${r.p90Ms} | ${r.p99Ms} | ${r.maxMs} | ${r.errors} | ${r.floor?.requestsPerSecond ?? ''} | ${shareOfFloor(r)} |`,
    ),
    ...results
      .filter((r) => r.slowest?.length)
      .flatMap((r) => ['', `Slowest requests of ${r.scenario}:`, '', ...r.slowest!.map((s) => `- ${s.ms} ms (${s.status}) \`${s.path}\``)]),
  ];
  return `${lines.join('\n')}\n`;
}

const shareOfFloor = (r: ScenarioResult): string => (r.floor ? `${Math.round(100 * r.floor.share)} %` : '');

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * The floor's figures and the service's share of them, from pairs of short runs back to back —
 * the floor, then the service — whose shares are taken as a median: this machine's speed drifts
 * from one run to the next, and a ratio of two runs far apart would measure the drift as well.
 */
async function againstTheFloor(floorUrl: string, serviceUrl: string, token: string, scenario: Scenario, duration: number, connections: number): Promise<NonNullable<ScenarioResult['floor']>> {
  // The service has just run the scenario; the floor is warmed up before its first run.
  const seconds = Math.max(WARM_UP_SECONDS, Math.round(duration / FLOOR_PAIRS));
  const pairs: Array<{ floor: ScenarioResult; service: ScenarioResult }> = [];
  for (let i = 0; i < FLOOR_PAIRS; i += 1) {
    const floor = await run(floorUrl, token, scenario, seconds, connections, i === 0 ? WARM_UP_SECONDS : 0);
    pairs.push({ floor, service: await run(serviceUrl, token, scenario, seconds, connections) });
  }
  return {
    requestsPerSecond: median(pairs.map((pair) => pair.floor.requestsPerSecond)),
    p99Ms: median(pairs.map((pair) => pair.floor.p99Ms)),
    share: median(pairs.map((pair) => pair.service.requestsPerSecond / Math.max(1, pair.floor.requestsPerSecond))),
  };
}

/** Starts the floor server in a process of its own and resolves with its URL (its first line). */
async function startFloor(framework: string): Promise<{ readonly url: string; stop(): void }> {
  let root = __dirname;
  while (!existsSync(path.join(root, 'package.json'))) root = path.dirname(root);
  const child = spawn(process.execPath, [...API_NODE_FLAGS, path.join(root, 'scripts/run-entry.cjs'), 'interfaces/cli/floor', '--framework', framework], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done || !/^http:/.test(first.value)) throw new Error('the floor server did not start');
  return { url: first.value, stop: () => child.kill('SIGTERM') };
}

function reportViolations(what: string, violations: readonly string[]): void {
  if (violations.length === 0) return void console.log(`${what}: all hold`);
  console.error(`${what} VIOLATED:\n${violations.join('\n')}`);
  process.exitCode = 3;
}

function tallyDecisions(entries: ReadonlyArray<{ decision: string }>): Record<string, number> {
  const tally: Record<string, number> = {};
  for (const { decision } of entries) tally[decision] = (tally[decision] ?? 0) + 1;
  return tally;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2), ['url', 'duration', 'connections', 'only', 'deep-page', 'mix-connections', 'mix-seed', 'crash-port', 'floor', 'out', 'help']);
  if (args.has('help')) return void console.log(USAGE);
  const baseUrl = (args.get('url') ?? 'http://127.0.0.1:8000').replace(/\/$/, '');
  const duration = positiveInt(args, 'duration', 10);
  const connections = positiveInt(args, 'connections', 32);
  const scenarioOptions: ScenarioOptions = {
    deepPage: positiveInt(args, 'deep-page', 500),
    mixConnections: positiveInt(args, 'mix-connections', 16),
    mixSeed: positiveInt(args, 'mix-seed', 1),
  };
  const outDir = path.resolve(args.get('out') ?? 'bench-results');

  // Comma-separated parts of scenario names: `--only "page 1,detail"`.
  const onlyParts = args.get('only')?.toLowerCase().split(',').map((part) => part.trim()).filter(Boolean);
  const only = onlyParts && onlyParts.length > 0 ? (name: string) => onlyParts.some((part) => name.toLowerCase().includes(part)) : null;
  const writesWanted = !only || only('writes: register + cancel');
  const crashWanted = !only || only('writes through a crash');
  const results: ScenarioResult[] = [];
  // The crash run starts an API of its own: the server at --url is needed only for the others.
  if (!only || !crashWanted || writesWanted) {
    const { access } = (await api(baseUrl, '/api/auth/login/', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: seedUserEmail(1), password: SEED_PASSWORD }),
    })) as { access: string };
    const selected = (await scenarios(baseUrl, access, scenarioOptions)).filter((s) => !only || only(s.name));
    const framework = args.get('floor') ?? 'node';
    if (!['node', 'koa', 'off'].includes(framework)) throw new Error('--floor is node, koa or off');
    const floor = framework !== 'off' && selected.some((s) => s.floor) ? await startFloor(framework) : null;
    try {
      for (const scenario of selected) {
        const scenarioConnections = scenario.connections ?? connections;
        process.stdout.write(`running ${scenario.name} for ${duration} s with ${scenarioConnections} connections, after ${WARM_UP_SECONDS} s of warm-up…\n`);
        const result = await run(baseUrl, access, scenario, duration, scenarioConnections, WARM_UP_SECONDS);
        if (!floor || !scenario.floor) {
          results.push(result);
          continue;
        }
        process.stdout.write(`running ${scenario.name} against the floor server and the service, in turn…\n`);
        results.push({ ...result, floor: await againstTheFloor(floor.url, baseUrl, access, scenario, duration, scenarioConnections) });
      }
    } finally {
      floor?.stop();
    }
  }
  if (writesWanted || crashWanted) {
    loadEnvFile();
    const config = loadConfig();
    const db = createKnex(config.databaseUrl, 2);
    try {
      if (writesWanted) {
        process.stdout.write(`running writes: register + cancel for ${duration} s with ${connections} connections…\n`);
        const writes = await runWriteLoad({ baseUrl, db, users: 200, connections, durationSeconds: duration });
        results.push({ scenario: 'writes: register + cancel (200 users, 400 open items)', ...writes });
        console.log(`write statuses: ${JSON.stringify(writes.statuses)}`);
        reportViolations('registration invariants', writes.invariantViolations);
      }
      if (crashWanted) {
        const crashPort = positiveInt(args, 'crash-port', 18_181);
        process.stdout.write(`running writes through a crash: an API of its own on port ${crashPort}, killed with SIGKILL halfway through ${duration} s…\n`);
        const crashed = await runWriteLoadThroughACrash({ config, db, port: crashPort, users: 200, connections, durationSeconds: duration });
        results.push({ scenario: 'writes through a crash (SIGKILL halfway, restart, reconcile)', ...crashed });
        console.log(`crash run statuses: ${JSON.stringify(crashed.statuses)}; reconciled: ${JSON.stringify(tallyDecisions(crashed.reconciled))}`);
        reportViolations('registration invariants after the crash', crashed.invariantViolations);
        reportViolations('money invariants after the crash (charges, refunds, payments, registrations, counts)', crashed.moneyViolations);
      }
    } finally {
      await db.destroy();
    }
  }
  console.table(
    results.map((r) => ({
      scenario: r.scenario,
      'req/s': r.requestsPerSecond,
      'p50 ms': r.p50Ms,
      'p90 ms': r.p90Ms,
      'p99 ms': r.p99Ms,
      'max ms': r.maxMs,
      errors: r.errors,
      'floor req/s': r.floor?.requestsPerSecond ?? '',
      'of floor': shareOfFloor(r),
    })),
  );
  for (const r of results.filter((result) => result.slowest?.length)) {
    console.log(`slowest requests of ${r.scenario}:\n${r.slowest!.map((s) => `  ${s.ms} ms (${s.status}) ${s.path}`).join('\n')}`);
  }

  const meta = { date: new Date().toISOString(), url: baseUrl, duration_s: duration, connections };
  mkdirSync(outDir, { recursive: true });
  const stamp = meta.date.replace(/[:.]/g, '-');
  writeFileSync(path.join(outDir, `bench-${stamp}.json`), `${JSON.stringify({ ...meta, results }, null, 2)}\n`);
  writeFileSync(path.join(outDir, `bench-${stamp}.md`), markdown(results, meta));
  writeFileSync(path.join(outDir, 'latest.md'), markdown(results, meta));
  console.log(`results written to ${path.relative(process.cwd(), outDir)}/bench-${stamp}.{json,md}`);
}

main().catch((error: unknown) => {
  exitOnUsageError(error, 'bench', USAGE);
  console.error(`bench failed: ${explainFailure(error)}`);
  process.exit(1);
});
