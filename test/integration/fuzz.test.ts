import { expect } from 'chai';
import fc from 'fast-check';
import { createOffering } from '../support/offerings';
import { type TestServer, sharedServer } from '../support/test-server';
import { type TestUser, createUser } from '../support/users';

const LEAKS = /node_modules|\bat \S+ \(|\.ts:\d+|SELECT |INSERT |UPDATE |syntax error|violates|relation "|pg_|knex|TypeError|ReferenceError/i;

/** What must not change however bad the requests are. */
async function snapshot(server: TestServer): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of ['payments', 'test_registrations', 'course_registrations', 'tests', 'courses', 'idempotency_records']) {
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
  let itemId: number;

  before(async () => {
    server = await sharedServer();
    user = await createUser(server.api);
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
          fc.oneof(fc.constantFrom('page', 'page_size', 'cursor', 'status', 'search', 'sort', 'price_min', 'price_max', 'from', 'to', 'payment_type'), fc.string({ maxLength: 10 })),
          values(),
        ),
        { maxLength: 4 },
      )
      .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}` : ''));
  const jsonValues = () => fc.oneof(fc.string({ maxLength: 40 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 }), values());
  const bodies = () =>
    fc.oneof(
      fc.dictionary(fc.oneof(fc.constantFrom('amount', 'payment_method', 'reason', 'email', 'password', 'username', 'refresh'), fc.string({ maxLength: 12 })), jsonValues(), { maxKeys: 4 }).map((b) => ({ raw: JSON.stringify(b), type: 'application/json' })),
      fc.constantFrom('{', '[1,2', '"text"', 'null', '42', '{"amount": 1e999}', '{"a":"\\u0000"}', '{"__proto__": {"x": 1}}').map((raw) => ({ raw, type: 'application/json' })),
      fc.string({ maxLength: 60 }).map((raw) => ({ raw, type: 'text/plain' })),
      fc.constant({ raw: 'amount=1&payment_method=card', type: 'application/x-www-form-urlencoded' }),
    );

  const endpoints = (): fc.Arbitrary<{ method: string; path: string; body?: { raw: string; type: string } }> =>
    fc.oneof(
      fc.tuple(fc.constantFrom('/api/tests/', '/api/courses/', '/api/me/payments/'), queryStrings()).map(([p, q]) => ({ method: 'GET', path: p + q })),
      fc.tuple(fc.constantFrom('/api/tests/', '/api/courses/', '/api/me/payments/'), ids()).map(([p, id]) => ({ method: 'GET', path: `${p}${id}/` })),
      fc.tuple(fc.constantFrom('apply', 'complete'), fc.oneof(ids(), fc.constant(String(itemId))), bodies()).map(([verb, id, body]) => ({ method: 'POST', path: `/api/tests/${id}/${verb}/`, body })),
      fc.tuple(fc.constantFrom('enroll', 'complete'), ids(), bodies()).map(([verb, id, body]) => ({ method: 'POST', path: `/api/courses/${id}/${verb}/`, body })),
      fc.tuple(ids(), bodies()).map(([id, body]) => ({ method: 'POST', path: `/api/payments/${id}/cancel/`, body })),
      fc.tuple(fc.constantFrom('login', 'token/refresh', 'logout'), bodies()).map(([action, body]) => ({ method: 'POST', path: `/api/auth/${action}/`, body })),
      fc.tuple(fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH'), fc.constantFrom('/api/tests/1/apply/', '/api/payments/1/cancel/', '/api/auth/login/')).map(([method, path]) => ({ method, path })),
    );

  it('never answers 5xx, always answers problems, leaks nothing and changes nothing', async () => {
    const before = await snapshot(server);
    await fc.assert(
      fc.asyncProperty(endpoints(), fc.boolean(), async ({ method, path, body }, withToken) => {
        const headers: Record<string, string> = { 'x-forwarded-for': '198.51.100.7' };
        if (withToken) headers.authorization = `Bearer ${user.access}`;
        if (body) headers['content-type'] = body.type;
        const response = await fetch(server.api.baseUrl + path, { method, headers, body: body?.raw });
        const text = await response.text();
        expect(response.status, `${method} ${path} ${body?.raw ?? ''}`).to.be.below(500);
        if (response.status >= 400) expect(response.headers.get('content-type'), `${method} ${path}`).to.match(/^application\/problem\+json/);
        expect(text, `${method} ${path}`).not.to.match(LEAKS);
      }),
      { numRuns: 2500, seed: 20261124 },
    );
    expect(await snapshot(server)).to.deep.equal(before);
  });
});
