import { request } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { expect } from 'chai';
import type { Context } from 'koa';
import { GrantStaffHandler } from '../../src/application/commands/grant-staff/grant-staff-handler';
import { ignoreTrailingSlash } from '../../src/interfaces/http/middleware/trailing-slash';
import { MAX_JSON_DEPTH } from '../../src/interfaces/http/middleware/json-depth';
import { isCalendarDate, isCalendarTimestamp } from '../../src/interfaces/http/calendar';
import { createOffering } from '../support/offerings';
import { type TestServer, sharedServer, withTestServer } from '../support/test-server';
import { type TestUser, createUser } from '../support/users';

/** A raw request, for headers that fetch will not send as given (Host). */
function rawGet(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; type: string; securityPolicy: string; requestId: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers, setHost: false }, (res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), securityPolicy: String(res.headers['content-security-policy']), requestId: String(res.headers['x-request-id']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('Hostile input: answered with a 4xx problem, never a 500', () => {
  let server: TestServer;
  let user: TestUser;
  before(async () => {
    server = await sharedServer();
    user = await createUser(server.api);
  });

  it('treats names of Object.prototype members as any other unknown name, in query strings, bodies and paths', async () => {
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf']) {
      const query = await server.api.get(`/api/courses/?page_size=%&${name}=`, { token: user.access });
      expect(query.status, name).to.equal(400);
      expect(Object.keys(query.body.errors), name).to.include(name);
      const payments = await server.api.get(`/api/me/payments/?${name}=1`, { token: user.access });
      expect(payments.status, name).to.equal(400);
      expect(Object.keys(payments.body.errors), name).to.deep.equal([name]);
      const login = await server.api.post('/api/auth/login/', { email: user.email, password: 'x', [name]: null });
      expect(login.status, name).to.equal(400);
      expect((await server.api.get(`/api/docs/assets/${name}`)).status, name).to.equal(404);
    }
  });

  it(`refuses JSON nested deeper than ${MAX_JSON_DEPTH} levels before validating it`, async () => {
    const deep = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
    for (const path of ['/api/auth/signup/', '/api/auth/login/', '/api/auth/token/refresh/']) {
      for (const raw of [deep(10_000), `{"email":${'['.repeat(10_000)}${']'.repeat(10_000)}}`, `{"email":${deep(5_000)}}`]) {
        const res = await server.api.post(path, undefined, { rawBody: raw });
        expect(res.status, path).to.equal(400);
        expect(res.body.detail).to.match(/nest/);
      }
    }
    // Ordinary bodies are untouched by the limit.
    expect((await server.api.post('/api/auth/login/', { email: user.email, password: user.password })).status).to.equal(200);
  });

  it('refuses a body its Content-Encoding cannot decode with a 400 problem, and still reads one it can', async () => {
    const login = JSON.stringify({ email: user.email, password: user.password });
    const cut = (data: Buffer) => data.subarray(0, data.length - 8);
    const bodies: Array<[string, string | Uint8Array]> = [
      ['gzip', 'not gzip at all'],
      ['gzip', cut(gzipSync(login))],
      ['deflate', 'xx'],
      ['deflate', cut(deflateSync(login))],
      ['br', 'xx'],
      ['br', cut(brotliCompressSync(login))],
    ];
    for (const [encoding, rawBody] of bodies) {
      const res = await server.api.post('/api/auth/login/', undefined, { rawBody, headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
      expect(res.status, encoding).to.equal(400);
      expect(res.body.detail, encoding).to.match(/Content-Encoding/);
    }
    for (const [encoding, encode] of [['gzip', gzipSync], ['deflate', deflateSync], ['br', brotliCompressSync]] as const) {
      const res = await server.api.post('/api/auth/login/', undefined, { rawBody: encode(login), headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
      expect(res.status, encoding).to.equal(200);
    }
  });

  it('reads a Content-Encoding in any case, and x-gzip as gzip', async () => {
    const login = JSON.stringify({ email: user.email, password: user.password });
    for (const [encoding, rawBody] of [['GZIP', gzipSync(login)], ['Gzip', gzipSync(login)], ['x-gzip', gzipSync(login)], ['X-GZip', gzipSync(login)], ['Deflate', deflateSync(login)], ['BR', brotliCompressSync(login)], ['IDENTITY', login], [' gzip ', gzipSync(login)]] as const) {
      const res = await server.api.post('/api/auth/login/', undefined, { rawBody, headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
      expect(res.status, encoding).to.equal(200);
    }
    const unknown = await server.api.post('/api/auth/login/', undefined, { rawBody: login, headers: { 'content-type': 'application/json', 'content-encoding': 'compress' } });
    expect(unknown.status).to.equal(415);
  });

  it('reads an empty body as no body, whatever coding it names', async () => {
    for (const encoding of ['gzip', 'deflate', 'br']) {
      const res = await server.api.post('/api/tests/999999999/complete/', undefined, { token: user.access, rawBody: '', headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
      expect(res.status, encoding).to.equal(404);
    }
  });

  it('refuses a JSON body that is not UTF-8 with a 400 problem, and stores nothing of it', async () => {
    const staff = await createUser(server.api);
    await server.running.app.container.get(GrantStaffHandler).execute({ email: staff.email });
    const item = (title: string) => JSON.stringify({ title, price: '55000', start_at: '2027-01-01T00:00:00Z', end_at: '2027-02-01T00:00:00Z' });
    const mark = String(Math.random());
    const title = `Caf\u00e9 cr\u00e8me ${mark}`;
    // The title's bytes in latin-1 (é is E9, è is E8): not UTF-8.
    const latin1 = Buffer.from(item(title), 'latin1');
    for (const [encoding, rawBody] of [['identity', latin1], ['gzip', gzipSync(latin1)], ['br', brotliCompressSync(latin1)]] as const) {
      const res = await server.api.post('/api/tests/', undefined, { token: staff.access, rawBody, headers: { 'content-type': 'application/json', 'content-encoding': encoding } });
      expect(res.status, encoding).to.equal(400);
      expect(res.headers.get('content-type'), encoding).to.match(/^application\/problem\+json/);
      expect(res.body.code, encoding).to.equal('bad_request');
      expect(res.body.detail, encoding).to.match(/not valid UTF-8/);
    }
    // Sequences UTF-8 forbids: a cut one, a surrogate, an overlong one, one past U+10FFFF.
    for (const bytes of ['e0a4', 'eda080', 'c0af', 'f4908080', 'f09f98']) {
      const rawBody = Buffer.concat([Buffer.from('{"email": "a@example.com", "password": "'), Buffer.from(bytes, 'hex'), Buffer.from('"}')]);
      const res = await server.api.post('/api/auth/login/', undefined, { rawBody });
      expect(res.status, bytes).to.equal(400);
      expect(res.body.detail, bytes).to.match(/not valid UTF-8/);
    }
    expect(await server.db('tests').where('title', 'like', `%${mark}`).first(), 'nothing stored').to.equal(undefined);
    // U+FFFD written by the client is a character like any other; a byte order mark is skipped as before.
    const replacement = await server.api.post('/api/tests/', undefined, { token: staff.access, rawBody: Buffer.from(item(`Caf\uFFFD ${Math.random()}`), 'utf8') });
    expect(replacement.status).to.equal(201);
    expect(replacement.body.title).to.match(/^Caf\uFFFD /);
    const withMark = await server.api.post('/api/auth/login/', undefined, { rawBody: Buffer.from(`\uFEFF${JSON.stringify({ email: user.email, password: user.password })}`, 'utf8') });
    expect(withMark.status).to.equal(200);
  });

  it('leaves a body refused unread for Node to discard, so that its connection serves the next request', async () => {
    // fetch sends each request on the connection the previous one left idle.
    for (let round = 0; round < 2; round += 1) {
      const large = await server.api.post('/api/auth/login/', { email: user.email, password: 'x'.repeat(200_000) });
      expect(large.status).to.equal(413);
      const unknown = await server.api.post('/api/auth/login/', undefined, { rawBody: 'x'.repeat(50_000), headers: { 'content-type': 'application/json', 'content-encoding': 'compress' } });
      expect(unknown.status).to.equal(415);
      expect((await server.api.get('/healthz')).status).to.equal(200);
    }
  });

  it('refuses a JSON body declared in a charset other than UTF-8 with 415', async () => {
    const rawBody = JSON.stringify({ email: user.email, password: user.password });
    for (const charset of ['iso-8859-1', 'latin1', 'utf-16', 'windows-1252', 'utf-8x']) {
      const res = await server.api.post('/api/auth/login/', undefined, { rawBody, headers: { 'content-type': `application/json; charset=${charset}` } });
      expect(res.status, charset).to.equal(415);
      expect(res.body.code, charset).to.equal('unsupported_media_type');
      expect(res.body.detail, charset).to.match(/UTF-8/);
    }
    for (const charset of ['utf-8', 'UTF-8', 'utf8', 'Utf8', '"utf-8"']) {
      const res = await server.api.post('/api/auth/login/', undefined, { rawBody, headers: { 'content-type': `application/json; charset=${charset}` } });
      expect(res.status, charset).to.equal(200);
    }
  });

  it('refuses a query string whose escapes are not UTF-8 with a 400 problem, and reads a lone % as a character', async () => {
    for (const query of ['search=%EC%8B%9C%ED%97%98%E0%A4%A', 'search=%E9t%E9', 'search=%ED%A0%80', 'search=%C0%AF', 'search=ok&%FF=1']) {
      const res = await server.api.get(`/api/tests/?${query}`, { token: user.access });
      expect(res.status, query).to.equal(400);
      expect(res.body.code, query).to.equal('bad_request');
      expect(res.body.detail, query).to.match(/query string is not valid percent-encoded UTF-8/);
    }
    for (const query of ['search=%EC%8B%9C%ED%97%98', 'search=50%', 'search=%EF%BF%BD', 'search=a%25b']) {
      const res = await server.api.get(`/api/tests/?${query}`, { token: user.access });
      expect(res.status, query).to.equal(200);
    }
  });

  it('accepts only dates of the calendar, as PostgreSQL does, in filters and cursors', async () => {
    for (const date of ['0000-01-01', '2026-02-30', '2025-02-29', '2026-04-31', '2026-13-01']) {
      const res = await server.api.get(`/api/me/payments/?from=${date}`, { token: user.access });
      expect(res.status, date).to.equal(400);
      expect(res.body.errors).to.have.property('from');
      const cursor = Buffer.from(JSON.stringify({ s: 'created', v: [`${date}T00:00:00.000000Z`], i: 1, d: 'n' })).toString('base64url');
      const listed = await server.api.get(`/api/tests/?cursor=${cursor}`, { token: user.access });
      expect(listed.status, date).to.equal(400);
      expect(listed.body.errors).to.have.property('cursor');
    }
    expect(isCalendarDate('2024-02-29')).to.equal(true);
    expect(isCalendarTimestamp('2026-11-28T23:59:59.999999Z')).to.equal(true);
    expect(isCalendarTimestamp('2026-11-28T24:00:00.000000Z')).to.equal(false);
  });

  it('refuses a lone surrogate in a field or its name with a 400 naming it, replayed under its Idempotency-Key', async () => {
    const id = await createOffering(server.db, 'test');
    for (const [rawBody, field] of [
      ['{"amount": "45000", "payment_method": "card", "\\ud800": 1}', 'non_field_errors'],
      ['{"amount": "45000", "payment_method": "card\\udc00"}', 'payment_method'],
    ] as const) {
      const headers = { 'content-type': 'application/json', 'idempotency-key': `surrogate-${Math.random()}` };
      const first = await server.api.post(`/api/tests/${id}/apply/`, undefined, { token: user.access, rawBody, headers });
      expect(first.status, rawBody).to.equal(400);
      expect(first.body.code, rawBody).to.equal('validation_failed');
      expect(Object.keys(first.body.errors), rawBody).to.deep.equal([field]);
      const retry = await server.api.post(`/api/tests/${id}/apply/`, undefined, { token: user.access, rawBody, headers });
      expect([retry.status, retry.headers.get('idempotent-replayed')], rawBody).to.deep.equal([400, 'true']);
    }
  });

  it('counts a length limit in characters as the database does, an emoji as one', async () => {
    const emoji = (n: number) => '\u{1F642}'.repeat(n);
    for (const path of ['/api/tests/', '/api/me/payments/']) {
      const within = await server.api.get(`${path}?search=${encodeURIComponent(emoji(200))}`, { token: user.access });
      expect(within.status, path).to.equal(200);
      const beyond = await server.api.get(`${path}?search=${encodeURIComponent(emoji(201))}`, { token: user.access });
      expect(beyond.status, path).to.equal(400);
      expect(beyond.body.errors.search, path).to.deep.equal(['Search length must be less than or equal to 200 characters long.']);
    }
    const staff = await createUser(server.api);
    await server.running.app.container.get(GrantStaffHandler).execute({ email: staff.email });
    const item = (title: string) => ({ title, price: '55000', start_at: '2027-01-01T00:00:00Z', end_at: '2027-02-01T00:00:00Z' });
    const created = await server.api.post('/api/tests/', item(emoji(255)), { token: staff.access });
    expect(created.status).to.equal(201);
    expect(created.body.title).to.equal(emoji(255));
    expect((await server.api.post('/api/tests/', item(emoji(256)), { token: staff.access })).status).to.equal(400);
  });

  it('says why a JSON body is refused: malformed, not an object, or holding __proto__', async () => {
    const cases: ReadonlyArray<readonly [string, RegExp]> = [
      ['{"email": ', /not valid JSON/],
      ['null', /must be a JSON object/],
      ['"x"', /must be a JSON object/],
      ['5', /must be a JSON object/],
      ['[]', /must be a JSON object/],
      ['[{"email": "a@example.com", "password": "x"}]', /must be a JSON object/],
      ['{"email": "a@example.com", "password": "x", "__proto__": {"admin": true}}', /__proto__/],
    ];
    for (const [rawBody, detail] of cases) {
      const res = await server.api.post('/api/auth/login/', undefined, { rawBody, headers: { 'content-type': 'application/json' } });
      expect(res.status, rawBody).to.equal(400);
      expect(res.body.code, rawBody).to.equal('bad_request');
      expect(res.body.detail, rawBody).to.match(detail);
    }
  });

  it('reads a whole number of a query string only in digits, and each parameter only once', async () => {
    for (const path of ['/api/courses/', '/api/me/payments/']) {
      for (const [name, value] of [['page', '1e2'], ['page', '2.0'], ['page', '%2B2'], ['page', '%202'], ['page', '2%0A'], ['page_size', '0x10'], ['page_size', '1E1'], ['page', '']]) {
        const res = await server.api.get(`${path}?${name}=${value}`, { token: user.access });
        expect(res.status, `${path} ${name}=${value}`).to.equal(400);
        expect(res.body.errors[name], `${path} ${name}=${value}`).to.deep.equal([`${name[0].toUpperCase()}${name.slice(1)} must be a whole number written in digits.`]);
      }
      expect((await server.api.get(`${path}?page_size=05`, { token: user.access })).status, 'leading zeros are digits').to.equal(200);
      for (const query of ['page=1&page=2', 'page_size=5&page_size=5', 'sort=created&sort=created']) {
        const name = query.split('=')[0];
        const res = await server.api.get(`${path}?${query}`, { token: user.access });
        expect(res.status, query).to.equal(400);
        expect(res.body.errors, query).to.deep.equal({ [name]: [`${name[0].toUpperCase()}${name.slice(1)} must be given once.`] });
      }
    }
    const price = await server.api.get('/api/courses/?price_min=999999999', { token: user.access });
    expect(price.status).to.equal(400);
    expect(price.body.errors.price_min[0], 'the message names the largest bound').to.contain('99999999.99');
  });

  it('answers a Host header from which no link can be built with a 400 problem', async () => {
    await createOffering(server.db, 'course');
    await createOffering(server.db, 'course');
    // Twice each: a host's verdict is remembered after the first request, and must stay the same.
    for (const attempt of [1, 2]) {
      for (const host of ['bad host', 'a/b', '[::1', 'ex ample.com:80', 'host?x=1']) {
        const res = await rawGet(server.running.port, '/api/courses/?page_size=1', { host, authorization: `Bearer ${user.access}` });
        expect(res.status, `${host} (${attempt})`).to.equal(400);
        expect(res.type, host).to.match(/^application\/problem\+json/);
        expect(res.securityPolicy, host).to.contain("frame-ancestors 'none'");
        expect(JSON.parse(res.body).detail).to.match(/Host/);
      }
      const good = await rawGet(server.running.port, '/api/courses/?page_size=1', { host: 'api.example.com:8443', authorization: `Bearer ${user.access}` });
      expect(good.status).to.equal(200);
      expect(JSON.parse(good.body).next).to.match(/^http:\/\/api\.example\.com:8443\/api\/courses\//);
    }
  });

  it('answers a request without a Host header with a 400 problem, as a malformed one', async () => {
    const res = await rawGet(server.running.port, '/api/courses/?page_size=1', { authorization: `Bearer ${user.access}` });
    expect(res.status).to.equal(400);
    expect(res.type).to.match(/^application\/problem\+json/);
    expect(res.requestId).to.match(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(res.body)).to.include({ status: 400 }).and.have.property('detail').that.matches(/Host/);
  });

  it('gives a client 20 s to send its headers and 30 s to send its whole request (then a 408 problem)', () => {
    expect(server.running.server.headersTimeout).to.equal(20_000);
    expect(server.running.server.requestTimeout).to.equal(30_000);
  });

  it('builds links from the checked Host, not from a request target in absolute form', async () => {
    await createOffering(server.db, 'course');
    await createOffering(server.db, 'course');
    for (const target of ['http://256.0.0.1/api/courses/?page_size=1', 'http://evil.example/api/courses/?page_size=1', 'http://[x]/api/courses/?page_size=1']) {
      const res = await rawGet(server.running.port, target, { host: 'api.example.com', authorization: `Bearer ${user.access}` });
      expect(res.status, target).to.equal(200);
      const next = new URL(JSON.parse(res.body).next);
      expect(next.host, target).to.equal('api.example.com');
      expect(next.pathname, `${target}: the path as documented`).to.equal('/api/courses/');
      expect(next.searchParams.get('page_size'), target).to.equal('1');
    }
  });

  it('with ALLOWED_HOSTS, serves only the hosts named there, so that no link names another', () =>
    withTestServer({ ALLOWED_HOSTS: 'api.example.com, .example.org, 127.0.0.1' }, async (own) => {
      const reader = await createUser(own.api);
      await createOffering(own.db, 'course');
      await createOffering(own.db, 'course');
      const get = (host: string) => rawGet(own.running.port, '/api/courses/?page_size=1', { host, authorization: `Bearer ${reader.access}` });
      for (const host of ['api.example.com', 'API.Example.com:8443', 'example.org', 'www.example.org:80']) {
        const res = await get(host);
        expect(res.status, host).to.equal(200);
        expect(new URL(JSON.parse(res.body).next).host, host).to.equal(new URL(`http://${host}`).host);
      }
      for (const host of ['evil.example', 'api.example.com.evil.example', 'notexample.org', 'localhost:8000']) {
        const res = await get(host);
        expect(res.status, host).to.equal(400);
        expect(JSON.parse(res.body).detail, host).to.match(/ALLOWED_HOSTS/);
      }
    }));

  it('refuses request targets longer than a URL of the API with 414, and oversized request lines with a problem too', async () => {
    const long = await server.api.get(`/api/tests/?search=${'x'.repeat(5_000)}`, { token: user.access });
    expect(long.status).to.equal(414);
    expect(long.body.code).to.equal('uri_too_long');
    const huge = await rawGet(server.running.port, `/x${'/'.repeat(20_000)}a/`, { host: 'localhost' });
    expect(huge.status).to.equal(431);
    expect(huge.type).to.match(/^application\/problem\+json/);
    expect(huge.requestId, 'a request id, as on every response').to.match(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(huge.body).request_id).to.equal(huge.requestId);
  });

  it('trims trailing slashes in time linear in the path', async () => {
    // A backtracking pattern takes seconds on this path; a scan from the end, microseconds.
    const path = `/x${'/'.repeat(200_000)}a${'/'.repeat(3)}`;
    const ctx = { path } as Context;
    const started = process.hrtime.bigint();
    ignoreTrailingSlash()(ctx);
    expect(ctx.path).to.equal(`/x${'/'.repeat(200_000)}a`);
    expect(Number(process.hrtime.bigint() - started) / 1e6).to.be.below(1_000);
  });

  it('limits reads per user and, without a token, per address, with 429 and Retry-After; 0 turns a limit off', () =>
    withTestServer({ READS_PER_MINUTE: '3', ANONYMOUS_READS_PER_MINUTE: '2' }, async (own) => {
      const reader = await createUser(own.api);
      const other = await createUser(own.api);
      const statuses = [];
      for (let i = 0; i < 4; i += 1) statuses.push((await own.api.get('/api/courses/?page_size=1', { token: reader.access })).status);
      expect(statuses).to.deep.equal([200, 200, 200, 429]);
      const limited = await own.api.get('/api/me/payments/', { token: reader.access });
      expect(limited.status).to.equal(429);
      // Staff reads of the audit log count alike.
      const staff = await createUser(own.api);
      await own.running.app.container.get(GrantStaffHandler).execute({ email: staff.email, revoke: false });
      const audit = [];
      for (let i = 0; i < 4; i += 1) audit.push((await own.api.get('/api/admin/audit/?page_size=1', { token: staff.access })).status);
      expect(audit).to.deep.equal([200, 200, 200, 429]);
      expect(Number(limited.headers.get('retry-after'))).to.be.greaterThan(0);
      expect((await own.api.get('/api/courses/?page_size=1', { token: other.access })).status, 'another user is not affected').to.equal(200);
      const address = { 'x-forwarded-for': '203.0.113.9' };
      const anonymous = [];
      for (let i = 0; i < 3; i += 1) anonymous.push((await own.api.get('/api/openapi.json', { headers: address })).status);
      expect(anonymous).to.deep.equal([200, 200, 429]);
      expect((await own.api.get('/healthz', { headers: address })).status, 'probes are never limited').to.equal(200);
    }));
});
