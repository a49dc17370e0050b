import type { Container } from 'inversify';
import { SEARCH_INDEX, type SearchIndex } from '../../application/ports/search-index';
import type { Config } from '../config/config';
import type { DependencyProbe } from '../health/dependency-probe';
import { DisabledSearchIndex } from '../search/disabled-search-index';
import { MEILISEARCH, createMeilisearchClient } from '../search/meilisearch/create-meilisearch-client';
import { MeilisearchSearchIndex } from '../search/meilisearch/meilisearch-search-index';

/**
 * Binds the search sidecar's adapters for the configured engine. With `postgres` there is no
 * sidecar; with `meilisearch` its client is bound. Returns the readiness probes it adds.
 */
export function bindSearchEngine(container: Container, config: Config, override?: SearchIndex): DependencyProbe[] {
  if (override) {
    container.bind(SEARCH_INDEX).toConstantValue(override);
    return [];
  }
  if (config.searchEngine !== 'meilisearch' || !config.meilisearchUrl) {
    container.bind(SEARCH_INDEX).to(DisabledSearchIndex);
    return [];
  }
  const client = createMeilisearchClient(config.meilisearchUrl, config.meilisearchApiKey);
  container.bind(MEILISEARCH).toConstantValue(client);
  container.bind(SEARCH_INDEX).to(MeilisearchSearchIndex);
  return [{ name: 'meilisearch', check: async () => void (await client.health()) }];
}
