import { inject, injectable } from 'inversify';
import type { Knex } from 'knex';
import type { PaymentHistory, PaymentHistoryEntry, PaymentHistoryFilter, PaymentHistoryPage } from '../../application/ports/payment-history';
import type { OfferingKind } from '../../domain/offering-kind';
import { PAYMENT_STATUSES, type SettledPaymentStatus } from '../../domain/payment';
import type { PaymentMethod } from '../../domain/payment-method';
import { KNEX } from './create-knex';
import { hiddenFromPlanner } from './hidden-from-planner';
import { OFFERING_TABLES } from './offering-tables';
import { PreparedRead } from './prepared-statement';
import { sqlStringList } from './sql-literal';
import { searchTerms } from '../search/postgres/search-terms';

interface HistoryRow {
  id: number;
  payment_type: OfferingKind;
  target_id: number;
  target_title: string;
  amount: string;
  payment_method: PaymentMethod;
  status: SettledPaymentStatus;
  paid_at: Date;
  cancelled_at: Date | null;
  registered_at: Date | null;
  refund_reason: string | null;
}

/** A page's row, with the count of every payment that passes the filters. */
interface CountedRow extends HistoryRow {
  readonly total: number;
}

/**
 * One statement per page: the count of the user's payments that pass the filters (it counts one
 * user's payments, never a whole table), and beside it the page, whose payments are chosen first
 * (on the user's paid_at index) and only then joined with their registration (time); the item's
 * title is the one kept on the payment when it was made. One statement rather than two side by
 * side: a statement costs the service a pooled connection and a round trip, more than running the
 * count beside the page on a second connection saves.
 */
@injectable()
export class KnexPaymentHistory implements PaymentHistory {
  private readonly pages: PreparedRead<[number, PaymentHistoryFilter, number, number]>;

  constructor(@inject(KNEX) private readonly db: Knex) {
    this.pages = new PreparedRead<[number, PaymentHistoryFilter, number, number]>(db, {
      shape: (_userId, filter, offset, limit) => `${filterShape(filter)}:${offset > 0 ? 'skip' : 'top'}:${limit}`,
      build: (userId, filter, offset, limit) => this.listQuery(userId, filter, offset, limit),
      // The count's filters, then the page's.
      values: (userId, filter, offset) => [...filterValues(userId, filter), ...filterValues(userId, filter), ...(offset > 0 ? [offset] : []), 'test', 'course'],
    });
  }

  async list(userId: number, filter: PaymentHistoryFilter, offset: number, limit: number): Promise<PaymentHistoryPage> {
    // Title words filter through conditions whose cost depends on the words: planned each time.
    const rows: CountedRow[] = filter.words.length > 0 ? await this.listQuery(userId, filter, offset, limit) : await this.pages.run<CountedRow>(userId, filter, offset, limit);
    // A page past the last one is the count alone, on a row without a payment.
    return { count: rows[0].total, entries: rows[0].id === null ? [] : rows.map(toEntry) };
  }

  async get(userId: number, paymentId: number): Promise<PaymentHistoryEntry | null> {
    const row = await this.withDetails(this.matching(userId, { words: [] }).where('p.id', paymentId)).first();
    return row ? toEntry(row) : null;
  }

  /** The SQL of one page with its count; also for EXPLAIN. */
  listQuery(userId: number, filter: PaymentHistoryFilter, offset: number, limit: number): Knex.QueryBuilder {
    const count = this.db.from(this.matching(userId, filter).as('matching')).select(this.db.raw('count(*)::int AS total'));
    return this.db
      .select('counted.total', 'page.*')
      .from(count.as('counted'))
      .joinRaw('LEFT JOIN ? AS page ON true', [this.db.raw('LATERAL (?)', [this.pageQuery(userId, filter, offset, limit)])])
      .orderBy([{ column: 'page.paid_at', order: 'desc' }, { column: 'page.id', order: 'desc' }]);
  }

  private pageQuery(userId: number, filter: PaymentHistoryFilter, offset: number, limit: number): Knex.QueryBuilder {
    const page = this.matching(userId, filter)
      .orderBy([{ column: 'p.paid_at', order: 'desc' }, { column: 'p.id', order: 'desc' }])
      // Knex takes a raw offset, though its types name only numbers.
      .offset(offset > 0 ? (hiddenFromPlanner(this.db, offset, 'bigint') as unknown as number) : 0)
      .limit(limit, { skipBinding: true });
    return this.withDetails(page);
  }

