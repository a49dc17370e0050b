import { readFileSync } from 'node:fs';
import Joi from 'joi';
import { parseDurationMs, parseDurationSeconds } from './duration';
import { FAILPOINT_NAMES } from '../../application/ports/failpoints';

/** The one place that reads the environment. Everything else receives a `Config`. */
export interface Config {
  readonly nodeEnv: 'development' | 'test' | 'production';
  readonly port: number;
  readonly databaseUrl: string;
  readonly dbPoolMax: number;
  /** Statements of the service running longer than this are stopped (0: never). */
  readonly dbStatementTimeoutMs: number;
  /** PostgreSQL's `work_mem` on the service's connections, e.g. `32MB`. */
  readonly dbWorkMem: string;
  readonly redisUrl: string;
  /**
   * Put before every Redis key of this deployment (caches, locks, throttles, queues), so that
   * deployments sharing a Redis database never read each other's keys.
   */
  readonly redisKeyPrefix: string;
  /** argon2id memory of new password hashes, in KiB (OWASP's 19,456 at least in production). */
  readonly passwordHashMemoryKib: number;
  readonly jwt: {
    readonly secret: string;
    readonly issuer: string;
    readonly audience: string;
    readonly accessTtlSeconds: number;
    readonly refreshTtlSeconds: number;
    /** How long after a login its session can be refreshed, however often it is rotated. */
    readonly refreshFamilyTtlSeconds: number;
  };
  readonly loginThrottle: {
    readonly maxFailuresPerAccountAndIp: number;
    readonly maxFailuresPerAccount: number;
    readonly maxFailuresPerIp: number;
    readonly windowSeconds: number;
  };
  readonly signUpThrottle: {
    readonly maxPerIp: number;
    readonly windowSeconds: number;
  };
  readonly rateLimits: {
    /** Apply / enroll requests one user may make per minute. */
    readonly registrationsPerMinute: number;
    /** Authenticated reads one user may make per minute (0: unlimited). */
    readonly readsPerMinute: number;
    /** Reads without a token one address may make per minute (0: unlimited). */
    readonly anonymousReadsPerMinute: number;
  };
  /** Origins allowed to call the API from a browser; empty disables CORS, `*` allows any. */
  readonly corsOrigins: readonly string[];
  /**
   * The host names requests may name (`Host`, or `X-Forwarded-Host` behind a trusted proxy), as
   * Django's `ALLOWED_HOSTS`: a name, `.example.com` for it and its subdomains, or `*`. Empty: any.
   */
  readonly allowedHosts: readonly string[];
  readonly lock: {
    readonly waitMs: number;
    readonly leaseMs: number;
  };
  readonly catalogueCount: {
    readonly exactUpTo: number;
    readonly cacheSeconds: number;
  };
  /** Page numbers reach this many results of a list; cursors reach all. */
  readonly maxResultWindow: number;
  readonly searchEngine: 'postgres' | 'meilisearch';
  readonly meilisearchUrl: string | null;
  readonly meilisearchApiKey: string | null;
  readonly searchSync: {
    readonly indexPrefix: string;
    readonly batchSize: number;
    readonly intervalMs: number;
    readonly maxAttempts: number;
    readonly workerConcurrency: number;
  };
  /** A payment failpoint that kills the process when reached (tests of crash safety only). */
  readonly failpoint: string | null;
  readonly reconcile: {
    /** Payments unsettled for this long are settled by the reconciler (commands finish sooner). */
    readonly afterMs: number;
    readonly everyMs: number;
  };
  /** How often the worker purges expired idempotency records and refresh tokens. */
  readonly housekeepingIntervalMs: number;
  readonly logLevel: string;
  /** Load the demo data set at start when the catalogue is empty. */
  readonly demoData: boolean;
  /**
   * How many proxies in front of the service append to `X-Forwarded-For` (0: none, the peer is
   * the client). The client's address is the one the outermost of them saw.
   */
  readonly trustedProxies: number;
  readonly bodyLimit: string;
  /** The Prometheus endpoints, on listeners of their own (never the API's port). */
  readonly metrics: {
    /** The API process's metrics port; null: not served. */
    readonly port: number | null;
    /** The worker process's metrics port; null: not served. */
    readonly workerPort: number | null;
    /** When set, scrapes must send `Authorization: Bearer <token>`. */
    readonly token: string | null;
  };
}

