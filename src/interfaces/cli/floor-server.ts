import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import jwt from 'jsonwebtoken';
import Koa from 'koa';
import koaJwt from 'koa-jwt';
import pg from 'pg';
import { JWT_ALGORITHM, signingKey } from '../../infrastructure/auth/jwt-token-service';
import type { Config } from '../../infrastructure/config/config';
import type { OfferingRow as ItemRow } from '../../infrastructure/knex/offering-row';

/**
 * The floor of the benchmark: a bare `node:http` + `pg` + `jsonwebtoken` server that does the
 * same work per request as the service for page 1 of the lists, the detail and the payment
 * history — the bearer token verified with the same key and claims, the same prepared queries,
 * the caller's registrations among the items, a count kept in the process, the same JSON — and
 * nothing else. What the service spends beyond it is the framework's and the layers' share,
 * less what it saves by reading page 1 and the detail with the caller's registrations, and the
 * payment history with its count, in one statement, where the floor reads them in two (as the
 * service once did).
 * Benchmark tooling only: it is not part of the service.
 */
export interface FloorServer {
  readonly url: string;
  close(): Promise<void>;
}

const KINDS = {
  tests: { table: 'tests', registrations: 'test_registrations', itemColumn: 'test_id' },
  courses: { table: 'courses', registrations: 'course_registrations', itemColumn: 'course_id' },
} as const;

type Plural = keyof typeof KINDS;

const ITEM_COLUMNS = 'id, title, description, price, start_at, end_at, created_at, registration_count';
const PAGE_SIZE = 20;


/**
 * `node`: the floor itself. `koa`: the same work behind the framework alone — Koa, koa-jwt and
 * @koa/router, none of the service's middleware — so that a report can tell the framework's
 * share from the service's own layers.
 */
export type FloorFramework = 'node' | 'koa';

