import { expect } from 'chai';
import { SearchDocumentsRejected, SearchIndexMissing } from '../../src/application/ports/search-index';
import { isDependencyFailure } from '../../src/infrastructure/errors/dependency-failure';
import { createMeilisearchClient } from '../../src/infrastructure/search/meilisearch/create-meilisearch-client';
import { MeilisearchSearchIndex, payloadChunks } from '../../src/infrastructure/search/meilisearch/meilisearch-search-index';
import { opaqueText } from '../../src/infrastructure/search/meilisearch/opaque-words';
import { type FakeMeilisearch, startFakeMeilisearch } from '../support/fake-meilisearch';

const snapshot = (id: number) => ({
  kind: 'test' as const,
  id,
  title: `item ${id}`,
  description: '',
  price: '45000.00',
  startAt: new Date(),
  endAt: new Date(Date.now() + 86_400_000),
  createdAt: new Date(),
  registrationCount: 0,
  words: ['item', String(id)],
});

describe('The Meilisearch index adapter (against a fake of the documented HTTP API)', () => {
  let fake: FakeMeilisearch;
  let index: MeilisearchSearchIndex;
  beforeEach(async () => {
    fake = await startFakeMeilisearch();
    index = new MeilisearchSearchIndex(createMeilisearchClient(fake.url, 'key'), 25_000);
  });
  afterEach(() => fake.close());

  it('creates an index with settings that turn typos off and reach the whole result window', async () => {
    await index.ensure('tests');
    expect(fake.requests).to.include.members(['POST /indexes', 'PATCH /indexes/tests/settings']);
    const settings = fake.bodies.get('PATCH /indexes/tests/settings') as { typoTolerance: { enabled: boolean }; pagination: { maxTotalHits: number } };
    expect(settings.typoTolerance).to.deep.equal({ enabled: false });
    expect(settings.pagination.maxTotalHits).to.equal(25_000);
  });

  it('searches the opaque words alone, and returns every other attribute but them', async () => {
    await index.ensure('tests');
    await index.upsert('tests', [snapshot(1)]);
    const settings = fake.bodies.get('PATCH /indexes/tests/settings') as { searchableAttributes: string[]; displayedAttributes: string[]; localizedAttributes: unknown };
    const [document] = fake.bodies.get('POST /indexes/tests/documents') as Array<Record<string, unknown>>;
    expect(settings.searchableAttributes).to.deep.equal(['words']);
    expect(settings.localizedAttributes).to.deep.equal([{ attributePatterns: ['words'], locales: ['eng'] }]);
    expect(document.words).to.equal(opaqueText(['item', '1']));
    expect([...settings.displayedAttributes].sort()).to.deep.equal(Object.keys(document).filter((key) => key !== 'words').sort());
  });

  it('reports documents the engine refuses as rejected, and an engine failure as an outage to retry', async () => {
    await index.ensure('tests');
    fake.failNext(/\/documents$/, { type: 'invalid_request', code: 'invalid_document_fields' });
    let refused: unknown;
    await index.upsert('tests', [snapshot(1)]).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(SearchDocumentsRejected);

    for (const type of ['internal', 'system'] as const) {
      fake.failNext(/\/documents$/, { type, code: type === 'internal' ? 'internal' : 'no_space_left_on_device' });
      let failed: unknown;
      await index.upsert('tests', [snapshot(2)]).catch((error: unknown) => (failed = error));
      expect(failed, type).to.be.instanceOf(Error);
      expect(failed, type).not.to.be.instanceOf(SearchDocumentsRejected);
    }
  });

  it('takes an index another process created between its look and its creation as created', async () => {
    // The look finds no index; the creation then fails as the engine fails it for an existing one.
    fake.failNext(/^\/indexes$/, { type: 'invalid_request', code: 'index_already_exists' });
    await index.ensure('tests');
    expect(fake.requests).to.include('PATCH /indexes/tests/settings');
  });

  it('splits a write whose JSON would pass the payload limit, in order, never splitting a document', () => {
    const documents = Array.from({ length: 10 }, (_, i) => ({ id: i, text: 'x'.repeat(i === 4 ? 500 : 90) }));
    const chunks = payloadChunks(documents, 300);
    expect(chunks.flat()).to.deep.equal(documents);
    for (const chunk of chunks) expect(chunk.length === 1 || JSON.stringify(chunk).length <= 300, JSON.stringify(chunk.map((d) => d.id))).to.equal(true);
    expect(chunks.find((chunk) => chunk.some((d) => d.id === 4))).to.have.length(1);
    expect(payloadChunks(documents, 1_000_000)).to.deep.equal([documents]);
    expect(payloadChunks([], 300)).to.deep.equal([]);
  });

  it('writes no document to an index that does not exist, which the engine would create without its settings', async () => {
    let refused: unknown;
    await index.upsert('tests', [snapshot(1)]).catch((error: unknown) => (refused = error));
    expect(refused).to.be.instanceOf(SearchIndexMissing);
    expect(fake.requests).not.to.include('POST /indexes/tests/documents');
    expect(fake.indexes.has('tests')).to.equal(false);
  });

  it('takes documents of an index that does not exist as deleted already', async () => {
    await index.remove('courses_gone', [1, 2]);
  });

  it('waits for an index deletion to finish, and takes a missing index as deleted', async () => {
    await index.ensure('tests_rebuild_1');
    await index.drop('tests_rebuild_1');
    expect(fake.indexes.has('tests_rebuild_1')).to.equal(false);
    expect(fake.requests.filter((request) => request.startsWith('GET /tasks/')).length).to.be.greaterThan(2);
    await index.drop('tests_rebuild_1');
  });

  it('gives up on a stalled engine after the client timeout, as a dependency failure (a 503)', async () => {
    fake.stall(/^\/indexes\/tests$/);
    const client = createMeilisearchClient(fake.url, 'key', 300);
    let failure: unknown;
    const started = Date.now();
    await client.getRawIndex('tests').catch((error: unknown) => (failure = error));
    expect(Date.now() - started).to.be.below(3_000);
    expect(isDependencyFailure(failure), String(failure)).to.equal(true);
  });
});