/** argon2id's memory in KiB: OWASP's recommended minimum (19 MiB, with 2 passes and 1 lane). */
export const OWASP_MEMORY_KIB = 19_456;

const corsOrigins = (list: string): string[] => list.split(',').map((origin) => origin.trim()).filter(Boolean);

function isOrigin(origin: string): boolean {
  if (origin === '*') return true;
  try {
    const url = new URL(origin);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.origin === origin;
  } catch {
    return false;
  }
}

/** The development default, refused in production. */
export const DEVELOPMENT_JWT_SECRET = 'development-only-secret-do-not-use-in-production';

/** Secrets that have been published (this repository's defaults, past and present): never valid in production. */
const KNOWN_SECRETS = new Set([DEVELOPMENT_JWT_SECRET, 'change-me-to-a-long-random-string', 'compose-local-secret-change-me-0123456789']);
/**
 * What a production JWT secret must hold at least, by `estimatedSecretBits`: less than 16 random
 * bytes (128 bits), which the estimate, counting a random character that happens to continue a
 * sequence as none, puts at 108–128.
 */
const MIN_SECRET_BITS = 100;

/**
 * Production refuses a JWT secret that anyone could know or guess: a published default (or one
 * made from it), one shorter than 32 characters, or one whose characters hold too little
 * randomness ('x' × 40, a word repeated, the alphabet, hex digits in order).
 */
function assertProductionSecret(secret: string): void {
  if ([...KNOWN_SECRETS].some((known) => secret.includes(known))) {
    throw new ConfigError('Refusing to start in production with a published JWT_SECRET; set a secret of your own (e.g. openssl rand -base64 48).');
  }
  if (secret.length < 32 || estimatedSecretBits(secret) < MIN_SECRET_BITS) {
    throw new ConfigError('Refusing to start in production with a weak JWT_SECRET: use at least 32 random bytes (e.g. openssl rand -base64 48).');
  }
}

/**
 * A lower estimate of the randomness a secret holds: each character that could not be foretold
 * from the ones before it (it neither continues a sequence, the third of `aaa`, `abc` or `321`, nor
 * a run of four seen before) counts the bits of the alphabet the secret is written in (hex
 * digits, or the classes of characters it uses). A random secret of `openssl rand -hex 16` holds
 * about 125; the alphabet, a word repeated or hex digits in order a few dozen.
 */
export function estimatedSecretBits(secret: string): number {
  const characters = [...secret];
  let unforeseen = 0;
  const step = (i: number): number => (characters[i].codePointAt(0) as number) - (characters[i - 1].codePointAt(0) as number);
  for (let i = 0; i < characters.length; i += 1) {
    // A third character in a row of the same step of at most one (`aaa`, `abc`, `321`).
    const continuesSequence = i >= 2 && Math.abs(step(i)) <= 1 && step(i) === step(i - 1);
    // The fourth character of a run of four seen before (`passpass`).
    const continuesRepeat = i >= 3 && secret.slice(0, i).includes(characters.slice(i - 3, i + 1).join(''));
    if (!continuesSequence && !continuesRepeat) unforeseen += 1;
  }
  return unforeseen * Math.log2(alphabetSize(secret));
}

/** The size of the alphabet a secret is written in: hex digits, or the classes of characters it uses. */
function alphabetSize(secret: string): number {
  if (/^[0-9a-f]+$/.test(secret) || /^[0-9A-F]+$/.test(secret)) return 16;
  const classes: Array<[RegExp, number]> = [[/[a-z]/, 26], [/[A-Z]/, 26], [/[0-9]/, 10], [/[^A-Za-z0-9]/, 33]];
  return classes.reduce((size, [pattern, count]) => size + (pattern.test(secret) ? count : 0), 0);
}

const duration = Joi.string()
  .custom((value: string, helpers) => (parseDurationSeconds(value) === null ? helpers.error('any.invalid') : value))
  .messages({ 'any.invalid': '{{#label}} must be a duration such as 900, 15m, 12h or 7d' });

