import { inject, injectable } from 'inversify';
import type { EnqueuedTaskPromise, Meilisearch } from 'meilisearch';
import { type OfferingSnapshot, type SearchIndex, SearchDocumentsRejected, SearchIndexMissing } from '../../../application/ports/search-index';
import { MEILISEARCH } from './create-meilisearch-client';
import { toOfferingDocument } from './offering-document';
import { offeringIndexSettings } from './offering-index-settings';

const TASK_TIMEOUT_MS = 120_000;

/**
 * The JSON one write sends at most. Meilisearch refuses a larger payload than its limit (100 MB
 * by default) with a 413; a batch of items with long texts (each character of an opaque word
 * takes four bytes) can pass it, so a batch is written in as many requests as its size needs.
 */
const MAX_PAYLOAD_BYTES = 16 * 1024 * 1024;

/** Documents in consecutive groups whose JSON stays within `maxBytes` (a larger document alone). */
export function payloadChunks<T>(documents: readonly T[], maxBytes: number): T[][] {
  const chunks: T[][] = [];
  let chunk: T[] = [];
  let bytes = 2;
  for (const document of documents) {
    const size = Buffer.byteLength(JSON.stringify(document)) + 1;
    if (chunk.length > 0 && bytes + size > maxBytes) {
      chunks.push(chunk);
      chunk = [];
      bytes = 2;
    }
    chunk.push(document);
    bytes += size;
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** How many results page numbers reach, so that the index returns at least that many hits. */
export const MEILISEARCH_RESULT_WINDOW = Symbol.for('MeilisearchResultWindow');

/**
 * The catalogue indexes in Meilisearch; each write waits for its task and checks its outcome:
 * documents the engine refuses (`invalid_request`) are reported as rejected, so that the sync
 * sets them aside; an engine failure (`internal`, `system`) is an outage, retried without
 * counting against the documents.
 */
@injectable()
export class MeilisearchSearchIndex implements SearchIndex {
  constructor(
    @inject(MEILISEARCH) private readonly client: Meilisearch,
    @inject(MEILISEARCH_RESULT_WINDOW) private readonly resultWindow: number,
  ) {}

  async ensure(index: string): Promise<void> {
    // Another process (a second worker, or reindex) may create it between the two calls.
    if (!(await this.exists(index))) await this.settle(this.client.createIndex(index, { primaryKey: 'id' }), { existingIndexIsDone: true });
    await this.settle(this.client.index(index).updateSettings(offeringIndexSettings(this.resultWindow)));
  }

  async upsert(index: string, items: readonly OfferingSnapshot[]): Promise<void> {
    if (items.length === 0) return;
    // The engine creates a missing index on a write, with its default settings (no filters, no
    // sorts, typos on): an index deleted or lost meanwhile is reported instead.
    if (!(await this.exists(index))) throw new SearchIndexMissing(index);
    for (const chunk of payloadChunks(items.map(toOfferingDocument), MAX_PAYLOAD_BYTES)) {
      await this.settle(this.client.index(index).addDocuments(chunk, { primaryKey: 'id' }));
    }
  }

  async remove(index: string, ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    // Documents of an index that does not exist are gone already.
    await this.settle(this.client.index(index).deleteDocuments([...ids]), { missingIndexIsDone: true });
  }

  async swap(first: string, second: string): Promise<void> {
    for (const index of [first, second]) if (!(await this.exists(index))) throw new SearchIndexMissing(index);
    await this.settle(this.client.swapIndexes([{ indexes: [first, second], rename: false }]));
  }

  async drop(index: string): Promise<void> {
    await this.settle(this.client.index(index).delete(), { missingIndexIsDone: true });
  }

  private exists(index: string): Promise<boolean> {
    return this.client
      .getRawIndex(index)
      .then(() => true)
      .catch((error: { cause?: { code?: string } }) => {
        if (error?.cause?.code === 'index_not_found') return false;
        throw error;
      });
  }

  private async settle(enqueued: EnqueuedTaskPromise, { missingIndexIsDone = false, existingIndexIsDone = false } = {}): Promise<void> {
    const task = await enqueued.waitTask({ timeout: TASK_TIMEOUT_MS });
    if (task.status === 'succeeded') return;
    const reason = `search task ${task.uid} ${task.status}: ${task.error?.message ?? 'no reason given'}`;
    if (missingIndexIsDone && task.error?.code === 'index_not_found') return;
    if (existingIndexIsDone && task.error?.code === 'index_already_exists') return;
    // Only a refusal of the request itself is about the documents; anything else is the engine's.
    if (task.error?.type === 'invalid_request') throw new SearchDocumentsRejected(reason);
    throw new Error(reason);
  }
}
