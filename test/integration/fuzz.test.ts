import { expect } from 'chai';
import fc from 'fast-check';
import { GrantStaffHandler } from '../../src/application/commands/grant-staff/grant-staff-handler';
import { createOffering } from '../support/offerings';
import { type TestServer, sharedServer } from '../support/test-server';
import { type TestUser, createUser } from '../support/users';

/** Names that `Object.prototype` already holds: a lookup by a client's name must not find them. */
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__', '__lookupSetter__'];

const LEAKS = /node_modules|\bat \S+ \(|\.ts:\d+|SELECT |INSERT |UPDATE |syntax error|violates|relation "|pg_|knex|TypeError|ReferenceError/i;

/** One request of the fuzzer: `ifMatch` is sent as the If-Match header. */
interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly body?: { readonly raw: string; readonly type: string };
  readonly ifMatch?: string;
}

/** What must not change however bad the requests are. */
async function snapshot(server: TestServer): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['payments', 'test_registrations', 'course_registrations', 'tests', 'courses', 'idempotency_records', 'admin_audit_log']) {
    counts[table] = Number((await server.db(table).count({ n: '*' }))[0].n);
  }
  const { sum } = (await server.db('tests').sum({ sum: 'registration_count' }))[0] as { sum: string };
  counts.registration_count = Number(sum);
  return counts;
}

