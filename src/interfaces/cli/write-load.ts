import type { Knex } from 'knex';
import { ALL_OFFERING_KINDS, type OfferingKind } from '../../domain/offering-kind';
import { OFFERING_RESOURCES } from '../http/offering-resources';
import { OFFERING_TABLES } from '../../infrastructure/knex/offering-tables';
import { SEED_PASSWORD, seedUserEmail } from '../../infrastructure/seed/seed-sizes';

export interface WriteLoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly errors: number;
  readonly requests: number;
  readonly statuses: Record<number, number>;
  readonly invariantViolations: string[];
}

interface Session {
  readonly token: string;
  readonly payments: number[];
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/**
 * Many seeded users registering for many open items at once, with cancels of their own
 * payments mixed in (one in five requests); then the invariants are checked in PostgreSQL for
 * every item touched: registration_count equals the active registrations, and every active
 * registration has exactly one paid payment.
 */
export async function runWriteLoad(options: {
  readonly baseUrl: string;
  readonly db: Knex;
  readonly users: number;
  readonly connections: number;
  readonly durationSeconds: number;
  /** Called when the timed load begins, once the users are logged in. */
  readonly onLoadStart?: () => void;
}): Promise<WriteLoadResult> {
  const { baseUrl, db } = options;
  const post = (path: string, body: unknown, token?: string) =>
    fetch(baseUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });

  const sessions: Session[] = [];
  for (let n = 2; n < 2 + options.users; n += 8) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(8, 2 + options.users - n) }, async (_, i) => {
        const response = await post('/api/auth/login/', { email: seedUserEmail(n + i), password: SEED_PASSWORD });
        if (!response.ok) throw new Error(`login of ${seedUserEmail(n + i)} answered ${response.status}`);
        return { token: ((await response.json()) as { access: string }).access, payments: [] };
      }),
    );
    sessions.push(...batch);
  }
  const now = new Date();
  const items: Array<{ kind: OfferingKind; id: number; price: string }> = [];
  for (const kind of ALL_OFFERING_KINDS) {
    const rows: Array<{ id: number; price: string }> = await db(OFFERING_TABLES[kind].items)
      .select('id', 'price')
      .where('start_at', '<=', now)
      .where('end_at', '>=', now)
      .orderBy('id')
      .limit(200);
    items.push(...rows.map((row) => ({ kind, ...row })));
  }
  if (items.length === 0) throw new Error('no open items: run npm run seed first');

  const latencies: number[] = [];
  const statuses: Record<number, number> = {};
  let errors = 0;
  const deadline = Date.now() + options.durationSeconds * 1000;
  options.onLoadStart?.();
  const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)];

  const worker = async () => {
    while (Date.now() < deadline) {
      const session = pick(sessions);
      const started = performance.now();
      let response: Response;
      try {
        if (session.payments.length > 0 && Math.random() < 0.2) {
          const paymentId = session.payments.splice(Math.floor(Math.random() * session.payments.length), 1)[0];
          response = await post(`/api/payments/${paymentId}/cancel/`, { reason: 'load test' }, session.token);
        } else {
          const item = pick(items);
          const { plural, registerVerb } = OFFERING_RESOURCES[item.kind];
          response = await post(`/api/${plural}/${item.id}/${registerVerb}/`, { amount: item.price, payment_method: 'card' }, session.token);
          if (response.status === 201) session.payments.push(((await response.clone().json()) as { payment_id: number }).payment_id);
        }
        await response.arrayBuffer();
      } catch {
        // The server is unreachable (it may be restarting): count it, and do not spin.
        errors += 1;
        await new Promise((resolve) => setTimeout(resolve, 50));
        continue;
      }
      latencies.push(performance.now() - started);
      statuses[response.status] = (statuses[response.status] ?? 0) + 1;
      if (response.status >= 500) errors += 1;
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: options.connections }, worker));
  const elapsed = (performance.now() - startedAt) / 1000;

  latencies.sort((a, b) => a - b);
  return {
    requestsPerSecond: Math.round(latencies.length / elapsed),
    p50Ms: Math.round(percentile(latencies, 50)),
    p90Ms: Math.round(percentile(latencies, 90)),
    p99Ms: Math.round(percentile(latencies, 99)),
    maxMs: Math.round(percentile(latencies, 100)),
    errors,
    requests: latencies.length,
    statuses,
    invariantViolations: await checkInvariants(db, items),
  };
}

async function checkInvariants(db: Knex, items: ReadonlyArray<{ kind: OfferingKind; id: number }>): Promise<string[]> {
  const violations: string[] = [];
  for (const kind of ALL_OFFERING_KINDS) {
    const { items: table, registrations, itemColumn } = OFFERING_TABLES[kind];
    const ids = items.filter((item) => item.kind === kind).map((item) => item.id);
    if (ids.length === 0) continue;
    const { rows } = await db.raw(
      `SELECT i.id,
              i.registration_count AS counted,
              (SELECT count(*) FROM ${registrations} r WHERE r.${itemColumn} = i.id AND r.status <> 'cancelled')::int AS active,
              (SELECT count(*) FROM ${registrations} r JOIN payments p ON p.id = r.payment_id
                WHERE r.${itemColumn} = i.id AND r.status <> 'cancelled' AND p.status <> 'paid')::int AS unpaid_active,
              (SELECT count(*) FROM ${registrations} r JOIN payments p ON p.id = r.payment_id
                WHERE r.${itemColumn} = i.id AND r.status = 'cancelled' AND p.status <> 'cancelled')::int AS paid_cancelled
       FROM ${table} i WHERE i.id = ANY(?)`,
      [ids],
    );
    for (const row of rows) {
      if (row.counted !== row.active) violations.push(`${kind} ${row.id}: registration_count ${row.counted} ≠ ${row.active} active`);
      if (row.unpaid_active > 0) violations.push(`${kind} ${row.id}: ${row.unpaid_active} active registrations without a paid payment`);
      if (row.paid_cancelled > 0) violations.push(`${kind} ${row.id}: ${row.paid_cancelled} cancelled registrations with a paid payment`);
    }
  }
  return violations;
}
