import type { OfferingKind } from '../../domain/offering-kind';
import type { OfferingSnapshot } from './search-index';

/** Reads catalogue items one by one or in id order (search index sync, existence checks). */
export interface OfferingSnapshots {
  findByIds(kind: OfferingKind, ids: readonly number[]): Promise<OfferingSnapshot[]>;
  /** The next `limit` items with an id above `afterId`, in id order (a keyset scan). */
  scan(kind: OfferingKind, afterId: number, limit: number): Promise<OfferingSnapshot[]>;
  count(kind: OfferingKind): Promise<number>;
  exists(kind: OfferingKind, id: number): Promise<boolean>;
}

export const OFFERING_SNAPSHOTS = Symbol.for('OfferingSnapshots');