/** PostgreSQL's largest `statement_timeout` (an int of milliseconds) and `work_mem` (an int of kB). */
const MAX_POSTGRES_TIMEOUT_MS = 2_147_483_647;
const MAX_POSTGRES_WORK_MEM_KB = 2_147_483_647;
const sizeInKb = (size: string): number => {
  const [, digits, unit] = /^(\d+)(kB|MB|GB)$/.exec(size) ?? [];
  return Number(digits) * (unit === 'GB' ? 1024 * 1024 : unit === 'MB' ? 1024 : 1);
};

/** A duration that may be 0 or given in milliseconds. */
const durationMs = Joi.string()
  .custom((value: string, helpers) => (parseDurationMs(value) === null ? helpers.error('any.invalid') : value))
  .messages({ 'any.invalid': '{{#label}} must be 0 or a duration such as 1500ms, 2s or 1m' });

/**
 * An entry of ALLOWED_HOSTS: a host name, `.domain` for it and its subdomains, `*`, or an IPv6
 * address in brackets. A port or a space within a name could never match a request, which would
 * then all be refused.
 */
const ALLOWED_HOST = /^(?:\*|\.?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.?|\[[0-9A-Fa-f:.]+\])$/;

/** Every setting, as validated at start (exported for the documentation's test). */
export const CONFIG_SCHEMA = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'test', 'production').default('development'),
  PASSWORD_HASH_MEMORY_KIB: Joi.number().integer().min(64).max(4_194_304).default(OWASP_MEMORY_KIB),
  PORT: Joi.number().integer().min(0).max(65535).default(8000),
  DATABASE_URL: Joi.string().uri({ scheme: ['postgres', 'postgresql'] }).required(),
  DB_POOL_MAX: Joi.number().integer().min(1).max(200).default(5),
  DB_STATEMENT_TIMEOUT: durationMs
    .custom((value: string, helpers) => ((parseDurationMs(value) ?? 0) > MAX_POSTGRES_TIMEOUT_MS ? helpers.error('any.range') : value))
    .messages({ 'any.range': '{{#label}} must be at most 24d, the longest statement timeout PostgreSQL takes' })
    .default('2s'),
  DB_WORK_MEM: Joi.string()
    .pattern(/^[1-9][0-9]{0,6}(kB|MB|GB)$/)
    .custom((value: string, helpers) => (sizeInKb(value) > MAX_POSTGRES_WORK_MEM_KB ? helpers.error('any.range') : value))
    .default('32MB')
    .messages({ 'string.pattern.base': '{{#label}} must be a size such as 4MB, 32MB or 1GB', 'any.range': '{{#label}} must be at most 2047GB, the most PostgreSQL takes' }),
  REDIS_URL: Joi.string()
    .uri({ scheme: ['redis', 'rediss'] })
    .custom((value: string, helpers) => (/^\/?(\d{1,2})?$/.test(new URL(value).pathname) ? value : helpers.error('any.invalid')))
    .messages({ 'any.invalid': '{{#label}} must name its database by number, as in redis://127.0.0.1:6379/0' })
    .default('redis://127.0.0.1:6379/0'),
  REDIS_KEY_PREFIX: Joi.string().pattern(/^[A-Za-z0-9_.-]*$/).allow(''),
  JWT_SECRET: Joi.string().min(32).required(),
  JWT_ISSUER: Joi.string().default('exam-course-api'),
  JWT_AUDIENCE: Joi.string().default('exam-course-api'),
  ACCESS_TOKEN_TTL: duration.default('15m'),
  REFRESH_TOKEN_TTL: duration.default('7d'),
  REFRESH_FAMILY_TTL: duration.default('30d'),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: Joi.number().integer().min(1).default(5),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: Joi.number().integer().min(1).default(100),
  LOGIN_MAX_FAILURES_PER_IP: Joi.number().integer().min(1).default(50),
  LOGIN_THROTTLE_WINDOW: duration.default('15m'),
  SIGNUP_MAX_PER_IP: Joi.number().integer().min(1).default(20),
  SIGNUP_THROTTLE_WINDOW: duration.default('1h'),
  // `*`, or origins as browsers send them: a scheme, a host and a port, no path.
  CORS_ORIGINS: Joi.string()
    .allow('')
    .default('')
    .custom((value: string, helpers) => (corsOrigins(value).every(isOrigin) ? value : helpers.error('any.invalid')))
    .messages({ 'any.invalid': '{{#label}} must be `*` or comma-separated origins such as https://app.example.com (a scheme, a host and a port, no path)' }),
  // Host names, `.domain` for it and its subdomains, `*`, or an IPv6 address in brackets; a port
  // or a space within a name could never match a request, which would then all be refused.
  ALLOWED_HOSTS: Joi.string()
    .allow('')
    .default('')
    .custom((value: string, helpers) => (value.split(',').every((entry) => entry.trim() === '' || ALLOWED_HOST.test(entry.trim())) ? value : helpers.error('any.invalid')))
    .messages({ 'any.invalid': '{{#label}} must be host names separated by commas (`api.example.com`, `.example.com`, `*`), without ports' }),
  REGISTRATIONS_PER_MINUTE: Joi.number().integer().min(1).default(60),
  READS_PER_MINUTE: Joi.number().integer().min(0).default(600),
  ANONYMOUS_READS_PER_MINUTE: Joi.number().integer().min(0).default(300),
  LOCK_WAIT_MS: Joi.number().integer().min(100).max(60_000).default(5_000),
  LOCK_LEASE_MS: Joi.number().integer().min(1_000).max(300_000).default(10_000),
  CATALOGUE_EXACT_COUNT_LIMIT: Joi.number().integer().min(0).max(1_000_000).default(1_000),
  CATALOGUE_COUNT_CACHE_TTL: Joi.number().integer().min(0).max(86_400).default(60),
  MAX_RESULT_WINDOW: Joi.number().integer().min(100).max(10_000_000).default(10_000),
  SEARCH_ENGINE: Joi.string().valid('postgres', 'meilisearch').default('postgres'),
  MEILISEARCH_URL: Joi.when('SEARCH_ENGINE', {
    is: 'meilisearch',
    then: Joi.string().uri({ scheme: ['http', 'https'] }).required(),
    otherwise: Joi.string().uri({ scheme: ['http', 'https'] }).allow('').default(''),
  }),
  MEILISEARCH_API_KEY: Joi.string().allow('').default(''),
  MEILISEARCH_API_KEY_FILE: Joi.string().allow('').default(''),
  MEILISEARCH_INDEX_PREFIX: Joi.string().pattern(/^[A-Za-z0-9_-]*$/).allow('').default(''),
  SEARCH_SYNC_BATCH_SIZE: Joi.number().integer().min(1).max(10_000).default(500),
  SEARCH_SYNC_INTERVAL: duration.default('1s'),
  SEARCH_SYNC_MAX_ATTEMPTS: Joi.number().integer().min(1).max(100).default(5),
  WORKER_CONCURRENCY: Joi.number().integer().min(1).max(32).default(1),
  HOUSEKEEPING_INTERVAL: duration.default('1h'),
  RECONCILE_AFTER: durationMs.default('1m'),
  RECONCILE_INTERVAL: duration.default('1m'),
  FAILPOINT: Joi.string().valid(...FAILPOINT_NAMES).allow('').default(''),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  DEMO_DATA: Joi.boolean().truthy('1').falsy('0'),
  // A count of proxies; `true`/`false` as before mean one and none.
  TRUST_PROXY: Joi.alternatives(Joi.number().integer().min(0).max(10), Joi.boolean()).default(0),
  BODY_LIMIT: Joi.string().pattern(/^0*[1-9]\d*(kb|mb)$/).default('100kb').messages({ 'string.pattern.base': '{{#label}} must be a size above zero such as 100kb or 1mb' }),
  // 0 or empty: no metrics listener.
  METRICS_PORT: Joi.number().integer().min(0).max(65535).allow('').default(9464),
  WORKER_METRICS_PORT: Joi.number().integer().min(0).max(65535).allow('').default(9465),
  METRICS_TOKEN: Joi.string().min(16).pattern(/^[\x21-\x7e]+$/).allow('').default('')
    .messages({ 'string.pattern.base': '{{#label}} must be printable ASCII without spaces' }),
}).unknown(true);