  /**
   * The user's payments that pass the filters (title words match the title kept on the payment,
   * as a catalogue search matches an item's).
   * The user and the filters' values are hidden from the planner (planned for a user with
   * thousands of payments, or for one status, a page looked cheaper than its generic plan, and
   * was planned anew on every call); every plan walks the user's payments in the history index.
   */
  private matching(userId: number, filter: PaymentHistoryFilter): Knex.QueryBuilder {
    const query = this.db({ p: 'payments' }).select('p.*').where('p.user_id', hiddenFromPlanner(this.db, userId, 'bigint'));
    // Clients see payments that went through; pending and failed ones are the service's own.
    if (filter.status) query.where('p.status', hiddenFromPlanner(this.db, filter.status, 'text'));
    // Written as literals: a generic plan rebuilds a bound list for every row it tests.
    else query.whereRaw(`p.status in (${sqlStringList(PAYMENT_STATUSES)})`);
    if (filter.kind) query.where('p.payment_type', hiddenFromPlanner(this.db, filter.kind, 'text'));
    // Midnight UTC of each day: a date read `AT TIME ZONE` would be taken as midnight of the
    // session's zone first, so it is made a timestamp without one.
    if (filter.from) query.where('p.paid_at', '>=', this.db.raw(`(?)::timestamp AT TIME ZONE 'UTC'`, [hiddenFromPlanner(this.db, filter.from, 'date')]));
    if (filter.to) query.where('p.paid_at', '<', this.db.raw(`(? + 1)::timestamp AT TIME ZONE 'UTC'`, [hiddenFromPlanner(this.db, filter.to, 'date')]));
    // Words as the catalogue's search reads them: whole words, the last one also as a prefix.
    const terms = searchTerms(filter.words);
    if (terms.length > 0) query.whereRaw(`to_tsvector('simple', p.item_title) @@ catalogue_search_query(?::text[])`, [terms]);
    return query;
  }

  /** Adds each payment's registration time to a set of payments. */
  private withDetails(payments: Knex.QueryBuilder): Knex.QueryBuilder {
    const { test, course } = OFFERING_TABLES;
    return this.db
      .from(payments.as('p'))
      .leftJoin({ tr: test.registrations }, function () {
        this.on('tr.payment_id', 'p.id').andOnVal('p.payment_type', 'test');
      })
      .leftJoin({ cr: course.registrations }, function () {
        this.on('cr.payment_id', 'p.id').andOnVal('p.payment_type', 'course');
      })
      .select(
        'p.id',
        'p.payment_type',
        'p.target_id',
        'p.item_title AS target_title',
        'p.amount',
        'p.payment_method',
        'p.status',
        'p.paid_at',
        'p.cancelled_at',
        this.db.raw('coalesce(tr.registered_at, cr.registered_at) AS registered_at'),
        'p.refund_reason',
      );
  }
}

const toEntry = (row: HistoryRow): PaymentHistoryEntry => ({
  id: row.id,
  kind: row.payment_type,
  targetId: row.target_id,
  targetTitle: row.target_title,
  amount: row.amount,
  method: row.payment_method,
  status: row.status,
  paidAt: row.paid_at,
  cancelledAt: row.cancelled_at,
  registeredAt: row.registered_at,
  refundReason: row.refund_reason,
});

/** Which filters a history query has (its SQL depends on that, not on their values). */
const filterShape = (filter: PaymentHistoryFilter): string =>
  [filter.status ? 's' : '-', filter.kind ? 'k' : '-', filter.from ? 'f' : '-', filter.to ? 't' : '-'].join('');

/** The values the filters bind, in the order `matching` writes them. */
const filterValues = (userId: number, filter: PaymentHistoryFilter): unknown[] => [
  userId,
  ...(filter.status ? [filter.status] : []),
  ...(filter.kind ? [filter.kind] : []),
  ...(filter.from ? [filter.from] : []),
  ...(filter.to ? [filter.to] : []),
];
