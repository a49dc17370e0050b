import { type Config, loadConfig } from '../../src/infrastructure/config/config';
import { loadEnvFile } from '../../src/infrastructure/config/load-env-file';

const DEFAULT_TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/exam_course_test';
const DEFAULT_TEST_REDIS_URL = 'redis://127.0.0.1:6379/15';

/**
 * The configuration every test runs with: the test database (whose name must contain `test`),
 * a Redis database of its own, and trusted proxy headers so tests can act from distinct IPs.
 */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  loadEnvFile();
  const databaseUrl = process.env.TEST_DATABASE_URL || DEFAULT_TEST_DATABASE_URL;
  const databaseName = new URL(databaseUrl).pathname.slice(1);
  if (!databaseName.includes('test')) {
    throw new Error(`Refusing to run tests against "${databaseName}": the test database name must contain "test".`);
  }
  return loadConfig({
    ...process.env,
    NODE_ENV: 'test',
    PORT: '0',
    DATABASE_URL: databaseUrl,
    REDIS_URL: process.env.TEST_REDIS_URL || DEFAULT_TEST_REDIS_URL,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL || 'silent',
    TRUST_PROXY: '1',
    DB_POOL_MAX: '10',
    // Every suite signs users up and reads as a few users from the loopback address; the
    // throttles and read limits have tests of their own.
    SIGNUP_MAX_PER_IP: '100000',
    READS_PER_MINUTE: '0',
    ANONYMOUS_READS_PER_MINUTE: '0',
    // Tests change the catalogue between requests; counts must reflect it at once.
    CATALOGUE_COUNT_CACHE_TTL: '0',
    // Every suite signs users up: a cheap hash keeps that fast (production refuses it).
    PASSWORD_HASH_MEMORY_KIB: '256',
    // Many servers run in one test process: the metrics tests give theirs a port.
    METRICS_PORT: '0',
    WORKER_METRICS_PORT: '0',
    ...overrides,
  });
}
