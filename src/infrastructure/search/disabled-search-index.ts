import { injectable } from 'inversify';
import type { SearchIndex } from '../../application/ports/search-index';

/**
 * The search index when no sidecar is configured (`SEARCH_ENGINE=postgres`): PostgreSQL serves
 * search itself, so there is nothing to keep in sync and draining the outbox only trims it.
 */
@injectable()
export class DisabledSearchIndex implements SearchIndex {
  async ensure(): Promise<void> {}
  async upsert(): Promise<void> {}
  async remove(): Promise<void> {}
  async swap(): Promise<void> {}
  async drop(): Promise<void> {}
}
