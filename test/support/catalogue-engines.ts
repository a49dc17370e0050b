import { RebuildSearchIndexHandler } from '../../src/application/commands/rebuild-search-index/rebuild-search-index-handler';
import { SyncSearchIndexHandler } from '../../src/application/commands/sync-search-index/sync-search-index-handler';
import { SEARCH_INDEX, type SearchIndex } from '../../src/application/ports/search-index';
import { SEARCH_INDEX_NAMING, type SearchIndexNaming, liveIndexName } from '../../src/application/search/index-names';
import { ALL_OFFERING_KINDS, type OfferingKind } from '../../src/domain/offering-kind';
import { type TestServer, sharedServer, startTestServer } from './test-server';
import { uniqueName } from './users';

/**
 * A search engine the catalogue's lists can be served from. The catalogue suites run once per
 * engine, so both adapters are held to the same contract.
 */
export interface CatalogueEngine {
  readonly name: 'postgres' | 'meilisearch';
  /** Why the engine cannot run here (the suite is then skipped), or null. */
  readonly unavailable: string | null;
  start(kind: OfferingKind): Promise<TestServer>;
  /**
   * Makes items written straight to the database, and changes made by commands since, visible to
   * the engine's lists, the way the search sync would.
   */
  publish(server: TestServer, kind: OfferingKind, ids?: readonly number[]): Promise<void>;
  stop(server: TestServer): Promise<void>;
}

const postgres: CatalogueEngine = {
  name: 'postgres',
  unavailable: null,
  start: () => sharedServer(),
  publish: async () => undefined,
  stop: async () => undefined,
};

/** Fresh indexes per run, filled from PostgreSQL, then kept in sync through the outbox. */
function meilisearch(): CatalogueEngine {
  const prefix = `${uniqueName('catalogue')}_`;
  return {
    name: 'meilisearch',
    unavailable: process.env.MEILISEARCH_URL ? null : 'MEILISEARCH_URL is not set',
    async start(kind) {
      const server = await startTestServer({ SEARCH_ENGINE: 'meilisearch', MEILISEARCH_INDEX_PREFIX: prefix });
      await server.running.app.container.get(RebuildSearchIndexHandler).execute({ kind, batchSize: 1000, maxInFlight: 2 });
      return server;
    },
    async publish(server, kind, ids = []) {
      if (ids.length > 0) {
        await server.db('search_outbox').insert(ids.map((id) => ({ item_kind: kind, item_id: id, operation: 'upsert' })));
      }
      const sync = server.running.app.container.get(SyncSearchIndexHandler);
      while ((await sync.execute()).more);
    },
    async stop(server) {
      const { container } = server.running.app;
      const naming = container.get<SearchIndexNaming>(SEARCH_INDEX_NAMING);
      for (const kind of ALL_OFFERING_KINDS) await container.get<SearchIndex>(SEARCH_INDEX).drop(liveIndexName(naming, kind)).catch(() => undefined);
      await server.running.close();
    },
  };
}

export const CATALOGUE_ENGINES: readonly CatalogueEngine[] = [postgres, meilisearch()];
