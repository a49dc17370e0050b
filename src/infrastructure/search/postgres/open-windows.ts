import type { Knex } from 'knex';
import type { CatalogueQuery } from '../../../application/ports/offering-catalogue';
import type { OfferingKind } from '../../../domain/offering-kind';
import { type OpenWindow, windowIndexesOf, windowedIndexOf } from './open-window-indexes';

/** How long the list of window indexes is reused before it is read again. */
const LISTED_WINDOWS_MS = 60_000;

type Listed = Awaited<ReturnType<typeof windowIndexesOf>>;

/**
 * Which window index (see `OpenWindowIndexes`) a walk for items open now may read instead of its
 * sort's whole index: a valid one of that sort whose window holds the query's instant, the one
 * reaching furthest. The indexes are listed once a minute; one built since is missed until then,
 * which only costs speed, and one dropped since is named to no avail (PostgreSQL then reads the
 * whole index), as the window only restates what "open now" implies.
 */
export class OpenWindows {
  private readonly listed = new Map<OfferingKind, { readonly windows: Promise<Listed>; readonly until: number }>();

  constructor(private readonly db: Knex) {}

  async of(query: CatalogueQuery): Promise<OpenWindow | null> {
    const sortIndex = windowedIndexOf(query.sort);
    if (query.status !== 'available' || !sortIndex) return null;
    const covering = (await this.windowsOf(query.kind)).filter(
      (index) => index.valid && index.sortIndex === sortIndex && index.from <= query.now && query.now <= index.to,
    );
    const furthest = covering.reduce<Listed[number] | null>((best, index) => (!best || index.to > best.to ? index : best), null);
    return furthest && { sortIndex, from: furthest.from, to: furthest.to, entries: furthest.entries };
  }

  private windowsOf(kind: OfferingKind): Promise<Listed> {
    const known = this.listed.get(kind);
    if (known && known.until > Date.now()) return known.windows;
    const windows = windowIndexesOf(this.db, kind).catch(() => []);
    this.listed.set(kind, { windows, until: Date.now() + LISTED_WINDOWS_MS });
    return windows;
  }
}
