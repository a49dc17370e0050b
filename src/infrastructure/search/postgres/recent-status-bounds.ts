import type { Knex } from 'knex';
import type { CatalogueFilter } from '../../../application/ports/offering-catalogue';
import { type SqlFilter, withStatusBounds } from './catalogue-sql';
import { SharedPerInstant } from './shared-per-instant';

/**
 * `withStatusBounds`, read once per kind, status and instant (see `SharedPerInstant`): a list and
 * the count that follows it ask together.
 */
export class RecentStatusBounds {
  private readonly recent = new SharedPerInstant<SqlFilter>();

  constructor(private readonly db: Knex) {}

  async of<F extends CatalogueFilter>(filter: F): Promise<F & SqlFilter> {
    if (!filter.status) return filter;
    const read = await this.recent.get(`${filter.kind}:${filter.status}:${filter.now.getTime()}`, () => withStatusBounds(this.db, filter));
    const { startBounds, creationBound, registeredUpcoming } = read;
    return { ...filter, ...(startBounds ? { startBounds } : {}), ...(creationBound ? { creationBound } : {}), ...(registeredUpcoming !== undefined ? { registeredUpcoming } : {}) };
  }
}
