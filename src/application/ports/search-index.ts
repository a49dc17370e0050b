import type { OfferingKind } from '../../domain/offering-kind';
import type { OfferingFields } from './offering-fields';

/** What the search index holds of one catalogue item, as read from PostgreSQL. */
export interface OfferingSnapshot extends OfferingFields {
  readonly kind: OfferingKind;
  /**
   * The words a search finds the item by, as the catalogue's own word search reads its title and
   * description: lower-cased, in the order they occur (a word once per occurrence).
   */
  readonly words: readonly string[];
}

/** The engine refused the documents themselves; any other failure means it is unavailable. */
export class SearchDocumentsRejected extends Error {}

/** A write went to an index that does not exist (deleted, or lost by the engine): nothing was written. */
export class SearchIndexMissing extends Error {
  constructor(readonly index: string) {
    super(`search index "${index}" does not exist`);
  }
}

/**
 * The search sidecar's indexes, addressed by name. Every write resolves only once the engine
 * has applied it, so a caller that saw it resolve may forget what it wrote.
 */
export interface SearchIndex {
  /** Creates the index with the catalogue's settings if it does not exist; applies them if it does. */
  ensure(index: string): Promise<void>;
  /**
   * Adds or replaces the items' documents in an index that exists; throws `SearchIndexMissing`
   * when it does not, rather than let the engine create it without the catalogue's settings.
   */
  upsert(index: string, items: readonly OfferingSnapshot[]): Promise<void>;
  remove(index: string, ids: readonly number[]): Promise<void>;
  /** Exchanges the contents of two indexes atomically (zero-downtime rebuilds); both must exist. */
  swap(first: string, second: string): Promise<void>;
  drop(index: string): Promise<void>;
}

export const SEARCH_INDEX = Symbol.for('SearchIndex');
