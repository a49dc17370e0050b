import type { Settings } from 'meilisearch';
import type { OfferingDocument } from './offering-document';

/**
 * Matches beyond this many are out of reach of page numbers, and are not counted exactly. Page
 * numbers reach the first 10,000 results (`MAX_RESULT_WINDOW`), past which both engines answer
 * `page_too_deep`; a larger window raises this with it.
 */
export const MAX_TOTAL_HITS = 10_000;

/** What a search returns of each document: every attribute but the words (the type keeps it whole). */
const DISPLAYED: Record<Exclude<keyof OfferingDocument, 'words'>, true> = {
  id: true,
  title: true,
  description: true,
  price: true,
  price_minor: true,
  start_at: true,
  end_at: true,
  created_at: true,
  start_at_ms: true,
  end_at_ms: true,
  created_at_ms: true,
  registration_count: true,
};

/** Settings of every catalogue index, applied before any document is added. */
export const offeringIndexSettings = (maxResultWindow: number): Settings => ({
  // PostgreSQL's words of the title and description, opaque to Meilisearch's own segmentation.
  searchableAttributes: ['words'],
  // Their ASCII letters read as English: no language's own segmentation (German compounds) applies.
  localizedAttributes: [{ attributePatterns: ['words'], locales: ['eng'] }],
  displayedAttributes: Object.keys(DISPLAYED),
  filterableAttributes: ['id', 'price_minor', 'start_at_ms', 'end_at_ms', 'created_at_ms', 'registration_count'],
  sortableAttributes: ['id', 'created_at_ms', 'registration_count', 'price_minor', 'start_at_ms'],
  // Relevance first only when no explicit sort is asked for; `sort` then decides the order.
  rankingRules: ['sort', 'words', 'typo', 'proximity', 'attribute', 'exactness'],
  // Every page that page numbers may reach is within the hits Meilisearch returns.
  pagination: { maxTotalHits: Math.max(MAX_TOTAL_HITS, maxResultWindow) },
  // The contract: every word matches as typed (the last also as a prefix), as in PostgreSQL.
  typoTolerance: { enabled: false },
});
