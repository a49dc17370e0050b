import { inject, injectable } from 'inversify';
import type { EnqueuedTaskPromise, Meilisearch } from 'meilisearch';
import { type OfferingSnapshot, type SearchIndex, SearchDocumentsRejected } from '../../../application/ports/search-index';
import { MEILISEARCH } from './create-meilisearch-client';
import { toOfferingDocument } from './offering-document';
import { OFFERING_INDEX_SETTINGS } from './offering-index-settings';

const TASK_TIMEOUT_MS = 120_000;

/** The catalogue indexes in Meilisearch; each write waits for its task to succeed. */
@injectable()
export class MeilisearchSearchIndex implements SearchIndex {
  constructor(@inject(MEILISEARCH) private readonly client: Meilisearch) {}

  async ensure(index: string): Promise<void> {
    const exists = await this.client
      .getRawIndex(index)
      .then(() => true)
      .catch((error: { cause?: { code?: string } }) => {
        if (error?.cause?.code === 'index_not_found') return false;
        throw error;
      });
    if (!exists) await this.settle(this.client.createIndex(index, { primaryKey: 'id' }));
    await this.settle(this.client.index(index).updateSettings(OFFERING_INDEX_SETTINGS));
  }

  async upsert(index: string, items: readonly OfferingSnapshot[]): Promise<void> {
    if (items.length === 0) return;
    await this.settle(this.client.index(index).addDocuments(items.map(toOfferingDocument), { primaryKey: 'id' }));
  }

  async remove(index: string, ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.settle(this.client.index(index).deleteDocuments([...ids]));
  }

  async swap(first: string, second: string): Promise<void> {
    await this.settle(this.client.swapIndexes([{ indexes: [first, second], rename: false }]));
  }

  async drop(index: string): Promise<void> {
    await this.client.deleteIndexIfExists(index);
  }

  private async settle(enqueued: EnqueuedTaskPromise): Promise<void> {
    const task = await enqueued.waitTask({ timeout: TASK_TIMEOUT_MS });
    if (task.status !== 'succeeded') {
      // The engine answered and refused the work itself (bad document, bad settings).
      throw new SearchDocumentsRejected(`search task ${task.uid} ${task.status}: ${task.error?.message ?? 'no reason given'}`);
    }
  }
}
