import type { Settings } from 'meilisearch';

/**
 * Matches beyond this many are out of reach of page numbers, and are not counted exactly. Page
 * numbers reach the first 10,000 results (`MAX_RESULT_WINDOW`), past which both engines answer
 * `page_too_deep`; a larger window raises this with it.
 */
export const MAX_TOTAL_HITS = 10_000;

/** Settings of every catalogue index, applied before any document is added. */
export const offeringIndexSettings = (maxResultWindow: number): Settings => ({
  searchableAttributes: ['title', 'description'],
  filterableAttributes: ['id', 'price_minor', 'start_at_ms', 'end_at_ms', 'created_at_ms', 'registration_count'],
  sortableAttributes: ['id', 'created_at_ms', 'registration_count', 'price_minor', 'start_at_ms'],
  // Relevance first only when no explicit sort is asked for; `sort` then decides the order.
  rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness'],
  // Every page that page numbers may reach is within the hits Meilisearch returns.
  pagination: { maxTotalHits: Math.max(MAX_TOTAL_HITS, maxResultWindow) },
  // The contract: every word matches as typed (the last also as a prefix), as in PostgreSQL.
  typoTolerance: { enabled: false },
});
