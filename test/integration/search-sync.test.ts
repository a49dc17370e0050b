import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import { RebuildSearchIndexHandler } from '../../src/application/commands/rebuild-search-index/rebuild-search-index-handler';
import { SyncSearchIndexHandler } from '../../src/application/commands/sync-search-index/sync-search-index-handler';
import { REINDEX_REGISTRY, RebuildAlreadyRunning, RebuildRegistrationLost, type ReindexRegistry } from '../../src/application/ports/reindex-registry';
import { OFFERING_SNAPSHOTS } from '../../src/application/ports/offering-snapshots';
import { SearchIndexMissing } from '../../src/application/ports/search-index';
import { SEARCH_OUTBOX, type SearchOutbox } from '../../src/application/ports/search-outbox';
import { SEARCH_SYNC_TRIGGER, type SearchSyncTrigger } from '../../src/application/ports/search-sync-trigger';
import { SEARCH_INDEX_NAMING } from '../../src/application/search/index-names';
import type { OfferingKind } from '../../src/domain/offering-kind';
import { REDIS } from '../../src/infrastructure/redis/create-redis';
import { type RunningWorker, startSearchSyncWorker } from '../../src/interfaces/worker/search-sync-worker';
import { CapturedLogs } from '../support/captured-logs';
import { InMemorySearchIndex } from '../support/in-memory-search-index';
import { kindPaths } from '../support/offerings';
import { waitUntil } from '../support/redis-instance';
import { type TestServer, startTestServer } from '../support/test-server';
import { createUser, uniqueName } from '../support/users';

const MAX_ATTEMPTS = 3;

