import type { Knex } from 'knex';
import { type OfferingSort, SORT_DEFINITIONS, type SortField } from '../../../application/ports/offering-catalogue';
import type { OfferingKind } from '../../../domain/offering-kind';
import { OFFERING_TABLES } from '../../knex/offering-tables';
import { samplePercent } from './table-sample';

/**
 * The sort indexes that get window indexes, by the first key of the sort, as their names end
 * (`tests_created_idx`): every sort but by start, whose index's range for items open now is
 * already the window.
 */
const WINDOWED_INDEXES: Partial<Record<SortField, string>> = { createdAt: 'created', registrationCount: 'popular', price: 'price' };

/** The window index of a sort index: its entries are the items whose window meets [from, to]. */
export interface WindowIndex {
  readonly name: string;
  /** The sort index it copies (`created`, `popular`, `price`). */
  readonly sortIndex: string;
  readonly from: Date;
  readonly to: Date;
}

/** A window index's window, as a walk names it, and the entries it held when last counted. */
export interface OpenWindow {
  /** The sort index it copies: only a walk of that index names it. */
  readonly sortIndex: string;
  readonly from: Date;
  readonly to: Date;
  readonly entries: number;
}

/** When window indexes are kept for a kind (see `OpenWindowIndexes`). */
export interface OpenWindowBounds {
  /** How long a window lasts, from the hour it starts in. */
  readonly spanMs: number;
  /** Fewer items than this, and a walk of a whole sort index is short enough: no window index. */
  readonly leastRows: number;
  /** A window holding more than this share of the items spares a walk little: no window index. */
  readonly mostShare: number;
}

export const OPEN_WINDOW_BOUNDS: OpenWindowBounds = { spanMs: 24 * 60 * 60 * 1000, leastRows: 100_000, mostShare: 0.2 };

const HOUR_MS = 60 * 60 * 1000;

/** What keeping a kind's window indexes did. */
export interface KeptWindows {
  readonly built: readonly string[];
  readonly dropped: readonly string[];
}

/** The sort index whose window index a sort's walk may read; null for a sort by start. */
export const windowedIndexOf = (sort: OfferingSort): string | null => WINDOWED_INDEXES[SORT_DEFINITIONS[sort].keys[0].field] ?? null;

/** The window indexes of a kind, valid or not, as the catalog names them. */
export async function windowIndexesOf(db: Knex, kind: OfferingKind, connection?: unknown): Promise<Array<WindowIndex & { readonly valid: boolean; readonly entries: number }>> {
  const table = OFFERING_TABLES[kind].items;
  const query = db.raw<{ rows: Array<{ name: string; valid: boolean; entries: number }> }>(
    `SELECT c.relname AS name, i.indisvalid AND i.indisready AS valid, c.reltuples AS entries
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     WHERE i.indrelid = ?::regclass AND starts_with(c.relname, ?)`,
    [table, `${table}_window_`],
  );
  const { rows } = await (connection ? query.connection(connection) : query);
  return rows.flatMap((row) => {
    const index = parseWindowIndexName(table, row.name);
    return index ? [{ ...index, valid: row.valid, entries: Math.max(0, Number(row.entries)) }] : [];
  });
}

/** `tests_window_created_1796601600_1796688000`: the table, the sort index, the window's bounds in seconds. */
function windowIndexName(table: string, sortIndex: string, from: Date, to: Date): string {
  return `${table}_window_${sortIndex}_${from.getTime() / 1000}_${to.getTime() / 1000}`;
}

function parseWindowIndexName(table: string, name: string): WindowIndex | null {
  const match = new RegExp(`^${table}_window_([a-z]+)_(\\d+)_(\\d+)$`).exec(name);
  if (!match) return null;
  return { name, sortIndex: match[1], from: new Date(Number(match[2]) * 1000), to: new Date(Number(match[3]) * 1000) };
}

/**
 * The condition of a window index, as its definition and every walk through it state it: the
 * item's window meets [from, to]. PostgreSQL reads a partial index only where it can prove that
 * a statement's conditions imply the index's: stated as this very expression, with the same
 * constants (a parameter never proves anything), and not otherwise. Conditions on the start and
 * the end would have been proven from any statement's for items open now, and the planner then
 * ANDed the window into the bitmaps of counts, where it cost more than it spared.
 */
export function windowCondition(window: Pick<WindowIndex, 'from' | 'to'>): string {
  return `tstzrange(start_at, end_at, '[]') && tstzrange('${window.from.toISOString()}', '${window.to.toISOString()}', '[]')`;
}

/**
 * Keeps, for each sort index of a kind but the start's, a partial copy holding only the items
 * whose window meets a span of time around now (a day by default): every item open at any
 * instant of the span is there. A walk for items open now reads that copy instead of the whole
 * index (see `sortRange`), so it passes none of the items upcoming or closed, however many the
 * table holds: at five million tests, a few per cent of which are open at a time, a walk by
 * creation for two words read 12,668 entries there against 167,015 in the whole index.
 *
 * A new window is built (`CREATE INDEX CONCURRENTLY`, which blocks no writer) once the newest
 * covers less than half a span ahead, and windows that ended are dropped, as are the remains of a
 * build that failed. PostgreSQL keeps a window index up to date with every write, like any
 * other. None is built for a small table, or where a window holds more than `mostShare` of the
 * items (half the courses are open at a time: a copy of half an index would spare little). One
 * keeper at a time per kind (an advisory lock); the build runs without a statement timeout.
 */
