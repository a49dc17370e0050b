import type { Knex } from 'knex';
import type { CatalogueFilter } from '../../../application/ports/offering-catalogue';
import { type SqlFilter, withStartBounds } from './catalogue-sql';
import { SharedPerInstant } from './shared-per-instant';

/**
 * `withStartBounds`, read once per kind, status and instant (see `SharedPerInstant`): a list and
 * the count that follows it ask together.
 */
export class RecentStartBounds {
  private readonly recent = new SharedPerInstant<SqlFilter>();

  constructor(private readonly db: Knex) {}

  async of<F extends CatalogueFilter>(filter: F): Promise<F & SqlFilter> {
    if (filter.status !== 'available' && filter.status !== 'closed') return filter;
    const read = await this.recent.get(`${filter.kind}:${filter.status}:${filter.now.getTime()}`, () => withStartBounds(this.db, filter));
    return { ...filter, startBounds: read.startBounds };
  }
}
