import type { Settings } from 'meilisearch';

/** Matches beyond this many are out of reach of page numbers, and are not counted exactly. */
export const MAX_TOTAL_HITS = 10_000;

/** Settings of every catalogue index, applied before any document is added. */
export const OFFERING_INDEX_SETTINGS: Settings = {
  searchableAttributes: ['title', 'description'],
  filterableAttributes: ['id', 'price_minor', 'start_at_ms', 'end_at_ms', 'created_at_ms', 'registration_count'],
  sortableAttributes: ['id', 'created_at_ms', 'registration_count', 'price_minor', 'start_at_ms'],
  // Relevance first only when no explicit sort is asked for; `sort` then decides the order.
  rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness'],
  // Deep page numbers beyond this are answered with 404; cursors reach any depth.
  pagination: { maxTotalHits: MAX_TOTAL_HITS },
};
