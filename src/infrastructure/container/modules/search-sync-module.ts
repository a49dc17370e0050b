import { ContainerModule } from 'inversify';
import { RebuildSearchIndexHandler } from '../../../application/commands/rebuild-search-index/rebuild-search-index-handler';
import { SyncSearchIndexHandler } from '../../../application/commands/sync-search-index/sync-search-index-handler';
import { OFFERING_SNAPSHOTS } from '../../../application/ports/offering-snapshots';
import { REINDEX_REGISTRY } from '../../../application/ports/reindex-registry';
import { SEARCH_OUTBOX } from '../../../application/ports/search-outbox';
import { SEARCH_SYNC_TRIGGER } from '../../../application/ports/search-sync-trigger';
import { KnexOfferingSnapshots } from '../../knex/knex-offering-snapshots';
import { KnexSearchOutbox } from '../../knex/knex-search-outbox';
import { BullSearchSyncTrigger } from '../../queue/search-sync-queue';
import { RedisReindexRegistry } from '../../redis/redis-reindex-registry';

/** The outbox → queue → index pipeline that keeps the search sidecar in sync, and rebuilds. */
export const searchSyncModule = new ContainerModule(({ bind }) => {
  bind(SEARCH_OUTBOX).to(KnexSearchOutbox);
  bind(OFFERING_SNAPSHOTS).to(KnexOfferingSnapshots);
  bind(REINDEX_REGISTRY).to(RedisReindexRegistry);
  bind(SEARCH_SYNC_TRIGGER).to(BullSearchSyncTrigger);
  bind(SyncSearchIndexHandler).toSelf();
  bind(RebuildSearchIndexHandler).toSelf();
});
