import { type OfferingSnapshot, type SearchIndex, SearchDocumentsRejected, SearchIndexMissing } from '../../src/application/ports/search-index';

export interface IndexWrite {
  readonly operation: 'upsert' | 'remove';
  readonly index: string;
  readonly ids: readonly number[];
}

/**
 * The search index port held in memory, for tests on a machine without a Meilisearch server.
 * It records every write and can be told to fail, to exercise retries and poison items.
 */
export class InMemorySearchIndex implements SearchIndex {
  readonly indexes = new Map<string, Map<number, OfferingSnapshot>>();
  readonly writes: IndexWrite[] = [];
  /** The next this-many writes fail as if the engine were down. */
  failNextWrites = 0;
  /** How many writes failed that way so far. */
  unavailableWrites = 0;
  /** Writes that include one of these ids are refused, as an engine refuses a bad document. */
  readonly poisonIds = new Set<number>();
  /** Each write takes this long, like a slow engine. */
  writeDelayMs = 0;
  /** Writes started so far (incremented before the delay). */
  startedWrites = 0;

  async ensure(index: string): Promise<void> {
    if (!this.indexes.has(index)) this.indexes.set(index, new Map());
  }

  async upsert(index: string, items: readonly OfferingSnapshot[]): Promise<void> {
    this.startedWrites += 1;
    if (this.writeDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.writeDelayMs));
    this.check(items.map((item) => item.id));
    const target = this.indexes.get(index);
    if (!target) throw new SearchIndexMissing(index);
    for (const item of items) target.set(item.id, item);
    this.writes.push({ operation: 'upsert', index, ids: items.map((item) => item.id) });
  }

  async remove(index: string, ids: readonly number[]): Promise<void> {
    this.check(ids);
    const target = this.documents(index);
    for (const id of ids) target.delete(id);
    this.writes.push({ operation: 'remove', index, ids: [...ids] });
  }

  async swap(first: string, second: string): Promise<void> {
    for (const index of [first, second]) if (!this.indexes.has(index)) throw new SearchIndexMissing(index);
    const a = this.documents(first);
    this.indexes.set(first, this.documents(second));
    this.indexes.set(second, a);
  }

  async drop(index: string): Promise<void> {
    this.indexes.delete(index);
  }

  documents(index: string): Map<number, OfferingSnapshot> {
    let documents = this.indexes.get(index);
    if (!documents) {
      documents = new Map();
      this.indexes.set(index, documents);
    }
    return documents;
  }

  writesOf(id: number): IndexWrite[] {
    return this.writes.filter((write) => write.ids.includes(id));
  }

  private check(ids: readonly number[]): void {
    if (this.failNextWrites > 0) {
      this.failNextWrites -= 1;
      this.unavailableWrites += 1;
      throw new Error('search engine unavailable');
    }
    if (ids.some((id) => this.poisonIds.has(id))) throw new SearchDocumentsRejected('document refused');
  }
}