describe('Fuzzing every endpoint with malformed requests', function () {
  this.timeout(180_000);
  let server: TestServer;
  let user: TestUser;
  let staff: TestUser;
  let itemId: number;

  before(async () => {
    server = await sharedServer();
    user = await createUser(server.api);
    staff = await createUser(server.api);
    await server.running.app.container.get(GrantStaffHandler).execute({ email: staff.email });
    itemId = await createOffering(server.db, 'test');
  });

  const ids = () =>
    fc.oneof(
      fc.constantFrom('0', '-1', '1.5', 'abc', '9223372036854775808', '99999999999999999999999', '%00', '1e3', ' 1', '０'),
      fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
      fc.string({ maxLength: 30 }).map(encodeURIComponent),
    );
  const values = () =>
    fc.oneof(
      fc.string({ maxLength: 50 }),
      fc.string({ unit: 'grapheme', maxLength: 50 }),
      fc.constantFrom('', '\u0000', 'x'.repeat(5000), "'; DROP TABLE tests; --", '" OR 1=1', '%', '_', '\\', '&|!:*()', '<->', '1e400', 'NaN', '-0'),
      fc.integer().map(String),
      fc.double().map(String),
    );
  const queryStrings = () =>
    fc
      .array(
        fc.tuple(
          fc.oneof(fc.constantFrom('page', 'page_size', 'cursor', 'status', 'search', 'sort', 'price_min', 'price_max', 'from', 'to', 'payment_type', 'item_kind', 'item_id', 'staff_user_id'), fc.string({ maxLength: 10 })),
          values(),
        ),
        { maxLength: 4 },
      )
      .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''));
  const jsonValues = () => fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), values());
  const bodies = () =>
    fc.oneof(
      fc.dictionary(fc.oneof(fc.constantFrom('amount', 'payment_method', 'reason', 'email', 'password', 'username', 'refresh', 'title', 'description', 'price', 'start_at', 'end_at'), fc.string({ maxLength: 12 })), jsonValues(), { maxKeys: 4 }).map((b) => ({ raw: JSON.stringify(b), type: 'application/json' })),
      fc.constantFrom('{', '[1,2', '"text"', 'null', '42', '{"amount": 1e999}', '{"a":"\\u0000"}', '{"__proto__": {"x": 1}}').map((raw) => ({ raw, type: 'application/json' })),
      fc.string({ maxLength: 60 }).map((raw) => ({ raw, type: 'text/plain' })),
      fc.constant({ raw: 'amount=1&payment_method=card', type: 'application/x-www-form-urlencoded' }),
    );

  // Classes of input that each once produced a 500.
  const prototypeNames = () => fc.constantFrom(...PROTOTYPE_NAMES);
  const prototypeKeyed = (): fc.Arbitrary<{ method: string; path: string; body?: { raw: string; type: string } }> =>
    fc.oneof(
      fc.tuple(fc.constantFrom('/api/tests/', '/api/courses/', '/api/me/payments/'), prototypeNames(), values()).map(([p, name, value]) => ({
        method: 'GET',
        path: `${p}?page_size=%&${encodeURIComponent(name)}=${encodeURIComponent(value)}`,
      })),
      fc.tuple(fc.constantFrom('/api/docs/assets/', '/api/tests/', '/api/payments/', '/api/'), prototypeNames()).map(([p, name]) => ({ method: 'GET', path: `${p}${name}` })),
      fc.tuple(fc.constantFrom('/api/auth/login/', '/api/auth/signup/', '/api/auth/token/refresh/', `/api/tests/${itemId}/apply/`), prototypeNames(), jsonValues()).map(([path, name, value]) => ({
        method: 'POST',
        path,
        body: { raw: `{"email":"a@b.co","password":"x","amount":"1","payment_method":"card",${JSON.stringify(name)}:${JSON.stringify(value)}}`, type: 'application/json' },
      })),
    );
  const deeplyNested = (): fc.Arbitrary<{ method: string; path: string; body?: { raw: string; type: string } }> =>
    fc
      .tuple(
        fc.constantFrom('/api/auth/signup/', '/api/auth/login/', '/api/auth/token/refresh/', `/api/tests/${itemId}/apply/`, '/api/payments/1/cancel/'),
        fc.constantFrom('object', 'array', 'field'),
        fc.integer({ min: 17, max: 10_000 }),
      )
      .map(([path, shape, depth]) => {
        const inner = shape === 'array' ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        return { method: 'POST', path, body: { raw: shape === 'field' ? `{"email":${inner},"password":"x"}` : inner, type: 'application/json' } };
      });
  const impossibleDates = () => fc.constantFrom('0000-01-01', '2026-02-30', '2025-02-29', '2026-04-31', '2026-13-01', '2026-00-10', '0001-01-01', '9999-12-31');
  const datesOutOfCalendar = (): fc.Arbitrary<{ method: string; path: string }> =>
    fc.oneof(
      fc.tuple(fc.constantFrom('from', 'to'), impossibleDates()).map(([name, date]) => ({ method: 'GET', path: `/api/me/payments/?${name}=${date}` })),
      fc.tuple(fc.constantFrom('/api/tests/', '/api/courses/'), impossibleDates(), fc.constantFrom('00:00:00', '24:00:00', '23:59:60')).map(([p, date, time]) => {
        const cursor = Buffer.from(JSON.stringify({ s: 'created', v: [`${date}T${time}.000000Z`], i: 1, d: 'n' })).toString('base64url');
        return { method: 'GET', path: `${p}?cursor=${cursor}` };
      }),
    );
  const malformedHosts = () => fc.constantFrom('bad host', 'a/b', '[::1', 'x:99999', 'ex ample.com', '%', 'a@b', 'host?x', 'host#x', ':80', 'a..b');
  const slashes = () =>
    fc.tuple(fc.integer({ min: 1, max: 20_000 }), fc.constantFrom('a/', '', 'api/tests/')).map(([n, tail]) => ({ method: 'GET', path: `/x${'/'.repeat(n)}${tail}` }));

  const endpoints = (): fc.Arbitrary<FuzzRequest> =>
    fc.oneof(
      prototypeKeyed(),
      deeplyNested(),
      datesOutOfCalendar(),
      slashes(),
      fc.tuple(fc.constantFrom('/api/tests/', '/api/courses/', '/api/me/payments/'), queryStrings()).map(([p, q]) => ({ method: 'GET', path: p + q })),
      fc.tuple(fc.constantFrom('/api/tests/', '/api/courses/', '/api/me/payments/'), ids()).map(([p, id]) => ({ method: 'GET', path: `${p}${id}/` })),
      fc.tuple(fc.constantFrom('apply', 'complete'), fc.oneof(ids(), fc.constant(String(itemId))), bodies()).map(([verb, id, body]) => ({ method: 'POST', path: `/api/tests/${id}/${verb}/`, body })),
      fc.tuple(fc.constantFrom('enroll', 'complete'), ids(), bodies()).map(([verb, id, body]) => ({ method: 'POST', path: `/api/courses/${id}/${verb}/`, body })),
      fc.tuple(ids(), bodies()).map(([id, body]) => ({ method: 'POST', path: `/api/payments/${id}/cancel/`, body })),
      fc.tuple(fc.constantFrom('login', 'token/refresh', 'logout'), bodies()).map(([action, body]) => ({ method: 'POST', path: `/api/auth/${action}/`, body })),
      fc.tuple(fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH'), fc.constantFrom('/api/tests/1/apply/', '/api/payments/1/cancel/', '/api/auth/login/')).map(([method, path]) => ({ method, path })),
      administration(),
    );

  // Administration with ids that name no item, or with a version the item never had: every
  // request is refused, so nothing changes whoever sends it.
  const noItem = () => ids().filter((id) => !/^[1-9]\d{0,15}$/.test(id));
  const staleTags = () => fc.constantFrom<string | undefined>(undefined, '"999"', 'W/"1"', 'garbage', '"1" "2"', '""');
  const administration = (): fc.Arbitrary<FuzzRequest> =>
    fc.oneof(
      fc.tuple(fc.constantFrom('/api/tests/', '/api/courses/'), bodies()).map(([path, body]) => ({ method: 'POST', path, body })),
      fc.tuple(fc.oneof(noItem(), fc.constant(String(itemId))), bodies(), staleTags()).map(([id, body, ifMatch]) => ({ method: 'PATCH', path: `/api/tests/${id}/`, body, ifMatch })),
      fc.tuple(fc.constantFrom('POST', 'DELETE'), fc.oneof(noItem(), fc.constant(String(itemId))), staleTags().filter((tag) => tag !== undefined)).map(([method, id, ifMatch]) => ({
        method,
        path: method === 'POST' ? `/api/tests/${id}/close/` : `/api/tests/${id}/`,
        ifMatch,
      })),
      queryStrings().map((query) => ({ method: 'GET', path: `/api/admin/audit/${query}` })),
    );

  it('never answers 5xx, always answers problems, leaks nothing and changes nothing', async () => {
    const before = await snapshot(server);
    await fc.assert(
      fc.asyncProperty(endpoints(), fc.constantFrom(null, 'customer', 'staff'), fc.option(malformedHosts(), { nil: undefined }), async (request, caller, forwardedHost) => {
        const { method, path, body } = request;
        const headers: Record<string, string> = { 'x-forwarded-for': '198.51.100.7' };
        // The tests trust proxy headers, so links are built from this host.
        if (forwardedHost !== undefined) headers['x-forwarded-host'] = forwardedHost;
        if (caller) headers.authorization = `Bearer ${(caller === 'staff' ? staff : user).access}`;
        if (request.ifMatch !== undefined) headers['if-match'] = request.ifMatch;
        if (body) headers['content-type'] = body.type;
        const response = await fetch(server.api.baseUrl + path, { method, headers, body: body?.raw });
        const text = await response.text();
        const sent = `${method} ${path.slice(0, 300)} ${body?.raw.slice(0, 300) ?? ''}`;
        expect(response.status, sent).to.be.below(500);
        if (response.status >= 400) expect(response.headers.get('content-type'), sent).to.match(/^application\/problem\+json/);
        expect(text, sent).not.to.match(LEAKS);
      }),
      { numRuns: 2500, seed: 20261124 },
    );
    expect(await snapshot(server)).to.deep.equal(before);
  });
});
