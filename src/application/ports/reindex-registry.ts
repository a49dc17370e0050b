import type { OfferingKind } from '../../domain/offering-kind';

/**
 * Shared state of a running index rebuild: which index is being built for a kind, and which
 * items changed meanwhile, so that the sync writes to both indexes and the rebuild replays them.
 */
export interface ReindexRegistry {
  /**
   * Registers the rebuild of a kind into `stagingIndex`; throws `RebuildAlreadyRunning` while
   * another rebuild of the kind is registered. A registration lapses unless kept alive.
   */
  start(kind: OfferingKind, stagingIndex: string): Promise<void>;
  /** Keeps this rebuild's registration from lapsing (call it well within `REGISTRATION_TTL_SECONDS`). */
  keepAlive(kind: OfferingKind, stagingIndex: string): Promise<void>;
  stagingIndex(kind: OfferingKind): Promise<string | null>;
  recordChanged(kind: OfferingKind, ids: readonly number[]): Promise<void>;
  /** Returns and forgets the items recorded as changed so far. */
  takeChanged(kind: OfferingKind): Promise<number[]>;
  /** Ends this rebuild's registration; another rebuild's is left alone. */
  finish(kind: OfferingKind, stagingIndex: string): Promise<void>;
}

/** How long a rebuild's registration lasts without being kept alive: a rebuild that died frees its kind soon. */
export const REGISTRATION_TTL_SECONDS = 120;

export class RebuildAlreadyRunning extends Error {
  constructor(kind: OfferingKind, stagingIndex: string) {
    super(`a rebuild of the ${kind} index is already running (into ${stagingIndex}); wait for it to end`);
    this.name = 'RebuildAlreadyRunning';
  }
}

export class RebuildRegistrationLost extends Error {
  constructor(kind: OfferingKind, stagingIndex: string) {
    super(`the rebuild of the ${kind} index into ${stagingIndex} lost its registration (Redis emptied, or out of reach for longer than it lasts): changes made meanwhile may be missing from it, so it is not swapped in; run it again`);
    this.name = 'RebuildRegistrationLost';
  }
}

export const REINDEX_REGISTRY = Symbol.for('ReindexRegistry');