export class ConfigError extends Error {}

/**
 * What the API warns of at start: settings it runs with that a deployment most likely meant
 * otherwise. Production without `ALLOWED_HOSTS` answers for any `Host`, and the links it writes
 * (`next`, `previous`, `Location`) repeat whatever host a client sent.
 */
export function apiConfigurationWarnings(config: Pick<Config, 'nodeEnv' | 'allowedHosts'>): string[] {
  const warnings: string[] = [];
  if (config.nodeEnv === 'production' && config.allowedHosts.length === 0) {
    warnings.push('ALLOWED_HOSTS is empty: the service answers for any Host, and its links name whatever host a client sends; set the host names clients use');
  }
  return warnings;
}

/** What making the Meilisearch keys needs: the master key, and none of the service's own secrets. */
export interface MeilisearchKeysConfig {
  readonly url: string;
  readonly masterKey: string;
  readonly indexPrefix: string;
}

const meilisearchKeysSchema = Joi.object({
  MEILISEARCH_URL: Joi.string().uri({ scheme: ['http', 'https'] }).required(),
  MEILI_MASTER_KEY: Joi.string().required(),
  MEILISEARCH_INDEX_PREFIX: CONFIG_SCHEMA.extract('MEILISEARCH_INDEX_PREFIX'),
}).unknown(true);

