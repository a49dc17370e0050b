import { Meilisearch } from 'meilisearch';

export const MEILISEARCH = Symbol.for('Meilisearch');

/** A request Meilisearch has not answered after this long is abandoned (a 503 to the client). */
export const MEILISEARCH_REQUEST_TIMEOUT_MS = 5_000;

export function createMeilisearchClient(url: string, apiKey: string | null, timeoutMs = MEILISEARCH_REQUEST_TIMEOUT_MS): Meilisearch {
  return new Meilisearch({ host: url, apiKey: apiKey ?? undefined, timeout: timeoutMs });
}
