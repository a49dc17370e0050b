import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { testConfig } from '../support/test-config';

/** Runs a command of the service as an operator would, with some settings changed. */
const run = (entry: string, env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, ['scripts/run-entry.cjs', entry], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, encoding: 'utf8', timeout: 60_000 });

describe('Commands failing on a dependency tell the operator what to fix', function () {
  this.timeout(120_000);

  it('names Meilisearch, its address and MEILISEARCH_URL when it cannot be reached, without a stack trace', () => {
    const result = run('interfaces/cli/reindex', { SEARCH_ENGINE: 'meilisearch', MEILISEARCH_URL: 'http://127.0.0.1:7799', DATABASE_URL: testConfig().databaseUrl });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/reindex failed: Meilisearch at http:\/\/127\.0\.0\.1:7799 did not answer \(ECONNREFUSED\); is it running\? See MEILISEARCH_URL\./);
    expect(result.stderr + result.stdout).not.to.match(/\n\s+at /);
  });

  it('names PostgreSQL, its address and DATABASE_URL when it cannot be reached, without a stack trace', () => {
    const result = run('interfaces/cli/reconcile', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5999/exam_course_test' });
    expect(result.status).to.equal(1);
    expect(result.stderr).to.match(/reconcile failed: PostgreSQL at 127\.0\.0\.1:5999 could not be reached \(ECONNREFUSED\); is it running\? See DATABASE_URL\./);
    expect(result.stderr + result.stdout).not.to.match(/\n\s+at /);
  });
});