/**
 * The settings of `meili-keys` alone. It runs where the master key is (a one-shot container of its
 * own), so it neither needs nor is given the database URL or the JWT secret that `loadConfig`
 * requires.
 */
export function loadMeilisearchKeysConfig(env: NodeJS.ProcessEnv = process.env): MeilisearchKeysConfig {
  const { value, error } = meilisearchKeysSchema.validate(env, { abortEarly: false, convert: true });
  if (error) throw new ConfigError(`Invalid configuration: ${error.details.map((d) => d.message).join('; ')}`);
  return { url: value.MEILISEARCH_URL, masterKey: value.MEILI_MASTER_KEY, indexPrefix: value.MEILISEARCH_INDEX_PREFIX };
}

/** By default, deployments differ by their database: its host, port and name. */
function defaultKeyPrefix(databaseUrl: string): string {
  const url = new URL(databaseUrl);
  return `${url.hostname}-${url.port || '5432'}-${url.pathname.slice(1)}`.replace(/[^A-Za-z0-9_.-]/g, '_');
}

/** A secret handed over in a file (`*_FILE`, as Docker secrets and shared volumes do). */
function readSecretFile(variable: string, file: string): string {
  try {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret) return secret;
  } catch {
    // Reported below, naming the variable.
  }
  throw new ConfigError(`Invalid configuration: ${variable} names ${file}, which cannot be read or is empty`);
}

