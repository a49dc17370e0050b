import { expect } from 'chai';
import { createContainer } from '../../src/infrastructure/container/create-container';
import { createLogger } from '../../src/infrastructure/logging/logger';
import { startSearchSyncWorker } from '../../src/interfaces/worker/search-sync-worker';
import { startFakeMeilisearch } from '../support/fake-meilisearch';
import { CapturedLogs } from '../support/captured-logs';
import { testConfig } from '../support/test-config';
import { sharedServer } from '../support/test-server';
import { createUser, uniqueName } from '../support/users';
import { OFFERING_CATALOGUE, type OfferingCatalogue } from '../../src/application/ports/offering-catalogue';

describe('The search sidecar, before the first document', () => {
  it('has the worker create the live indexes with their settings when it starts', async () => {
    const fake = await startFakeMeilisearch();
    const app = createContainer(testConfig({ SEARCH_ENGINE: 'meilisearch', MEILISEARCH_URL: fake.url, MEILISEARCH_API_KEY: 'key', MEILISEARCH_INDEX_PREFIX: 'start_' }), {
      logger: createLogger('silent'),
    });
    try {
      const worker = await startSearchSyncWorker(app.container);
      await worker.close();
      for (const index of ['start_tests', 'start_courses']) {
        expect(fake.indexes.has(index), index).to.equal(true);
        expect(fake.requests, index).to.include(`PATCH /indexes/${index}/settings`);
      }
    } finally {
      await app.dispose();
      await fake.close();
    }
  });

  it('starts the worker with Meilisearch out of reach, saying so, since its housekeeping and reconciliation need no search engine', async () => {
    const logs = new CapturedLogs('warn');
    const app = createContainer(testConfig({ SEARCH_ENGINE: 'meilisearch', MEILISEARCH_URL: 'http://127.0.0.1:7799', MEILISEARCH_INDEX_PREFIX: 'unreachable_' }), { logger: logs.logger });
    try {
      const worker = await startSearchSyncWorker(app.container);
      await worker.close();
      const warning = logs.lines.find((line) => /^search engine out of reach at start/.test(String(line.msg)));
      expect(warning?.err).to.match(/Meilisearch at http:\/\/127\.0\.0\.1:7799 did not answer .*See MEILISEARCH_URL\./);
    } finally {
      await app.dispose();
    }
  });

  it('refuses searches of more than 10 words on either engine, naming the parameter', async () => {
    const server = await sharedServer();
    const user = await createUser(server.api);
    const words = Array.from({ length: 11 }, (_, i) => `word${i}`).join(' ');
    const res = await server.api.get(`/api/tests/?search=${encodeURIComponent(words)}`, { token: user.access });
    expect(res.status).to.equal(400);
    expect(res.body.errors).to.have.property('search');
    const ten = await server.api.get(`/api/tests/?search=${encodeURIComponent(words.split(' ').slice(0, 10).join(' '))}`, { token: user.access });
    expect(ten.status).to.equal(200);
    // Words are counted as the search reads them, one by one: brackets around them hide none.
    const bracketed = await server.api.get(`/api/tests/?search=${encodeURIComponent(`<${words}>`)}`, { token: user.access });
    expect(bracketed.status).to.equal(400);
  });

  it('keeps Meilisearch counts like PostgreSQL’s: an exhaustive count is not run on every page', async () => {
    const fake = await startFakeMeilisearch();
    const app = createContainer(testConfig({ SEARCH_ENGINE: 'meilisearch', MEILISEARCH_URL: fake.url, MEILISEARCH_API_KEY: 'key', CATALOGUE_COUNT_CACHE_TTL: '60' }), {
      logger: createLogger('silent'),
    });
    try {
      const catalogue = app.container.get<OfferingCatalogue>(OFFERING_CATALOGUE);
      const filter = { kind: 'test' as const, words: [uniqueName('counted')], now: new Date() };
      expect(await catalogue.count(filter)).to.deep.equal({ value: 3, estimated: false });
      expect(await catalogue.count(filter)).to.deep.equal({ value: 3, estimated: false });
      expect(fake.requests.filter((request) => request === 'POST /indexes/tests/search')).to.have.length(1);
    } finally {
      await app.dispose();
      await fake.close();
    }
  });
});
