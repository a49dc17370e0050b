import type { OfferingKind } from '../../domain/offering-kind';

/**
 * Shared state of a running index rebuild: which index is being built for a kind, and which
 * items changed meanwhile, so that the sync writes to both indexes and the rebuild replays them.
 */
export interface ReindexRegistry {
  start(kind: OfferingKind, stagingIndex: string): Promise<void>;
  stagingIndex(kind: OfferingKind): Promise<string | null>;
  recordChanged(kind: OfferingKind, ids: readonly number[]): Promise<void>;
  /** Returns and forgets the items recorded as changed so far. */
  takeChanged(kind: OfferingKind): Promise<number[]>;
  finish(kind: OfferingKind): Promise<void>;
}

export const REINDEX_REGISTRY = Symbol.for('ReindexRegistry');