/** The settings that are whole numbers: written in digits (joi would read `1e3` or `0x10` as one). */
const WHOLE_NUMBERS = Object.entries(CONFIG_SCHEMA.describe().keys as Record<string, { type: string }>)
  .filter(([, description]) => description.type === 'number')
  .map(([name]) => name);

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const notDigits = WHOLE_NUMBERS.filter((name) => env[name] !== undefined && env[name] !== '' && !/^\d+$/.test(env[name] as string));
  if (notDigits.length > 0) throw new ConfigError(`Invalid configuration: ${notDigits.map((name) => `"${name}" must be a whole number written in digits`).join('; ')}`);
  const { value, error } = CONFIG_SCHEMA.validate(env, { abortEarly: false, convert: true });
  if (error) throw new ConfigError(`Invalid configuration: ${error.details.map((d) => d.message).join('; ')}`);
  if (value.NODE_ENV === 'production') assertProductionSecret(value.JWT_SECRET);
  for (const variable of ['METRICS_PORT', 'WORKER_METRICS_PORT']) {
    if (value[variable] && value[variable] === value.PORT) throw new ConfigError(`Invalid configuration: ${variable} must differ from PORT (metrics are never served on the API's port)`);
  }
  if (value.NODE_ENV === 'production' && value.PASSWORD_HASH_MEMORY_KIB < OWASP_MEMORY_KIB) {
    throw new ConfigError(`Refusing to start in production with PASSWORD_HASH_MEMORY_KIB below OWASP's minimum (${OWASP_MEMORY_KIB}).`);
  }
  if (value.NODE_ENV === 'production' && value.FAILPOINT) throw new ConfigError('FAILPOINT is for tests of crash safety; refusing it in production.');
  const seconds = (text: string): number => parseDurationSeconds(text) as number;
  return {
    nodeEnv: value.NODE_ENV,
    port: value.PORT,
    databaseUrl: value.DATABASE_URL,
    passwordHashMemoryKib: value.PASSWORD_HASH_MEMORY_KIB,
    dbPoolMax: value.DB_POOL_MAX,
    dbStatementTimeoutMs: parseDurationMs(value.DB_STATEMENT_TIMEOUT) as number,
    dbWorkMem: value.DB_WORK_MEM,
    redisUrl: value.REDIS_URL,
    redisKeyPrefix: `${value.REDIS_KEY_PREFIX ?? defaultKeyPrefix(value.DATABASE_URL)}:`,
    jwt: {
      secret: value.JWT_SECRET,
      issuer: value.JWT_ISSUER,
      audience: value.JWT_AUDIENCE,
      accessTtlSeconds: seconds(value.ACCESS_TOKEN_TTL),
      refreshTtlSeconds: seconds(value.REFRESH_TOKEN_TTL),
      refreshFamilyTtlSeconds: seconds(value.REFRESH_FAMILY_TTL),
    },
    loginThrottle: {
      maxFailuresPerAccountAndIp: value.LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP,
      maxFailuresPerAccount: value.LOGIN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: value.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: seconds(value.LOGIN_THROTTLE_WINDOW),
    },
    signUpThrottle: {
      maxPerIp: value.SIGNUP_MAX_PER_IP,
      windowSeconds: seconds(value.SIGNUP_THROTTLE_WINDOW),
    },
    rateLimits: {
      registrationsPerMinute: value.REGISTRATIONS_PER_MINUTE,
      readsPerMinute: value.READS_PER_MINUTE,
      anonymousReadsPerMinute: value.ANONYMOUS_READS_PER_MINUTE,
    },
    corsOrigins: corsOrigins(value.CORS_ORIGINS),
    // A name's trailing dot (`example.com.`) is left out, as it is of the names requests give.
    allowedHosts: (value.ALLOWED_HOSTS as string).split(',').map((host) => host.trim().toLowerCase().replace(/(?<=[^.])\.$/, '')).filter(Boolean),
    lock: { waitMs: value.LOCK_WAIT_MS, leaseMs: value.LOCK_LEASE_MS },
    catalogueCount: { exactUpTo: value.CATALOGUE_EXACT_COUNT_LIMIT, cacheSeconds: value.CATALOGUE_COUNT_CACHE_TTL },
    maxResultWindow: value.MAX_RESULT_WINDOW,
    searchEngine: value.SEARCH_ENGINE,
    meilisearchUrl: value.MEILISEARCH_URL || null,
    meilisearchApiKey: value.MEILISEARCH_API_KEY_FILE ? readSecretFile('MEILISEARCH_API_KEY_FILE', value.MEILISEARCH_API_KEY_FILE) : value.MEILISEARCH_API_KEY || null,
    searchSync: {
      indexPrefix: value.MEILISEARCH_INDEX_PREFIX,
      batchSize: value.SEARCH_SYNC_BATCH_SIZE,
      intervalMs: seconds(value.SEARCH_SYNC_INTERVAL) * 1000,
      maxAttempts: value.SEARCH_SYNC_MAX_ATTEMPTS,
      workerConcurrency: value.WORKER_CONCURRENCY,
    },
    housekeepingIntervalMs: seconds(value.HOUSEKEEPING_INTERVAL) * 1000,
    failpoint: value.FAILPOINT || null,
    reconcile: { afterMs: parseDurationMs(value.RECONCILE_AFTER) as number, everyMs: seconds(value.RECONCILE_INTERVAL) * 1000 },
    logLevel: value.LOG_LEVEL,
    demoData: value.DEMO_DATA ?? value.NODE_ENV !== 'production',
    trustedProxies: Number(value.TRUST_PROXY),
    bodyLimit: value.BODY_LIMIT,
    metrics: {
      port: value.METRICS_PORT || null,
      workerPort: value.WORKER_METRICS_PORT || null,
      token: value.METRICS_TOKEN || null,
    },
  };
}