export async function startFloorServer(config: Config, port = 0, framework: FloorFramework = 'node'): Promise<FloorServer> {
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.dbPoolMax });
  pg.types.setTypeParser(pg.types.builtins.INT8, (value: string) => Number(value));
  const key = signingKey(config.jwt.secret);
  const counts = new Map<string, number>();

  const userOf = (request: IncomingMessage): number | null => {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) return null;
    try {
      const claims = jwt.verify(header.slice(7), key, { algorithms: [JWT_ALGORITHM], issuer: config.jwt.issuer, audience: config.jwt.audience }) as jwt.JwtPayload;
      const id = Number(claims.sub);
      return claims.typ === 'access' && Number.isSafeInteger(id) && typeof claims.exp === 'number' ? id : null;
    } catch {
      return null;
    }
  };

  const query = async <Row>(name: string, text: string, values: unknown[]): Promise<Row[]> => (await pool.query<Row & pg.QueryResultRow>({ name, text, values })).rows;

  const registeredAmong = async (plural: Plural, userId: number, ids: number[]): Promise<Set<number>> => {
    const { registrations, itemColumn } = KINDS[plural];
    const rows = await query<{ item_id: number }>(
      `floor_registered_${plural}`,
      `SELECT wanted.id AS item_id FROM unnest((SELECT $1::bigint[])) AS wanted(id)
       CROSS JOIN LATERAL (SELECT 1 FROM ${registrations} r WHERE r.user_id = $2 AND r.${itemColumn} = wanted.id AND r.status <> 'cancelled' LIMIT 1) AS active`,
      [ids, userId],
    );
    return new Set(rows.map((row) => row.item_id));
  };

  const countOf = async (plural: Plural): Promise<number> => {
    const known = counts.get(plural);
    if (known !== undefined) return known;
    const [{ n }] = await query<{ n: number }>(`floor_count_${plural}`, `SELECT count(*)::int AS n FROM ${KINDS[plural].table}`, []);
    counts.set(plural, n);
    return n;
  };

  const page = async (plural: Plural, userId: number, origin: string) => {
    const rows = await query<ItemRow>(
      `floor_page_${plural}`,
      `SELECT ${ITEM_COLUMNS}, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS k0 FROM ${KINDS[plural].table} ORDER BY created_at DESC, id DESC LIMIT ${PAGE_SIZE + 1}`,
      [],
    );
    const items = rows.slice(0, PAGE_SIZE);
    const [registered, count] = await Promise.all([registeredAmong(plural, userId, items.map((row) => row.id)), countOf(plural)]);
    return {
      count,
      count_is_estimate: false,
      next: rows.length > PAGE_SIZE ? `${origin}/api/${plural}/?page=2` : null,
      previous: null,
      results: items.map((row) => item(row, registered)),
    };
  };

  const detail = async (plural: Plural, userId: number, id: number) => {
    const [rows, registered] = await Promise.all([
      query<ItemRow>(`floor_detail_${plural}`, `SELECT ${ITEM_COLUMNS}, version FROM ${KINDS[plural].table} WHERE id = $1 LIMIT 1`, [id]),
      registeredAmong(plural, userId, [id]),
    ]);
    return rows[0] ? item(rows[0], registered) : null;
  };

  const payments = async (userId: number) => {
    const [rows, [{ total }]] = await Promise.all([
      query<Record<string, unknown> & { amount: string; paid_at: Date; cancelled_at: Date | null; registered_at: Date | null }>(
        'floor_payments',
        `SELECT p.id, p.payment_type, p.target_id, p.item_title AS target_title, p.amount, p.payment_method, p.status, p.paid_at, p.cancelled_at,
                coalesce(tr.registered_at, cr.registered_at) AS registered_at, p.refund_reason
         FROM (SELECT * FROM payments WHERE user_id = (SELECT $1::bigint) AND status IN ('paid', 'cancelled') ORDER BY paid_at DESC, id DESC LIMIT $2) p
         LEFT JOIN test_registrations tr ON tr.payment_id = p.id AND p.payment_type = 'test'
         LEFT JOIN course_registrations cr ON cr.payment_id = p.id AND p.payment_type = 'course'
         ORDER BY p.paid_at DESC, p.id DESC`,
        [userId, PAGE_SIZE],
      ),
      query<{ total: number }>('floor_payments_count', `SELECT count(*)::int AS total FROM payments WHERE user_id = (SELECT $1::bigint) AND status IN ('paid', 'cancelled')`, [userId]),
    ]);
    return {
      count: total,
      next: null,
      previous: null,
      results: rows.map((row) => ({
        id: row.id,
        payment_type: row.payment_type,
        target_id: row.target_id,
        target_title: row.target_title,
        amount: row.amount,
        payment_method: row.payment_method,
        status: row.status,
        paid_at: row.paid_at.toISOString(),
        cancelled_at: row.cancelled_at?.toISOString() ?? null,
        registration_time: row.registered_at?.toISOString() ?? null,
        refund_reason: row.refund_reason,
      })),
    };
  };

  const answer = (response: ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  };

  /** The body for a path, null when there is none. */
  const work = (path: string, userId: number, origin: string): Promise<unknown> => {
    const [, api, plural, id] = path.split('/');
    if (api !== 'api') return Promise.resolve(null);
    if (plural === 'me') return payments(userId);
    if (!(plural in KINDS)) return Promise.resolve(null);
    return id ? detail(plural as Plural, userId, Number(id)) : page(plural as Plural, userId, origin);
  };

  const onNode = (request: IncomingMessage, response: ServerResponse) => {
    const userId = userOf(request);
    if (userId === null) return answer(response, 401, { code: 'invalid_token' });
    work((request.url ?? '/').split('?')[0], userId, `http://${request.headers.host}`).then(
      (body) => answer(response, body ? 200 : 404, body ?? { code: 'not_found' }),
      () => answer(response, 500, { code: 'internal_error' }),
    );
  };

  const server = createServer(framework === 'koa' ? onKoa(config, work) : onNode);
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}

/** The same work behind Koa, koa-jwt (the same key and claims) and @koa/router. */
function onKoa(config: Config, work: (path: string, userId: number, origin: string) => Promise<unknown>) {
  const app = new Koa();
  app.silent = true;
  const router = new Router();
  const serve = async (ctx: Koa.Context) => {
    const claims = ctx.state.user as jwt.JwtPayload;
    const userId = Number(claims.sub);
    if (claims.typ !== 'access' || !Number.isSafeInteger(userId)) ctx.throw(401);
    const body = await work(ctx.path, userId, ctx.origin);
    ctx.status = body ? 200 : 404;
    ctx.body = body ?? { code: 'not_found' };
  };
  router.get('/api/me/payments', serve).get('/api/:plural', serve).get('/api/:plural/:id', serve);
  app
    .use(koaJwt({ secret: signingKey(config.jwt.secret) as unknown as string, algorithms: [JWT_ALGORITHM], issuer: config.jwt.issuer, audience: config.jwt.audience }))
    .use((ctx, next) => {
      if (ctx.path.length > 1 && ctx.path.endsWith('/')) ctx.path = ctx.path.slice(0, -1);
      return next();
    })
    .use(router.routes());
  return app.callback();
}

function item(row: ItemRow, registered: ReadonlySet<number>) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    price: row.price,
    start_at: row.start_at.toISOString(),
    end_at: row.end_at.toISOString(),
    created_at: row.created_at.toISOString(),
    is_registered: registered.has(row.id),
    registration_count: row.registration_count,
  };
}