describe('Search sync: outbox → BullMQ → worker → index', function () {
  this.timeout(30_000);
  let server: TestServer;
  let index: InMemorySearchIndex;
  let db: Knex;
  let sync: SyncSearchIndexHandler;
  const logs = new CapturedLogs('info');

  before(async () => {
    index = new InMemorySearchIndex();
    server = await startTestServer({ SEARCH_SYNC_MAX_ATTEMPTS: String(MAX_ATTEMPTS), SEARCH_SYNC_INTERVAL: '1s' }, { searchIndex: index, logger: logs.logger });
    db = server.db;
    sync = server.running.app.container.get(SyncSearchIndexHandler);
    await db('search_outbox').delete();
  });
  after(async () => {
    await server.running.close();
  });
  beforeEach(() => {
    index.failNextWrites = 0;
    index.poisonIds.clear();
  });

  const createItem = async (kind: OfferingKind, title = `item ${uniqueName()}`): Promise<number> => {
    const now = Date.now();
    const [{ id }] = await db(kind === 'test' ? 'tests' : 'courses')
      .insert({ title, description: 'search sync', price: '45000.00', start_at: new Date(now - 86_400_000), end_at: new Date(now + 86_400_000) })
      .returning('id');
    return id;
  };
  const recordChange = (kind: OfferingKind, itemId: number) => db('search_outbox').insert({ item_kind: kind, item_id: itemId, operation: 'upsert' });
  const outboxRowsFor = (itemId: number) => db('search_outbox').where({ item_id: itemId });
  const drainAll = async () => {
    while ((await sync.execute()).drained > 0);
  };

  it('records the item of a registration and of a cancel in the outbox, in the same transaction', async () => {
    const user = await createUser(server.api);
    const itemId = await createItem('course', 'outbox');
    const registered = await server.api.post(kindPaths('course').register(itemId), { amount: '45000.00', payment_method: 'card' }, { token: user.access });
    expect(registered.status).to.equal(201);
    expect(await outboxRowsFor(itemId)).to.have.length(1);
    const cancelled = await server.api.post(`/api/payments/${registered.body.payment_id}/cancel/`, {}, { token: user.access });
    expect(cancelled.status).to.equal(200);
    expect(await outboxRowsFor(itemId)).to.have.length(2);
    await drainAll();
    expect(index.documents('courses').get(itemId)?.registrationCount).to.equal(0);
  });

  it("gives the index the item's words as the PostgreSQL engine reads them, in the order of the text", async () => {
    const id = await createItem('test', 'React 자격시험 대비 node.js real-time React');
    await recordChange('test', id);
    await drainAll();
    expect(index.documents('tests').get(id)?.words).to.deep.equal(['react', '자격시험', '대비', 'node.js', 'real-time', 'real', 'time', 'react', 'search', 'sync']);
  });

  describe('with the real worker', () => {
    let worker: RunningWorker;
    before(async () => {
      worker = await startSearchSyncWorker(server.running.app.container);
    });
    after(async () => {
      await worker.close();
    });

    it('brings a committed change into the index shortly after a nudge', async () => {
      const id = await createItem('test', `파이썬 시험 ${uniqueName()}`);
      await recordChange('test', id);
      await server.running.app.container.get<SearchSyncTrigger>(SEARCH_SYNC_TRIGGER).nudge();
      await waitUntil(async () => index.documents('tests').has(id));
      expect(index.documents('tests').get(id)?.title).to.match(/^파이썬 시험/);
      await waitUntil(async () => (await outboxRowsFor(id)).length === 0);
    });

    it('retries a failing batch with backoff and removes the entries only after it succeeded', async () => {
      const id = await createItem('course');
      const failuresBefore = index.unavailableWrites;
      index.failNextWrites = 1_000;
      await recordChange('course', id);
      await waitUntil(async () => index.unavailableWrites >= failuresBefore + 2, 10_000);
      const kept = await outboxRowsFor(id);
      expect(kept, 'kept while the index fails').to.have.length(1);
      expect(kept[0].attempts, 'an outage is not counted against the entry').to.equal(0);
      expect(index.documents('courses').has(id)).to.equal(false);
      index.failNextWrites = 0;
      await waitUntil(async () => index.documents('courses').has(id), 15_000);
      await waitUntil(async () => (await outboxRowsFor(id)).length === 0);
      const failed = logs.lines.find((line) => line.msg === 'search sync job failed; it will be retried');
      expect(failed, 'each failure is logged with its queue and job').to.include({ queue: 'search-sync', err: 'search engine unavailable' });
      expect(failed?.job_id).to.be.a('string').and.not.equal('');
    });

    it('warns when it creates a live index found missing again, which then waits for a rebuild', async () => {
      const id = await createItem('test');
      index.indexes.delete('tests');
      await recordChange('test', id);
      await server.running.app.container.get<SearchSyncTrigger>(SEARCH_SYNC_TRIGGER).nudge();
      await waitUntil(async () => logs.lines.some((line) => line.index === 'tests' && /^search index was missing/.test(String(line.msg))));
      expect(index.documents('tests').has(id)).to.equal(true);
    });
  });

  it('lets the job in progress finish when the worker is stopped', async () => {
    const worker = await startSearchSyncWorker(server.running.app.container);
    const id = await createItem('test');
    index.writeDelayMs = 1_000;
    try {
      const started = index.startedWrites;
      await recordChange('test', id);
      await server.running.app.container.get<SearchSyncTrigger>(SEARCH_SYNC_TRIGGER).nudge();
      await waitUntil(async () => index.startedWrites > started);
      await worker.close();
      expect(index.documents('tests').has(id), 'the write in progress completed').to.equal(true);
      expect(await outboxRowsFor(id), 'and its entries were removed').to.have.length(0);
    } finally {
      index.writeDelayMs = 0;
    }
  });

  it('coalesces several entries for one item into one write of its current state', async () => {
    const id = await createItem('test');
    for (let i = 0; i < 5; i += 1) await recordChange('test', id);
    await db('tests').where({ id }).update({ registration_count: 7 });
    await drainAll();
    expect(index.writesOf(id)).to.have.length(1);
    expect(index.documents('tests').get(id)?.registrationCount).to.equal(7);
    expect(await outboxRowsFor(id)).to.have.length(0);
  });

  it('removes from the index an item that no longer exists', async () => {
    const id = await createItem('course');
    await recordChange('course', id);
    await drainAll();
    expect(index.documents('courses').has(id)).to.equal(true);
    await db('courses').where({ id }).delete();
    await recordChange('course', id);
    await drainAll();
    expect(index.documents('courses').has(id)).to.equal(false);
  });

  it('lets go the counts kept from the index of each kind it wrote, once written', async () => {
    const { container } = server.running.app;
    const caughtUp: Array<{ kind: OfferingKind; indexed: boolean }> = [];
    const id = await createItem('course');
    const recording = new SyncSearchIndexHandler(
      container.get(SEARCH_OUTBOX),
      container.get(OFFERING_SNAPSHOTS),
      index,
      container.get(REINDEX_REGISTRY),
      container.get(SEARCH_INDEX_NAMING),
      { batchSize: 100, maxAttempts: MAX_ATTEMPTS },
      { indexCaughtUp: async (kind) => void caughtUp.push({ kind, indexed: index.documents('courses').has(id) }) },
    );
    await recordChange('course', id);
    while ((await recording.execute()).drained > 0);
    expect(caughtUp).to.deep.equal([{ kind: 'course', indexed: true }]);
  });

  it('creates a live index found missing again, with its settings, and reports it, rather than let a write create it bare', async () => {
    const id = await createItem('course');
    await recordChange('course', id);
    await drainAll();
    index.indexes.delete('courses'); // deleted by hand, or lost by the engine
    const other = await createItem('course');
    await recordChange('course', other);
    const result = await sync.execute();
    expect(result.recreatedIndexes).to.deep.equal(['courses']);
    expect([...index.documents('courses').keys()], 'what changed since; the rest waits for a rebuild').to.deep.equal([other]);
    await recordChange('course', id);
    expect((await sync.execute()).recreatedIndexes).to.deep.equal([]);
  });

  it('changes nothing when a batch is replayed', async () => {
    const ids = [await createItem('test'), await createItem('test')];
    for (const id of ids) await recordChange('test', id);
    await drainAll();
    const first = ids.map((id) => index.documents('tests').get(id));
    for (const id of ids) await recordChange('test', id);
    await drainAll();
    expect(ids.map((id) => index.documents('tests').get(id))).to.deep.equal(first);
  });

  it('keeps a poison item aside without blocking the others, counting its attempts', async () => {
    const poison = await createItem('test');
    const healthy = await createItem('test');
    index.poisonIds.add(poison);
    await recordChange('test', poison);
    await recordChange('test', healthy);
    await sync.execute();
    expect(index.documents('tests').has(healthy)).to.equal(true);
    const [row] = await outboxRowsFor(poison);
    expect(row.attempts).to.equal(1);
    expect(row.last_error).to.contain('refused');
    for (let i = 0; i < MAX_ATTEMPTS; i += 1) await sync.execute();
    expect((await outboxRowsFor(poison))[0].attempts, 'no longer claimed after the last attempt').to.equal(MAX_ATTEMPTS);
    const later = await createItem('test');
    await recordChange('test', later);
    await drainAll();
    expect(index.documents('tests').has(later), 'later changes flow past the dead letter').to.equal(true);
    // Once a later change of the item goes through, its dead letter is history.
    index.poisonIds.delete(poison);
    await recordChange('test', poison);
    await drainAll();
    expect(index.documents('tests').has(poison)).to.equal(true);
    expect(await outboxRowsFor(poison), 'the dead letter cleared').to.deep.equal([]);
  });

  it('keeps every entry untouched when the whole batch fails (an outage, not bad items)', async () => {
    const id = await createItem('course');
    await recordChange('course', id);
    index.failNextWrites = 100;
    await sync.execute().catch(() => undefined);
    expect((await outboxRowsFor(id))[0].attempts).to.equal(0);
    index.failNextWrites = 0;
    await drainAll();
    expect(index.documents('courses').has(id)).to.equal(true);
  });

  it('keeps drains out while the rebuild replays, swaps and drops, and lets them in after', async () => {
    const outbox = server.running.app.container.get<SearchOutbox>(SEARCH_OUTBOX);
    const id = await createItem('test');
    await recordChange('test', id);
    let release!: () => void;
    const exclusive = outbox.exclusive(() => new Promise<void>((resolve) => (release = resolve)));
    await waitUntil(async () => {
      const { rows } = await db.raw(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted`);
      return rows[0].n > 0;
    });
    expect((await sync.execute()).drained, 'no drain while the rebuild holds the index').to.equal(0);
    release();
    await exclusive;
    await drainAll();
    expect(index.documents('tests').has(id)).to.equal(true);
  });

  describe('rebuilding an index', () => {
    /** Rebuilds the courses' index, doing `happen` once its first batch is loaded; its outcome, or what it threw. */
    const rebuildCoursesDuring = (happen: () => void): Promise<unknown> => {
      let happened = false;
      const onProgress = () => {
        if (!happened) happen();
        happened = true;
      };
      return server.running.app.container
        .get(RebuildSearchIndexHandler)
        .execute({ kind: 'course', batchSize: 1_000, maxInFlight: 1, onProgress })
        .catch((error: unknown) => error);
    };

    it('fills a new index from PostgreSQL, swaps it in and drops the old contents', async () => {
      const ids = [await createItem('course'), await createItem('course'), await createItem('course')];
      index.documents('courses').clear();
      index.documents('courses').set(-1, { ...(await snapshotOf(ids[0])), id: -1 });
      const summary = await server.running.app.container
        .get(RebuildSearchIndexHandler)
        .execute({ kind: 'course', batchSize: 2, maxInFlight: 2 });
      const live = index.documents('courses');
      for (const id of ids) expect(live.has(id), `item ${id}`).to.equal(true);
      expect(live.has(-1), 'stale document gone').to.equal(false);
      expect(live.size).to.equal(Number((await db('courses').count({ n: '*' }))[0].n));
      expect(summary.documents).to.equal(live.size);
      expect([...index.indexes.keys()].filter((name) => name.includes('rebuild'))).to.deep.equal([]);
    });

    it('abandons a failed rebuild while no drain runs, then forgets its staging index', async () => {
      await createItem('test');
      const outbox = server.running.app.container.get<SearchOutbox>(SEARCH_OUTBOX);
      const registry = server.running.app.container.get<ReindexRegistry>(REINDEX_REGISTRY);
      // A drain in progress, as far as the lock goes.
      let release!: () => void;
      const drain = outbox.exclusive(() => new Promise<void>((resolve) => (release = resolve)));
      await waitUntil(async () => {
        const { rows } = await db.raw(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND granted`);
        return rows[0].n > 0;
      });
      const failedBefore = index.unavailableWrites;
      index.failNextWrites = 100;
      const rebuild = server.running.app.container
        .get(RebuildSearchIndexHandler)
        .execute({ kind: 'test', batchSize: 50, maxInFlight: 1 })
        .catch((error: unknown) => error);
      try {
        await waitUntil(async () => index.unavailableWrites > failedBefore);
        await delay(200);
        expect(await registry.stagingIndex('test'), 'kept while the drain runs').to.not.equal(null);
      } finally {
        release();
        await drain;
      }
      expect(await rebuild).to.be.instanceOf(Error);
      index.failNextWrites = 0;
      expect(await registry.stagingIndex('test')).to.equal(null);
      expect([...index.indexes.keys()].filter((name) => name.includes('rebuild'))).to.deep.equal([]);
    });

    it('does not swap in a rebuild that lost its registration while loading, whose index may miss changes', async () => {
      const id = await createItem('course');
      const before = index.documents('courses').get(id);
      const redis = server.running.app.container.get<Redis>(REDIS);
      // Redis emptied during the load: the registration is gone, and drains stop writing the staging index.
      const outcome = await rebuildCoursesDuring(() => void redis.del('search:reindex:course:staging'));
      expect(outcome).to.be.instanceOf(RebuildRegistrationLost);
      expect(index.documents('courses').get(id), 'the live index is left as it was').to.deep.equal(before);
      expect([...index.indexes.keys()].filter((name) => name.includes('rebuild')), 'the staging index is dropped').to.deep.equal([]);
    });

    it('fails a rebuild whose new index goes missing while loading, and still writes changes to the live index', async () => {
      const id = await createItem('course');
      const registry = server.running.app.container.get<ReindexRegistry>(REINDEX_REGISTRY);
      const outcome = await rebuildCoursesDuring(() => {
        const staging = [...index.indexes.keys()].find((name) => name.includes('rebuild'));
        if (staging) index.indexes.delete(staging);
      });
      expect(outcome).to.be.instanceOf(SearchIndexMissing);
      expect(await registry.stagingIndex('course'), 'the failed rebuild is no longer registered').to.equal(null);

      // A drain that meets a registered rebuild's index missing passes it by.
      await index.ensure('courses_rebuild_gone');
      await registry.start('course', 'courses_rebuild_gone');
      try {
        index.indexes.delete('courses_rebuild_gone');
        await db('courses').where({ id }).update({ registration_count: 4 });
        await recordChange('course', id);
        await drainAll();
        expect(index.documents('courses').get(id)?.registrationCount).to.equal(4);
        expect(index.indexes.has('courses_rebuild_gone'), 'not created by the drain').to.equal(false);
      } finally {
        await registry.finish('course', 'courses_rebuild_gone');
      }
    });

    it('writes changes made during the rebuild to both indexes and replays them', async () => {
      const id = await createItem('test');
      const registry = server.running.app.container.get<ReindexRegistry>(REINDEX_REGISTRY);
      await index.ensure('tests_rebuild_manual');
      await registry.start('test', 'tests_rebuild_manual');
      try {
        await db('tests').where({ id }).update({ registration_count: 3 });
        await recordChange('test', id);
        await drainAll();
        expect(index.documents('tests_rebuild_manual').get(id)?.registrationCount).to.equal(3);
        expect(await registry.takeChanged('test')).to.deep.equal([id]);
      } finally {
        await registry.finish('test', 'tests_rebuild_manual');
        await index.drop('tests_rebuild_manual');
      }
    });

    it('refuses a second rebuild of a kind while one runs, and a rebuild ending leaves another one\'s registration alone', async () => {
      const registry = server.running.app.container.get<ReindexRegistry>(REINDEX_REGISTRY);
      await registry.start('course', 'courses_rebuild_first');
      try {
        const second = await registry.start('course', 'courses_rebuild_second').catch((error: unknown) => error);
        expect(second).to.be.instanceOf(RebuildAlreadyRunning);
        expect(String((second as Error).message)).to.contain('courses_rebuild_first');
        await registry.finish('course', 'courses_rebuild_second');
        expect(await registry.stagingIndex('course'), 'not the second one\'s to end').to.equal('courses_rebuild_first');
      } finally {
        await registry.finish('course', 'courses_rebuild_first');
      }
      expect(await registry.stagingIndex('course')).to.equal(null);
    });
  });

  const snapshotOf = async (id: number) => {
    const row = await db('courses').where({ id }).first();
    return {
      kind: 'course' as const, id, title: row.title, description: row.description, price: row.price,
      startAt: row.start_at, endAt: row.end_at, createdAt: row.created_at, registrationCount: row.registration_count, words: [],
    };
  };
});
