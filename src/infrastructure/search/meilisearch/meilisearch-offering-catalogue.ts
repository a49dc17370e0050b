import { inject, injectable } from 'inversify';
import type { Meilisearch } from 'meilisearch';
import type {
  CatalogueCount,
  CatalogueFilter,
  CatalogueDetail,
  CatalogueItem,
  CatalogueQuery,
  CatalogueSlice,
  OfferingCatalogue,
} from '../../../application/ports/offering-catalogue';
import { SEARCH_INDEX_NAMING, type SearchIndexNaming, liveIndexName } from '../../../application/search/index-names';
import type { OfferingKind } from '../../../domain/offering-kind';
import { PostgresOfferingCatalogue } from '../postgres/postgres-offering-catalogue';
import { MEILISEARCH } from './create-meilisearch-client';
import { positionValues, toMeilisearchCount, toMeilisearchSearch } from './meilisearch-query';
import type { Redis } from 'ioredis';
import { REDIS } from '../../redis/create-redis';
import { CountCache } from '../count-cache';
import { CATALOGUE_COUNT_POLICY, type CatalogueCountPolicy } from '../postgres/catalogue-counter';
import { MAX_TOTAL_HITS } from './offering-index-settings';
import { MEILISEARCH_RESULT_WINDOW } from './meilisearch-search-index';
import type { OfferingDocument } from './offering-document';

/** How often, at most, an indexing lets go of a kind's kept counts. */
const CAUGHT_UP_EVERY_MS = 5_000;

/**
 * Catalogue lists served from the Meilisearch index of each kind (`SEARCH_ENGINE=meilisearch`).
 * Details are read from PostgreSQL, the source of truth; `is_registered` is answered from
 * PostgreSQL by the list handler for the page's ids.
 */
@injectable()
export class MeilisearchOfferingCatalogue implements OfferingCatalogue {
  private readonly cache: CountCache;
  /** When the counts of each kind were last let go after an indexing, and the kinds waiting to be. */
  private readonly forgottenAt = new Map<OfferingKind, number>();
  private readonly forgetLater = new Set<OfferingKind>();

  constructor(
    @inject(MEILISEARCH) private readonly client: Meilisearch,
    @inject(SEARCH_INDEX_NAMING) private readonly naming: SearchIndexNaming,
    @inject(PostgresOfferingCatalogue) private readonly postgres: PostgresOfferingCatalogue,
    @inject(MEILISEARCH_RESULT_WINDOW) private readonly resultWindow: number,
    @inject(REDIS) redis: Redis,
    @inject(CATALOGUE_COUNT_POLICY) countPolicy: CatalogueCountPolicy,
  ) {
    this.cache = new CountCache(redis, countPolicy.cacheSeconds, 'meilisearch-count');
  }

  async list(query: CatalogueQuery): Promise<CatalogueSlice> {
    const { q, ...params } = toMeilisearchSearch(query);
    const response = await this.client.index<OfferingDocument>(liveIndexName(this.naming, query.kind)).search(q, params);
    const hits = response.hits as unknown as OfferingDocument[];
    const more = hits.length > query.limit;
    const items = hits.slice(0, query.limit).map((hit) => toItem(hit, positionValues(query, hit as unknown as Record<string, number>)));
    return { items: query.after?.direction === 'previous' ? items.reverse() : items, more };
  }

  /**
   * Exact up to the index's `maxTotalHits`; a larger set is beyond what Meilisearch counts, and
   * its size is taken from PostgreSQL, which estimates large sets without counting them. An
   * exhaustive count is expensive in Meilisearch: counts are cached like PostgreSQL's.
   */
  count(filter: CatalogueFilter): Promise<CatalogueCount> {
    return this.cache.count(filter, () => this.computeCount(filter));
  }

  forgetCounts(kind: OfferingKind): Promise<void> {
    return this.cache.forget(kind);
  }

  /**
   * A count made between a change and its indexing counted the index as it was: it is not kept
   * past the indexing. Registrations reach the index as often as they are made, and counts do not
   * depend on them: counts are let go at most every `CAUGHT_UP_EVERY_MS`, at the end of the spell
   * where an indexing came early, so that they are still kept under a stream of registrations.
   */
  indexCaughtUp(kind: OfferingKind): Promise<void> {
    const wait = (this.forgottenAt.get(kind) ?? 0) + CAUGHT_UP_EVERY_MS - Date.now();
    if (wait <= 0) return this.forgetNow(kind);
    if (!this.forgetLater.has(kind)) {
      this.forgetLater.add(kind);
      setTimeout(() => {
        this.forgetLater.delete(kind);
        void this.forgetNow(kind);
      }, wait).unref();
    }
    return Promise.resolve();
  }

  private forgetNow(kind: OfferingKind): Promise<void> {
    this.forgottenAt.set(kind, Date.now());
    return this.cache.forget(kind);
  }

  private async computeCount(filter: CatalogueFilter): Promise<CatalogueCount> {
    const { q, ...params } = toMeilisearchCount(filter);
    const response = await this.client.index(liveIndexName(this.naming, filter.kind)).search(q, params);
    if (response.totalHits < Math.max(MAX_TOTAL_HITS, this.resultWindow)) return { value: response.totalHits, estimated: false };
    return this.postgres.count(filter);
  }

  /** Counted in PostgreSQL, the source of truth, which stops at the limit. */
  countUpTo(filter: CatalogueFilter, limit: number): Promise<number | null> {
    return this.postgres.countUpTo(filter, limit);
  }

  mostItems(kind: OfferingKind): Promise<number> {
    return this.postgres.mostItems(kind);
  }

  get(kind: OfferingKind, id: number, viewerId: number): Promise<CatalogueDetail | null> {
    return this.postgres.get(kind, id, viewerId);
  }
}

function toItem(document: OfferingDocument, values: string[]): CatalogueItem {
  return {
    id: document.id,
    title: document.title,
    description: document.description,
    price: document.price,
    startAt: new Date(document.start_at),
    endAt: new Date(document.end_at),
    createdAt: new Date(document.created_at),
    registrationCount: document.registration_count,
    position: { values, id: document.id },
  };
}
