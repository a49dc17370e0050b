import { expect } from 'chai';
import { OFFERING_CATALOGUE, type OfferingCatalogue } from '../../src/application/ports/offering-catalogue';
import { SEARCH_INDEX, type SearchIndex } from '../../src/application/ports/search-index';
import { RebuildSearchIndexHandler } from '../../src/application/commands/rebuild-search-index/rebuild-search-index-handler';
import { SyncSearchIndexHandler } from '../../src/application/commands/sync-search-index/sync-search-index-handler';
import { MeilisearchOfferingCatalogue } from '../../src/infrastructure/search/meilisearch/meilisearch-offering-catalogue';
import { createOffering, kindPaths } from '../support/offerings';
import { type TestServer, startTestServer } from '../support/test-server';
import { type TestUser, createUser, uniqueName } from '../support/users';

/**
 * Against a real Meilisearch, when MEILISEARCH_URL is set (docker compose up -d meilisearch);
 * reported as skipped otherwise.
 */
describe('Meilisearch search engine (needs MEILISEARCH_URL)', function () {
  this.timeout(120_000);
  let server: TestServer;
  let user: TestUser;
  const prefix = `${uniqueName('t')}_`;
  const marker = uniqueName('meili');
  const ids: number[] = [];

  before(async function () {
    if (!process.env.MEILISEARCH_URL) this.skip();
    server = await startTestServer({ SEARCH_ENGINE: 'meilisearch', MEILISEARCH_INDEX_PREFIX: prefix });
    user = await createUser(server.api);
    const day = 86_400_000;
    for (const [i, price] of ['30000.00', '10000.00', '50000.00'].entries()) {
      ids.push(await createOffering(server.db, 'course', { title: `Django ${marker} 과정 ${i}`, price, createdAt: new Date(Date.UTC(2026, 0, 1 + i)) }));
    }
    ids.push(await createOffering(server.db, 'course', { title: `Django ${marker} closed`, startAt: new Date(Date.now() - 3 * day), endAt: new Date(Date.now() - day) }));
    await server.running.app.container.get(RebuildSearchIndexHandler).execute({ kind: 'course', batchSize: 500, maxInFlight: 2 });
  });

  after(async function () {
    if (!server) return;
    const index = server.running.app.container.get<SearchIndex>(SEARCH_INDEX);
    await index.drop(`${prefix}courses`).catch(() => undefined);
    await index.drop(`${prefix}tests`).catch(() => undefined);
    await server.running.close();
  });

  const list = async (query: string) => server.api.get(`${kindPaths('course').list}?search=${marker}&${query}`, { token: user.access });
  const idsOf = (res: { body: { results: Array<{ id: number }> } }) => res.body.results.map((item) => item.id);

  it('serves the lists from the index', () => {
    expect(server.running.app.container.get<OfferingCatalogue>(OFFERING_CATALOGUE)).to.be.instanceOf(MeilisearchOfferingCatalogue);
  });

  it('answers /readyz with Meilisearch among the checks', async () => {
    const res = await server.api.get('/readyz');
    expect(res.body.checks).to.include({ meilisearch: 'up' });
  });

  it('searches, filters and sorts with the same semantics as PostgreSQL', async () => {
    expect(idsOf(await list('sort=price_asc&status=available'))).to.deep.equal([ids[1], ids[0], ids[2]]);
    expect(idsOf(await list('status=closed'))).to.deep.equal([ids[3]]);
    expect(idsOf(await list('price_min=20000&price_max=30000'))).to.deep.equal([ids[0]]);
    expect((await server.api.get(`${kindPaths('course').list}?search=${marker.slice(0, -2)}`, { token: user.access })).body.results).to.have.length(4);
  });

  it('pages with cursors forwards and back', async () => {
    const all = idsOf(await list('sort=created'));
    const first = await list('sort=created&page_size=2&cursor=');
    const next = new URL(first.body.next);
    const second = await server.api.get(next.pathname + next.search, { token: user.access });
    expect([...idsOf(first), ...idsOf(second)]).to.deep.equal(all);
    const previous = new URL(second.body.previous);
    expect(idsOf(await server.api.get(previous.pathname + previous.search, { token: user.access }))).to.deep.equal(idsOf(first));
  });

  it('follows a registration through the outbox and the worker pipeline', async () => {
    const id = await createOffering(server.db, 'course', { title: `Django ${marker} fresh` });
    const res = await server.api.post(kindPaths('course').register(id), { amount: '45000', payment_method: 'card' }, { token: user.access });
    expect(res.status).to.equal(201);
    const sync = server.running.app.container.get(SyncSearchIndexHandler);
    while ((await sync.execute()).drained > 0);
    const found = (await list('sort=popular')).body.results.find((item: { id: number }) => item.id === id);
    expect(found).to.include({ is_registered: true, registration_count: 1 });
  });

  it('counts an item once the worker has indexed it, though its list was counted before', async () => {
    const counting = await startTestServer({ SEARCH_ENGINE: 'meilisearch', MEILISEARCH_INDEX_PREFIX: prefix, CATALOGUE_COUNT_CACHE_TTL: '60' });
    try {
      const word = uniqueName('counted');
      const count = async () => (await counting.api.get(`${kindPaths('course').list}?search=${word}`, { token: user.access })).body.count as number;
      const id = await createOffering(counting.db, 'course', { title: `Django ${word}` });
      expect(await count(), 'before it is indexed').to.equal(0);
      await counting.db('search_outbox').insert({ item_kind: 'course', item_id: id, operation: 'upsert' });
      const sync = counting.running.app.container.get(SyncSearchIndexHandler);
      while ((await sync.execute()).drained > 0);
      expect(await count(), 'once indexed').to.equal(1);
    } finally {
      await counting.running.close();
    }
  });
});
