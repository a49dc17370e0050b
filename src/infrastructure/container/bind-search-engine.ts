import type { Container } from 'inversify';
import { OFFERING_CATALOGUE } from '../../application/ports/offering-catalogue';
import { SEARCH_INDEX, type SearchIndex } from '../../application/ports/search-index';
import { PostgresOfferingCatalogue } from '../search/postgres/postgres-offering-catalogue';
import { MeilisearchOfferingCatalogue } from '../search/meilisearch/meilisearch-offering-catalogue';
import type { Config } from '../config/config';
import type { DependencyProbe } from '../health/dependency-probe';
import { DisabledSearchIndex } from '../search/disabled-search-index';
import { MEILISEARCH, createMeilisearchClient } from '../search/meilisearch/create-meilisearch-client';
import { MEILISEARCH_RESULT_WINDOW, MeilisearchSearchIndex } from '../search/meilisearch/meilisearch-search-index';

/**
 * Binds the search sidecar's adapters for the configured engine. With `postgres` there is no
 * sidecar and PostgreSQL answers the lists; with `meilisearch` the lists come from its index.
 * Returns the readiness probes it adds.
 */
export function bindSearchEngine(container: Container, config: Config, override?: SearchIndex): DependencyProbe[] {
  if (config.searchEngine !== 'meilisearch' || !config.meilisearchUrl) {
    container.bind(OFFERING_CATALOGUE).toService(PostgresOfferingCatalogue);
    if (override) container.bind(SEARCH_INDEX).toConstantValue(override);
    else container.bind(SEARCH_INDEX).to(DisabledSearchIndex);
    return [];
  }
  const client = createMeilisearchClient(config.meilisearchUrl, config.meilisearchApiKey);
  container.bind(MEILISEARCH).toConstantValue(client);
  container.bind(MEILISEARCH_RESULT_WINDOW).toConstantValue(config.maxResultWindow);
  container.bind(OFFERING_CATALOGUE).to(MeilisearchOfferingCatalogue);
  if (override) container.bind(SEARCH_INDEX).toConstantValue(override);
  else container.bind(SEARCH_INDEX).to(MeilisearchSearchIndex);
  return [{ name: 'meilisearch', check: async () => void (await client.health()) }];
}