export class OpenWindowIndexes {
  constructor(private readonly db: Knex) {}

  async keep(kind: OfferingKind, now: Date = new Date(), bounds: OpenWindowBounds = OPEN_WINDOW_BOUNDS): Promise<KeptWindows> {
    const table = OFFERING_TABLES[kind].items;
    const connection: unknown = await this.db.client.acquireConnection();
    const on = (sql: string, bindings: readonly Knex.RawBinding[] = []) => this.db.raw(sql, bindings).connection(connection);
    try {
      const [lock] = (await on('SELECT pg_try_advisory_lock(hashtext(?)) AS locked', [`window indexes of ${table}`])).rows as Array<{ locked: boolean }>;
      if (!lock.locked) return { built: [], dropped: [] };
      try {
        await on('SET statement_timeout = 0');
        const dropped = await this.dropEnded(kind, now, connection);
        const built = await this.buildWhereDue(kind, now, bounds, connection);
        return { built, dropped };
      } finally {
        await on('RESET statement_timeout');
        await on('SELECT pg_advisory_unlock(hashtext(?))', [`window indexes of ${table}`]);
      }
    } finally {
      await this.db.client.releaseConnection(connection);
    }
  }

  /** Drops the windows that ended before now, and the invalid remains of builds that failed (no other keeper runs). */
  private async dropEnded(kind: OfferingKind, now: Date, connection: unknown): Promise<string[]> {
    const ended = (await windowIndexesOf(this.db, kind, connection)).filter((index) => !index.valid || index.to < now);
    for (const index of ended) await this.db.raw(`DROP INDEX CONCURRENTLY IF EXISTS ${index.name}`).connection(connection);
    return ended.map((index) => index.name);
  }

  private async buildWhereDue(kind: OfferingKind, now: Date, bounds: OpenWindowBounds, connection: unknown): Promise<string[]> {
    const table = OFFERING_TABLES[kind].items;
    const sortIndexes = [...new Set(Object.values(WINDOWED_INDEXES))];
    const kept = await windowIndexesOf(this.db, kind, connection);
    const halfSpanAhead = now.getTime() + bounds.spanMs / 2;
    const due = sortIndexes.filter((sortIndex) => !kept.some((index) => index.sortIndex === sortIndex && index.from <= now && index.to.getTime() >= halfSpanAhead));
    if (due.length === 0) return [];
    const from = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
    const window = { from, to: new Date(from.getTime() + bounds.spanMs) };
    const rows = Number((await this.db.raw('SELECT reltuples FROM pg_class WHERE oid = ?::regclass', [table]).connection(connection)).rows[0].reltuples);
    if (rows < bounds.leastRows || (await this.sampledShare(table, window, rows, connection)) > bounds.mostShare) return [];
    const built: string[] = [];
    for (const sortIndex of due) {
      // Each copy's window ends a second after the one before it, so that a walk naming a copy's
      // window can be read from that copy alone: any copy of the same window would hold every
      // entry it needs, and PostgreSQL, which cannot weigh the window (it takes 1 % of the
      // table), read the copy in creation order and sorted it by price (60 ms at 1M, where the
      // price's copy reads 10 ms).
      const ownWindow = { from: window.from, to: new Date(window.to.getTime() + sortIndexes.indexOf(sortIndex) * 1000) };
      const name = windowIndexName(table, sortIndex, ownWindow.from, ownWindow.to);
      const base = `${table}_${sortIndex}_idx`;
      const [{ definition }] = (await this.db.raw('SELECT pg_get_indexdef(?::regclass) AS definition', [base]).connection(connection)).rows as Array<{ definition: string }>;
      const copy = definition.replace(`CREATE INDEX ${base} ON`, `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON`);
      await this.db.raw(`${copy} WHERE ${windowCondition(ownWindow)}`).connection(connection);
      built.push(name);
    }
    return built;
  }

  /** The share of the items whose window meets `window`, from a block sample (see `samplePercent`). */
  private async sampledShare(table: string, window: Pick<WindowIndex, 'from' | 'to'>, rows: number, connection: unknown): Promise<number> {
    const percent = samplePercent(rows);
    const { rows: counted } = await this.db
      .raw(`SELECT count(*) FILTER (WHERE ${windowCondition(window)}) AS inside, count(*) AS sampled FROM ${table} TABLESAMPLE SYSTEM (?)`, [percent])
      .connection(connection);
    const [{ inside, sampled }] = counted as Array<{ inside: string; sampled: string }>;
    return Number(sampled) === 0 ? 0 : Number(inside) / Number(sampled);
  }
}
