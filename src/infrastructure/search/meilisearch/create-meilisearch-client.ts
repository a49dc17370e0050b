import { Meilisearch } from 'meilisearch';

export const MEILISEARCH = Symbol.for('Meilisearch');

export function createMeilisearchClient(url: string, apiKey: string | null): Meilisearch {
  return new Meilisearch({ host: url, apiKey: apiKey ?? undefined });
}
