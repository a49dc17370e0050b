import type { Knex } from 'knex';
import type { CatalogueFilter } from '../../../application/ports/offering-catalogue';
import { type SqlFilter, withStartBounds } from './catalogue-sql';

/** How long start bounds read for one instant are shared (a list and its count ask together). */
const SHARE_MS = 1_000;
const MAX_ENTRIES = 1_000;

/**
 * `withStartBounds`, read once per kind and instant: a list and the count that follows it are
 * given the same `now`, so the second is answered from the first's lookup instead of another
 * round trip. Entries last a second, so that a later change of the windows is seen at once by
 * requests made after it.
 */
export class RecentStartBounds {
  private readonly recent = new Map<string, { readonly filter: Promise<SqlFilter>; readonly until: number }>();

  constructor(private readonly db: Knex) {}

  async of<F extends CatalogueFilter>(filter: F): Promise<F & SqlFilter> {
    if (filter.status !== 'available' && filter.status !== 'closed') return filter;
    const key = `${filter.kind}:${filter.now.getTime()}`;
    const time = Date.now();
    let known = this.recent.get(key);
    if (!known || known.until <= time) {
      if (this.recent.size >= MAX_ENTRIES) this.recent.clear();
      const read = withStartBounds(this.db, filter);
      read.catch(() => this.recent.delete(key));
      known = { filter: read, until: time + SHARE_MS };
      this.recent.set(key, known);
    }
    return { ...filter, startBounds: (await known.filter).startBounds };
  }
}
