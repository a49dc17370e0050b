import type { OfferingKind } from '../../domain/offering-kind';
import type { OfferingSnapshot } from './search-index';

/** Reads catalogue items as the search index needs them. */
export interface OfferingSnapshots {
  findByIds(kind: OfferingKind, ids: readonly number[]): Promise<OfferingSnapshot[]>;
  /** The next `limit` items with an id above `afterId`, in id order (a keyset scan). */
  scan(kind: OfferingKind, afterId: number, limit: number): Promise<OfferingSnapshot[]>;
  count(kind: OfferingKind): Promise<number>;
}

export const OFFERING_SNAPSHOTS = Symbol.for('OfferingSnapshots');
