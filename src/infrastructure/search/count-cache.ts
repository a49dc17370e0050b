import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CatalogueCount, CatalogueFilter } from '../../application/ports/offering-catalogue';
import { hasSearchTerms } from './postgres/search-terms';

/** Counts are kept in the process this long (at most), on top of the shared cache in Redis. */
const LOCAL_COUNT_SECONDS = 5;
const LOCAL_COUNT_ENTRIES = 10_000;

/**
 * List counts kept in Redis for `cacheSeconds` (computed anyway when Redis is down) and for a few
 * seconds in the process, sparing the hottest lists a round trip; concurrent requests for the
 * same count share one computation. Used by both search engines, each under its own key prefix.
 */
export class CountCache {
  private readonly inFlight = new Map<string, Promise<CatalogueCount>>();
  private readonly recent = new Map<string, { readonly count: CatalogueCount; readonly until: number }>();

  constructor(
    private readonly redis: Redis,
    private readonly cacheSeconds: number,
    private readonly prefix: string,
  ) {}

  count(filter: CatalogueFilter, compute: () => Promise<CatalogueCount>): Promise<CatalogueCount> {
    const identity = countIdentity(filter);
    const key = `${filter.kind}:${identity}`;
    const recent = this.recent.get(key);
    if (recent && recent.until > Date.now()) return Promise.resolve(recent.count);
    const running = this.inFlight.get(key);
    if (running) return running;
    const computation = this.shared(`${this.prefix}:${filter.kind}:${createHash('sha1').update(identity).digest('hex')}`, compute)
      .then((count) => this.remember(key, count))
      .finally(() => this.inFlight.delete(key));
    this.inFlight.set(key, computation);
    return computation;
  }

  private remember(key: string, count: CatalogueCount): CatalogueCount {
    const seconds = Math.min(this.cacheSeconds, LOCAL_COUNT_SECONDS);
    if (seconds <= 0) return count;
    if (this.recent.size >= LOCAL_COUNT_ENTRIES) this.recent.clear();
    this.recent.set(key, { count, until: Date.now() + seconds * 1000 });
    return count;
  }

  private async shared(key: string, compute: () => Promise<CatalogueCount>): Promise<CatalogueCount> {
    if (this.cacheSeconds > 0) {
      const cached = await this.redis.get(key).catch(() => null);
      if (cached) return JSON.parse(cached) as CatalogueCount;
    }
    const count = await compute();
    if (this.cacheSeconds > 0) await this.redis.set(key, JSON.stringify(count), 'EX', this.cacheSeconds).catch(() => undefined);
    return count;
  }
}

/** What a count of one kind depends on; the process keys its own entries by it, Redis by its digest. */
const countIdentity = (filter: CatalogueFilter): string =>
  JSON.stringify([filter.status ?? null, hasSearchTerms(filter.words) ? filter.words : null, filter.priceMin?.toString() ?? null, filter.priceMax?.toString() ?? null]);
