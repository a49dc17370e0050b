import { OFFERING_KINDS, type OfferingKind } from '../../domain/offering-kind';

export interface SearchIndexNaming {
  /** Prepended to every index name, so that several deployments can share one engine. */
  readonly prefix: string;
}

export const SEARCH_INDEX_NAMING = Symbol.for('SearchIndexNaming');

/** The live index of a kind: `tests`, `courses` (with the configured prefix). */
export const liveIndexName = (naming: SearchIndexNaming, kind: OfferingKind): string =>
  `${naming.prefix}${OFFERING_KINDS[kind].plural}`;

/** A fresh index to rebuild a kind into. */
export const stagingIndexName = (naming: SearchIndexNaming, kind: OfferingKind, stamp: number): string =>
  `${liveIndexName(naming, kind)}_rebuild_${stamp}`;
