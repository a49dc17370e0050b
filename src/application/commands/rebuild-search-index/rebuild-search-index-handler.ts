import { inject, injectable } from 'inversify';
import type { OfferingKind } from '../../../domain/offering-kind';
import { CLOCK, type Clock } from '../../ports/clock';
import { OFFERING_SNAPSHOTS, type OfferingSnapshots } from '../../ports/offering-snapshots';
import { REGISTRATION_TTL_SECONDS, REINDEX_REGISTRY, RebuildRegistrationLost, type ReindexRegistry } from '../../ports/reindex-registry';
import { SEARCH_INDEX, type SearchIndex } from '../../ports/search-index';
import { SEARCH_OUTBOX, type SearchOutbox } from '../../ports/search-outbox';
import { SEARCH_INDEX_NAMING, type SearchIndexNaming, liveIndexName, stagingIndexName } from '../../search/index-names';

export interface RebuildSearchIndexCommand {
  readonly kind: OfferingKind;
  readonly batchSize: number;
  /** Index writes allowed in flight at once. */
  readonly maxInFlight: number;
  readonly onProgress?: (progress: { readonly loaded: number; readonly total: number }) => void;
}

export interface RebuildSummary {
  readonly kind: OfferingKind;
  readonly index: string;
  readonly documents: number;
  readonly replayed: number;
  readonly milliseconds: number;
}

/**
 * Rebuilds the index of a kind from scratch without downtime: a new index with the same
 * settings is filled from a keyset scan of PostgreSQL while the live one keeps serving; changes
 * made meanwhile are written to both by the sync and replayed afresh at the end; then the two
 * are swapped atomically and the old contents dropped.
 */
@injectable()
export class RebuildSearchIndexHandler {
  constructor(
    @inject(OFFERING_SNAPSHOTS) private readonly snapshots: OfferingSnapshots,
    @inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @inject(REINDEX_REGISTRY) private readonly reindex: ReindexRegistry,
    @inject(SEARCH_INDEX_NAMING) private readonly naming: SearchIndexNaming,
    @inject(SEARCH_OUTBOX) private readonly outbox: SearchOutbox,
    @inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: RebuildSearchIndexCommand): Promise<RebuildSummary> {
    const started = this.clock.now().getTime();
    const { kind } = command;
    const live = liveIndexName(this.naming, kind);
    const staging = stagingIndexName(this.naming, kind, started);

    await this.index.ensure(live);
    await this.index.ensure(staging);
    await this.reindex.start(kind, staging);
    // The registration lapses soon after a rebuild dies, so that the kind is free again.
    const alive = setInterval(() => void this.reindex.keepAlive(kind, staging).catch(() => undefined), (REGISTRATION_TTL_SECONDS * 1000) / 4);
    alive.unref();
    try {
      const total = await this.snapshots.count(kind);
      const documents = await this.load(command, staging, total);
      // The last replay, the swap and the drop run while no drain does: a drain between the swap
      // and its own second write would send a change to the old index, or re-create the dropped
      // one by writing to it.
      const replayed = await this.outbox.exclusive(async () => {
        // Drains write to the staging index, and record what they wrote, only while this rebuild
        // is registered: a registration lost meanwhile (Redis emptied, or out of reach for longer
        // than it lasts) means changes that reached only the live index, and the new one would
        // not have them.
        if ((await this.reindex.stagingIndex(kind)) !== staging) throw new RebuildRegistrationLost(kind, staging);
        const count = await this.replayChanges(kind, staging);
        await this.index.swap(live, staging);
        await this.reindex.finish(kind, staging);
        await this.index.drop(staging);
        return count;
      });
      return { kind, index: live, documents, replayed, milliseconds: this.clock.now().getTime() - started };
    } catch (error) {
      // Abandoned the same way, while no drain runs: a drain that had already read the staging
      // index would otherwise write to it after the drop, and the engine re-create it.
      const abandon = async () => {
        await this.reindex.finish(kind, staging);
        await this.index.drop(staging).catch(() => undefined);
      };
      await this.outbox.exclusive(abandon).catch(abandon);
      throw error;
    } finally {
      clearInterval(alive);
    }
  }

  private async load(command: RebuildSearchIndexCommand, staging: string, total: number): Promise<number> {
    const inFlight = new Set<Promise<void>>();
    let failure: unknown = null;
    let loaded = 0;
    let afterId = 0;
    while (failure === null) {
      const batch = await this.snapshots.scan(command.kind, afterId, command.batchSize);
      if (batch.length === 0) break;
      afterId = batch[batch.length - 1].id;
      const write: Promise<void> = this.index
        .upsert(staging, batch)
        .then(() => {
          loaded += batch.length;
          command.onProgress?.({ loaded, total });
        })
        .catch((error: unknown) => {
          failure ??= error;
        })
        .finally(() => inFlight.delete(write));
      inFlight.add(write);
      if (inFlight.size >= command.maxInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    if (failure !== null) throw failure;
    return loaded;
  }

  /** Items changed during the load are read again and written after every load batch. */
  private async replayChanges(kind: OfferingKind, staging: string): Promise<number> {
    const ids = await this.reindex.takeChanged(kind);
    if (ids.length === 0) return 0;
    const found = await this.snapshots.findByIds(kind, ids);
    const foundIds = new Set(found.map((item) => item.id));
    if (found.length > 0) await this.index.upsert(staging, found);
    const gone = ids.filter((id) => !foundIds.has(id));
    if (gone.length > 0) await this.index.remove(staging, gone);
    return ids.length;
  }
}
