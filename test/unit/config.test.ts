import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CONFIG_SCHEMA, ConfigError, apiConfigurationWarnings, DEVELOPMENT_JWT_SECRET, loadConfig, loadMeilisearchKeysConfig } from '../../src/infrastructure/config/config';

describe('configuration', () => {
  const base = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/x', JWT_SECRET: DEVELOPMENT_JWT_SECRET };

  it('reads durations such as 15m and 7d into seconds', () => {
    const config = loadConfig({ ...base, ACCESS_TOKEN_TTL: '15m', REFRESH_TOKEN_TTL: '7d' });
    expect(config.jwt.accessTtlSeconds).to.equal(900);
    expect(config.jwt.refreshTtlSeconds).to.equal(604_800);
  });

  it('reads the statement timeout in milliseconds, seconds or 0 for none, 2 s by default', () => {
    expect(loadConfig(base).dbStatementTimeoutMs).to.equal(2_000);
    expect(loadConfig({ ...base, DB_STATEMENT_TIMEOUT: '1500ms' }).dbStatementTimeoutMs).to.equal(1_500);
    expect(loadConfig({ ...base, DB_STATEMENT_TIMEOUT: '1m' }).dbStatementTimeoutMs).to.equal(60_000);
    expect(loadConfig({ ...base, DB_STATEMENT_TIMEOUT: '0' }).dbStatementTimeoutMs).to.equal(0);
    expect(() => loadConfig({ ...base, DB_STATEMENT_TIMEOUT: '-1s' })).to.throw(ConfigError, /DB_STATEMENT_TIMEOUT/);
    // PostgreSQL takes at most 2,147,483,647 ms: a longer timeout would fail every connection.
    expect(loadConfig({ ...base, DB_STATEMENT_TIMEOUT: '24d' }).dbStatementTimeoutMs).to.equal(24 * 86_400_000);
    expect(() => loadConfig({ ...base, DB_STATEMENT_TIMEOUT: '25d' })).to.throw(ConfigError, /DB_STATEMENT_TIMEOUT.*24d/);
  });

  it('takes a Redis URL whose database, if named, is a number', () => {
    expect(loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379' }).redisUrl).to.equal('redis://127.0.0.1:6379');
    expect(loadConfig({ ...base, REDIS_URL: 'redis://127.0.0.1:6379/3' }).redisUrl).to.equal('redis://127.0.0.1:6379/3');
    for (const bad of ['redis://127.0.0.1:6379/abc', 'redis://127.0.0.1:6379/1/2', 'http://127.0.0.1:6379/0']) {
      expect(() => loadConfig({ ...base, REDIS_URL: bad }), bad).to.throw(ConfigError, /REDIS_URL/);
    }
  });

  it('trusts no proxy unless told how many append to X-Forwarded-For; true and false mean one and none', () => {
    expect(loadConfig(base).trustedProxies).to.equal(0);
    for (const [value, hops] of [['0', 0], ['1', 1], ['2', 2], ['true', 1], ['false', 0]] as const) {
      expect(loadConfig({ ...base, TRUST_PROXY: value }).trustedProxies, value).to.equal(hops);
    }
    for (const bad of ['-1', '1.5', '11', 'yes']) expect(() => loadConfig({ ...base, TRUST_PROXY: bad }), bad).to.throw(ConfigError, /TRUST_PROXY/);
  });

  it('takes CORS origins as browsers send them, or *, and refuses anything else', () => {
    expect(loadConfig({ ...base, CORS_ORIGINS: 'https://app.example.com, http://localhost:3000' }).corsOrigins).to.deep.equal(['https://app.example.com', 'http://localhost:3000']);
    expect(loadConfig({ ...base, CORS_ORIGINS: '*' }).corsOrigins).to.deep.equal(['*']);
    expect(loadConfig(base).corsOrigins).to.deep.equal([]);
    for (const bad of ['not a url', 'app.example.com', 'https://app.example.com/', 'https://app.example.com/path', 'ftp://files.example.com', 'https://APP.example.com']) {
      expect(() => loadConfig({ ...base, CORS_ORIGINS: bad }), bad).to.throw(ConfigError, /CORS_ORIGINS/);
    }
  });

  it('holds 5 database connections per process unless told otherwise, between 1 and 200', () => {
    expect(loadConfig(base).dbPoolMax).to.equal(5);
    expect(loadConfig({ ...base, DB_POOL_MAX: '12' }).dbPoolMax).to.equal(12);
    for (const bad of ['0', '201', 'many']) expect(() => loadConfig({ ...base, DB_POOL_MAX: bad }), bad).to.throw(ConfigError, /DB_POOL_MAX/);
  });

  it('gives the connections of the service 32 MB of work memory unless told otherwise, as a PostgreSQL size', () => {
    expect(loadConfig(base).dbWorkMem).to.equal('32MB');
    expect(loadConfig({ ...base, DB_WORK_MEM: '256kB' }).dbWorkMem).to.equal('256kB');
    expect(loadConfig({ ...base, DB_WORK_MEM: '2047GB' }).dbWorkMem).to.equal('2047GB');
    for (const bad of ['32', '32 MB', '0MB', 'lots', '32MB -c fsync=off', '2048GB', '9999999GB']) {
      expect(() => loadConfig({ ...base, DB_WORK_MEM: bad }), bad).to.throw(ConfigError, /DB_WORK_MEM/);
    }
  });

  it('lets page numbers reach the first 10,000 results unless told otherwise', () => {
    expect(loadConfig(base).maxResultWindow).to.equal(10_000);
    expect(loadConfig({ ...base, MAX_RESULT_WINDOW: '500' }).maxResultWindow).to.equal(500);
    expect(() => loadConfig({ ...base, MAX_RESULT_WINDOW: '10' })).to.throw(ConfigError, /MAX_RESULT_WINDOW/);
  });

  it('reads the Meilisearch key from a file when MEILISEARCH_API_KEY_FILE names one', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'config-')), 'api.key');
    writeFileSync(file, 'search-key-from-a-file\n');
    expect(loadConfig({ ...base, MEILISEARCH_API_KEY_FILE: file }).meilisearchApiKey).to.equal('search-key-from-a-file');
    expect(() => loadConfig({ ...base, MEILISEARCH_API_KEY_FILE: `${file}.missing` })).to.throw(ConfigError, /MEILISEARCH_API_KEY_FILE/);
  });

  it('prefixes Redis keys per deployment: by default its database, so deployments sharing a Redis never meet', () => {
    const one = loadConfig({ ...base, DATABASE_URL: 'postgres://postgres@db.example:5432/catalogue_a' }).redisKeyPrefix;
    const other = loadConfig({ ...base, DATABASE_URL: 'postgres://postgres@db.example:5432/catalogue_b' }).redisKeyPrefix;
    expect(one).to.equal('db.example-5432-catalogue_a:');
    expect(other).to.not.equal(one);
    expect(loadConfig({ ...base, REDIS_KEY_PREFIX: 'prod-eu' }).redisKeyPrefix).to.equal('prod-eu:');
    expect(() => loadConfig({ ...base, REDIS_KEY_PREFIX: 'a b' })).to.throw(ConfigError, /REDIS_KEY_PREFIX/);
  });

  it('defaults to the Postgres search engine', () => {
    expect(loadConfig(base).searchEngine).to.equal('postgres');
  });

  it('refuses to start in production with a published or weak JWT secret', () => {
    expect(() => loadConfig({ ...base, NODE_ENV: 'production' })).to.throw(ConfigError, /JWT_SECRET/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'compose-local-secret-change-me-0123456789' })).to.throw(ConfigError, /published/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40) })).to.throw(ConfigError, /weak/);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'abcd'.repeat(10) })).to.throw(ConfigError, /weak/);
    for (const guessable of ['abcdefghijklmnopqrstuvwxyzabcdefgh', 'passwordpasswordpasswordpassword12345678', '0123456789abcdef0123456789abcdef']) {
      expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: guessable }), guessable).to.throw(ConfigError, /weak/);
    }
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'development-only-secret-do-not-use-in-production-2' })).to.throw(ConfigError, /published/);
    for (let i = 0; i < 200; i += 1) {
      for (const random of [randomBytes(32).toString('base64'), randomBytes(32).toString('hex'), randomBytes(32).toString('base64url'), randomBytes(16).toString('hex'), randomBytes(20).toString('hex')]) {
        expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: random }), random).not.to.throw();
      }
    }
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: 'q8V2mZ0rT5yL1xN7cB4wE9kH3sJ6uA0dF2gP8' })).not.to.throw();
  });

  it('refuses in production every JWT secret this repository publishes, in .env and .env.example', () => {
    for (const file of ['.env', '.env.example']) {
      const [, secret] = /^JWT_SECRET=(.*)$/m.exec(readFileSync(path.join(__dirname, '../..', file), 'utf8')) ?? [];
      expect(secret, file).to.be.a('string').and.not.equal('');
      expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: secret }), file).to.throw(ConfigError, /published/);
    }
  });

  it('hashes passwords at the OWASP cost unless told otherwise, and never below it in production', () => {
    const strong = 'q8V2mZ0rT5yL1xN7cB4wE9kH3sJ6uA0dF2gP8';
    expect(loadConfig(base).passwordHashMemoryKib).to.equal(19_456);
    expect(loadConfig({ ...base, PASSWORD_HASH_MEMORY_KIB: '256' }).passwordHashMemoryKib).to.equal(256);
    expect(() => loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: strong, PASSWORD_HASH_MEMORY_KIB: '256' })).to.throw(ConfigError, /PASSWORD_HASH_MEMORY_KIB/);
    expect(loadConfig({ ...base, NODE_ENV: 'production', JWT_SECRET: strong }).passwordHashMemoryKib).to.equal(19_456);
  });

  it('makes the Meilisearch keys from Meilisearch\'s settings alone, without the database or the JWT secret', () => {
    const keys = { MEILISEARCH_URL: 'http://meilisearch:7700', MEILI_MASTER_KEY: 'master-key-0123456789' };
    expect(loadMeilisearchKeysConfig({ ...keys, NODE_ENV: 'production' })).to.deep.equal({ url: 'http://meilisearch:7700', masterKey: 'master-key-0123456789', indexPrefix: '' });
    expect(loadMeilisearchKeysConfig({ ...keys, MEILISEARCH_INDEX_PREFIX: 'staging_' }).indexPrefix).to.equal('staging_');
    expect(() => loadMeilisearchKeysConfig({ MEILISEARCH_URL: keys.MEILISEARCH_URL })).to.throw(ConfigError, /MEILI_MASTER_KEY/);
    expect(() => loadMeilisearchKeysConfig({ MEILI_MASTER_KEY: keys.MEILI_MASTER_KEY })).to.throw(ConfigError, /MEILISEARCH_URL/);
    expect(() => loadMeilisearchKeysConfig({ ...keys, MEILISEARCH_INDEX_PREFIX: 'no spaces' })).to.throw(ConfigError, /MEILISEARCH_INDEX_PREFIX/);
  });

  it('refuses malformed values with a message naming them', () => {
    expect(() => loadConfig({ ...base, PORT: 'eighty' })).to.throw(ConfigError, /PORT/);
    expect(() => loadConfig({ ...base, ACCESS_TOKEN_TTL: 'soon' })).to.throw(ConfigError, /ACCESS_TOKEN_TTL/);
    expect(() => loadConfig({ ...base, SEARCH_ENGINE: 'meilisearch' })).to.throw(ConfigError, /MEILISEARCH_URL/);
    for (const hosts of ['https://api.example.com/', '127.0.0.1:8000', 'exa mple.com', 'api.example.com, ::1']) {
      expect(() => loadConfig({ ...base, ALLOWED_HOSTS: hosts }), hosts).to.throw(ConfigError, /ALLOWED_HOSTS/);
    }
    expect(loadConfig({ ...base, ALLOWED_HOSTS: '[::1], *, localhost., .example.org.' }).allowedHosts).to.deep.equal(['[::1]', '*', 'localhost', '.example.org']);
    for (const [name, written] of [['PORT', '1e3'], ['DB_POOL_MAX', '0x5'], ['READS_PER_MINUTE', '60.0'], ['METRICS_PORT', ' 9464']]) {
      expect(() => loadConfig({ ...base, [name]: written }), `${name}=${written}`).to.throw(ConfigError, new RegExp(`${name}" must be a whole number written in digits`));
    }
    expect(() => loadConfig({ ...base, BODY_LIMIT: '0kb' })).to.throw(ConfigError, /BODY_LIMIT/);
    expect(() => loadConfig({ ...base, FAILPOINT: 'register.after-paying' })).to.throw(ConfigError, /FAILPOINT/);
    expect(loadConfig({ ...base, ALLOWED_HOSTS: ' API.example.com, .example.org ,,' }).allowedHosts).to.deep.equal(['api.example.com', '.example.org']);
  });

  it('serves metrics on ports of their own, 9464 for the API and 9465 for the worker, off with 0 or empty, never on PORT', () => {
    expect(loadConfig(base).metrics).to.deep.equal({ port: 9464, workerPort: 9465, token: null });
    expect(loadConfig({ ...base, METRICS_PORT: '0', WORKER_METRICS_PORT: '' }).metrics).to.include({ port: null, workerPort: null });
    expect(loadConfig({ ...base, METRICS_PORT: '9100' }).metrics.port).to.equal(9100);
    expect(() => loadConfig({ ...base, METRICS_PORT: '70000' })).to.throw(ConfigError, /METRICS_PORT/);
    expect(() => loadConfig({ ...base, PORT: '9464' })).to.throw(ConfigError, /METRICS_PORT must differ from PORT/);
    expect(loadConfig({ ...base, PORT: '9464', METRICS_PORT: '9100' }).port).to.equal(9464);
  });

  it('takes a metrics bearer token of at least 16 printable characters, none by default', () => {
    expect(loadConfig({ ...base, METRICS_TOKEN: 'a-long-enough-scrape-token' }).metrics.token).to.equal('a-long-enough-scrape-token');
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'short' })).to.throw(ConfigError, /METRICS_TOKEN/);
    expect(() => loadConfig({ ...base, METRICS_TOKEN: 'has a space in the middle' })).to.throw(ConfigError, /METRICS_TOKEN/);
  });

  it('is documented whole: every setting in docs/configuration.md, with the range of every whole number', () => {
    const rows = readFileSync(path.join(__dirname, '../../docs/configuration.md'), 'utf8').split('\n').filter((line) => line.startsWith('| `'));
    const rowOf = (name: string) => rows.find((row) => row.split(' | ')[0].includes(`\`${name}\``));
    const keys = CONFIG_SCHEMA.describe().keys as Record<string, { type: string; rules?: Array<{ name: string; args?: { limit?: number } }> }>;
    for (const [name, described] of Object.entries(keys)) {
      const row = rowOf(name);
      expect(row, `${name} documented`).to.be.a('string');
      if (described.type !== 'number') continue;
      const limit = (rule: string) => described.rules?.find((r) => r.name === rule)?.args?.limit;
      const [min, max] = [limit('min'), limit('max')];
      const range = max !== undefined ? `${min ?? 0}–${max}` : min ? `at least ${min}` : null;
      if (range) expect(row, name).to.include(range);
    }
  });

  it('warns the API in production without ALLOWED_HOSTS, and only then', () => {
    expect(apiConfigurationWarnings({ nodeEnv: 'production', allowedHosts: [] })).to.have.length(1).and.satisfy((warnings: string[]) => /ALLOWED_HOSTS/.test(warnings[0]));
    expect(apiConfigurationWarnings({ nodeEnv: 'production', allowedHosts: ['api.example.com'] })).to.deep.equal([]);
    expect(apiConfigurationWarnings(loadConfig(base))).to.deep.equal([]);
  });
});
