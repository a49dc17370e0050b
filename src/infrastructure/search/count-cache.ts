import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { CatalogueCount, CatalogueFilter } from '../../application/ports/offering-catalogue';
import { isAnswering } from '../redis/create-redis';
import { hasSearchTerms } from './postgres/search-terms';

/** Counts are kept in the process this long (at most), on top of the shared cache in Redis. */
const LOCAL_COUNT_SECONDS = 5;
const LOCAL_COUNT_ENTRIES = 10_000;

/** A count as Redis keeps it: with the generation of its kind's counts it was made in. */
interface SharedCount {
  readonly count: CatalogueCount;
  readonly generation: string;
}

/**
 * List counts kept in Redis for `cacheSeconds` (computed anyway when Redis is down) and for a few
 * seconds in the process, sparing the hottest lists a round trip; concurrent requests for the
 * same count share one computation. Used by both search engines, each under its own key prefix.
 * A change of the items (`forget`) starts a new generation of a kind's counts: one kept from an
 * earlier generation is counted again, in this process at once and in others within the seconds
 * they keep their own.
 */
export class CountCache {
  private readonly inFlight = new Map<string, Promise<CatalogueCount>>();
  private readonly recent = new Map<string, { readonly count: CatalogueCount; readonly until: number }>();
  /** Forgets made by this process, per kind: a count computed across one is not kept here. */
  private readonly forgets = new Map<string, number>();

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
    const forgetsBefore = this.forgets.get(filter.kind) ?? 0;
    const computation = this.shared(filter.kind, `${this.prefix}:${filter.kind}:${createHash('sha1').update(identity).digest('hex')}`, compute)
      .then((count) => ((this.forgets.get(filter.kind) ?? 0) === forgetsBefore ? this.remember(key, count) : count))
      .finally(() => {
        // A change may have put another computation in its place meanwhile (`forget`).
        if (this.inFlight.get(key) === computation) this.inFlight.delete(key);
      });
    this.inFlight.set(key, computation);
    return computation;
  }

  /** Items of `kind` changed: the counts kept of its lists are counted again when next asked for. */
  async forget(kind: string): Promise<void> {
    this.forgets.set(kind, (this.forgets.get(kind) ?? 0) + 1);
    for (const key of this.recent.keys()) if (key.startsWith(`${kind}:`)) this.recent.delete(key);
    for (const key of this.inFlight.keys()) if (key.startsWith(`${kind}:`)) this.inFlight.delete(key);
    if (this.cacheSeconds > 0) await this.redis.incr(this.generationKey(kind)).catch(() => undefined);
  }

  private generationKey(kind: string): string {
    return `${this.prefix}:${kind}:generation`;
  }

  private remember(key: string, count: CatalogueCount): CatalogueCount {
    const seconds = Math.min(this.cacheSeconds, LOCAL_COUNT_SECONDS);
    if (seconds <= 0) return count;
    if (this.recent.size >= LOCAL_COUNT_ENTRIES) this.recent.clear();
    this.recent.set(key, { count, until: Date.now() + seconds * 1000 });
    return count;
  }

  private async shared(kind: string, key: string, compute: () => Promise<CatalogueCount>): Promise<CatalogueCount> {
    // Read before counting, so that a change made while counting leaves this count stale.
    let generation = '0';
    // Without Redis (or while it does not answer) counts are computed, not waited for.
    const kept = this.cacheSeconds > 0 && isAnswering(this.redis);
    if (kept) {
      const [current, cached] = await this.redis.mget(this.generationKey(kind), key).catch(() => [null, null]);
      generation = current ?? '0';
      const found = cached ? (JSON.parse(cached) as Partial<SharedCount>) : null;
      if (found?.count && found.generation === generation) return found.count;
    }
    const count = await compute();
    const shared: SharedCount = { count, generation };
    if (kept) await this.redis.set(key, JSON.stringify(shared), 'EX', this.cacheSeconds).catch(() => undefined);
    return count;
  }
}

/** What a count of one kind depends on; the process keys its own entries by it, Redis by its digest. */
const countIdentity = (filter: CatalogueFilter): string =>
  JSON.stringify([filter.status ?? null, hasSearchTerms(filter.words) ? filter.words : null, filter.priceMin?.toString() ?? null, filter.priceMax?.toString() ?? null]);
