import { inject, injectable } from 'inversify';
import { ALL_OFFERING_KINDS, type OfferingKind } from '../../../domain/offering-kind';
import { OFFERING_CATALOGUE, type OfferingCatalogue } from '../../ports/offering-catalogue';
import { OFFERING_SNAPSHOTS, type OfferingSnapshots } from '../../ports/offering-snapshots';
import { REINDEX_REGISTRY, type ReindexRegistry } from '../../ports/reindex-registry';
import { SEARCH_INDEX, type SearchIndex, SearchDocumentsRejected, SearchIndexMissing } from '../../ports/search-index';
import { type DrainOutcome, type OutboxEntry, SEARCH_OUTBOX, type SearchOutbox } from '../../ports/search-outbox';
import { SEARCH_INDEX_NAMING, type SearchIndexNaming, liveIndexName } from '../../search/index-names';

export interface SearchSyncPolicy {
  readonly batchSize: number;
  /** After this many failed attempts an entry is left aside (a dead letter) and no longer blocks. */
  readonly maxAttempts: number;
}

export const SEARCH_SYNC_POLICY = Symbol.for('SearchSyncPolicy');

export interface SyncResult {
  readonly drained: number;
  /** True when the batch was full, so more entries are probably waiting. */
  readonly more: boolean;
  /**
   * Live indexes found missing (deleted, or lost by the engine) and created again with their
   * settings: they hold only what was written since, until the index is rebuilt.
   */
  readonly recreatedIndexes: readonly string[];
}

/**
 * Drains one batch of the search outbox: the entries are coalesced by item, each item is read
 * afresh from PostgreSQL and written to the index (or removed from it when it no longer exists);
 * then counts kept from the index as it was are let go.
 * Replaying a batch writes the same documents again, so it changes nothing.
 */
@injectable()
export class SyncSearchIndexHandler {
  constructor(
    @inject(SEARCH_OUTBOX) private readonly outbox: SearchOutbox,
    @inject(OFFERING_SNAPSHOTS) private readonly snapshots: OfferingSnapshots,
    @inject(SEARCH_INDEX) private readonly index: SearchIndex,
    @inject(REINDEX_REGISTRY) private readonly reindex: ReindexRegistry,
    @inject(SEARCH_INDEX_NAMING) private readonly naming: SearchIndexNaming,
    @inject(SEARCH_SYNC_POLICY) private readonly policy: SearchSyncPolicy,
    @inject(OFFERING_CATALOGUE) private readonly catalogue: Pick<OfferingCatalogue, 'indexCaughtUp'>,
  ) {}

  async execute(): Promise<SyncResult> {
    const recreated = new Set<string>();
    const drained = await this.outbox.drain(this.policy.batchSize, this.policy.maxAttempts, (entries) => this.apply(entries, recreated));
    return { drained, more: drained >= this.policy.batchSize, recreatedIndexes: [...recreated] };
  }

  /**
   * An unavailable index throws out of here, so that nothing is deleted or counted and the job
   * is retried with backoff; only documents the engine refuses are counted against their entries.
   */
  private async apply(entries: readonly OutboxEntry[], recreated: Set<string>): Promise<DrainOutcome> {
    const failedEntryIds: number[] = [];
    let lastError: string | undefined;
    for (const kind of ALL_OFFERING_KINDS) {
      const ofKind = entries.filter((entry) => entry.kind === kind);
      const ids = [...new Set(ofKind.map((entry) => entry.itemId))];
      if (ids.length === 0) continue;
      const refusedIds = await this.writeItems(kind, ids, recreated)
        .then(() => new Set<number>())
        .catch(async (error: unknown) => {
          if (!(error instanceof SearchDocumentsRejected)) throw error;
          lastError = describe(error);
          return this.writeOneByOne(kind, ids, recreated);
        });
      failedEntryIds.push(...ofKind.filter((entry) => refusedIds.has(entry.itemId)).map((entry) => entry.id));
      await this.catalogue.indexCaughtUp(kind);
    }
    return { failedEntryIds, lastError };
  }

  /**
   * Writes the items to the live index, and to the index being rebuilt if there is one. A live
   * index found missing is created again with its settings and written; an index being rebuilt
   * found missing is passed by, since its rebuild then fails at its own next write or its swap.
   */
  private async writeItems(kind: OfferingKind, ids: readonly number[], recreated: Set<string>): Promise<void> {
    const found = await this.snapshots.findByIds(kind, ids);
    const foundIds = new Set(found.map((item) => item.id));
    const gone = ids.filter((id) => !foundIds.has(id));
    const write = async (target: string) => {
      if (found.length > 0) await this.index.upsert(target, found);
      if (gone.length > 0) await this.index.remove(target, gone);
    };
    const staging = await this.reindex.stagingIndex(kind);
    // The index being rebuilt first: it is the one that becomes live.
    if (staging) await write(staging).catch(whenIndexMissing(() => undefined));
    const live = liveIndexName(this.naming, kind);
    await write(live).catch(
      whenIndexMissing(async () => {
        await this.index.ensure(live);
        recreated.add(live);
        await write(live);
      }),
    );
    if (staging) await this.reindex.recordChanged(kind, ids);
  }

  /** Isolates the items the index refuses, so that one bad item cannot block the others. */
  private async writeOneByOne(kind: OfferingKind, ids: readonly number[], recreated: Set<string>): Promise<Set<number>> {
    const refused = new Set<number>();
    for (const id of ids) {
      await this.writeItems(kind, [id], recreated).catch((error: unknown) => {
        if (!(error instanceof SearchDocumentsRejected)) throw error;
        refused.add(id);
      });
    }
    return refused;
  }
}

/** Handles a `SearchIndexMissing` with `then`, and throws any other error again. */
const whenIndexMissing =
  (then: () => Promise<void> | void) =>
  async (error: unknown): Promise<void> => {
    if (!(error instanceof SearchIndexMissing)) throw error;
    await then();
  };

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error)).slice(0, 1000);
