import { request } from 'node:http';
import { connect } from 'node:net';
import { expect } from 'chai';
import { buildRouter } from '../../src/interfaces/http/app';
import { METHODS_SERVED } from '../../src/interfaces/http/server';
import { type TestServer, sharedServer, withTestServer } from '../support/test-server';
import { createOffering } from '../support/offerings';
import { createUser } from '../support/users';

interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Sends `message` as written and reads the answer until the server closes the connection. */
function exchange(port: number, message: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write(message));
    let received = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, body = ''] = received.split('\r\n\r\n');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body });
    });
  });
}

/** A request through node:http, which sends an `Expect` header that fetch refuses to. */
function sendWithExpect(port: number, expectation: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthz', method: 'GET', headers: { expect: expectation } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string>, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('HTTP conventions', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });
  const api = () => server.api;

  it('GET /healthz answers 200 while the process is up', async () => {
    const res = await api().get('/healthz');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
  });

  it('GET /readyz answers 200 when Postgres and Redis are reachable', async () => {
    const res = await api().get('/readyz');
    expect(res.status).to.equal(200);
    expect(res.body.checks).to.deep.equal({ postgres: 'up', redis: 'up' });
  });

  it('treats a path with and without the trailing slash alike, without redirecting', async () => {
    const withSlash = await api().post('/api/auth/login/', {});
    const without = await api().post('/api/auth/login', {});
    expect(withSlash.status).to.equal(400);
    expect(without.status).to.equal(400);
    expect(without.body.errors).to.deep.equal(withSlash.body.errors);
  });

  it('refuses a request with two Host headers with a 400 problem, whichever case they are written in', async () => {
    const res = await exchange(server.running.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nhost: evil.example\r\nConnection: close\r\n\r\n');
    expect(res.status).to.equal(400);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    const one = await exchange(server.running.port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
    expect(one.status).to.equal(200);
  });

  it('serves an HTTP/1.0 request without Host, its links naming the address it came in on; HTTP/1.1 must send Host', async () => {
    const { port } = server.running;
    const health = await exchange(port, 'GET /healthz HTTP/1.0\r\n\r\n');
    expect(health.status).to.equal(200);
    expect(JSON.parse(health.body)).to.deep.equal({ status: 'ok' });
    const user = await createUser(api());
    await createOffering(server.db, 'course');
    await createOffering(server.db, 'course');
    const list = await exchange(port, `GET /api/courses/?page_size=1 HTTP/1.0\r\nAuthorization: Bearer ${user.access}\r\n\r\n`);
    expect(list.status).to.equal(200);
    expect(new URL(JSON.parse(list.body).next).host).to.equal(`127.0.0.1:${port}`);
    const named = await exchange(port, 'GET /healthz HTTP/1.0\r\nHost: api.example.com\r\n\r\n');
    expect(named.status, 'a Host sent is read as sent').to.equal(200);
    const http11 = await exchange(port, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
    expect(http11.status).to.equal(400);
    expect(JSON.parse(http11.body).detail).to.match(/Host/);
  });

  it('with ALLOWED_HOSTS, serves an HTTP/1.0 request without Host only where the address it came in on is named', async () => {
    const message = 'GET /healthz HTTP/1.0\r\n\r\n';
    await withTestServer({ ALLOWED_HOSTS: 'api.example.com, 127.0.0.1' }, async (own) => {
      expect((await exchange(own.running.port, message)).status).to.equal(200);
    });
    await withTestServer({ ALLOWED_HOSTS: 'api.example.com' }, async (own) => {
      const refused = await exchange(own.running.port, message);
      expect(refused.status).to.equal(400);
      expect(JSON.parse(refused.body).detail).to.match(/ALLOWED_HOSTS/);
    });
  });

  it('reads a letter, a digit or -._~ written as a percent escape in a path as itself, and no other escape', async () => {
    const login = await api().post('/api/auth/%6Cogin/', {});
    expect(login.status).to.equal(400);
    expect(login.body.errors).to.have.keys('email', 'password');
    const user = await createUser(api());
    expect((await api().get('/api/me/%70ayments/', { token: user.access })).status).to.equal(200);
    expect((await api().get('/api/me%2Fpayments/', { token: user.access })).status, 'an escaped slash is no slash').to.equal(404);
  });

  it('answers a list the same with or without the trailing slash, or with several: its links name the documented path', async () => {
    const user = await createUser(api());
    await createOffering(server.db, 'test');
    await createOffering(server.db, 'test');
    const bodies = [];
    for (const path of ['/api/tests/', '/api/tests', '/api/tests///']) {
      const res = await api().get(`${path}?page_size=1&page=2`, { token: user.access });
      expect(res.status, path).to.equal(200);
      bodies.push(res.body);
    }
    expect(new URL(bodies[0].previous).pathname).to.equal('/api/tests/');
    expect(bodies[1]).to.deep.equal(bodies[0]);
    expect(bodies[2]).to.deep.equal(bodies[0]);
  });

  it('answers an unknown route with a 404 problem', async () => {
    const res = await api().get('/api/nothing-here/');
    expect(res.status).to.equal(404);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(res.body).to.include({ status: 404, code: 'not_found' });
  });

  it('answers a wrong method on a known route with a 405 problem and Allow', async () => {
    const res = await api().get('/api/auth/login/');
    expect(res.status).to.equal(405);
    expect(res.headers.get('allow')).to.contain('POST');
    expect(res.headers.get('allow'), 'every path answers OPTIONS').to.match(/\bOPTIONS\b/);
    const options = await api().request('OPTIONS', '/api/tests/');
    expect(options.status).to.equal(200);
    expect(options.headers.get('allow')?.split(/,\s*/)).to.include.members(['GET', 'HEAD', 'POST', 'OPTIONS']);
    expect(res.body.code).to.equal('method_not_allowed');
  });

  it('answers a method the service implements nowhere as any wrong method: 405 with Allow, or 404 off every route', async () => {
    const res = await api().request('PROPFIND', '/api/auth/login/');
    expect(res.status).to.equal(405);
    expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    expect(res.headers.get('allow')).to.contain('POST');
    expect(res.body).to.include({ status: 405, code: 'method_not_allowed' });
    const nowhere = await api().request('PROPFIND', '/api/nothing-here/');
    expect(nowhere.status).to.equal(404);
    expect(nowhere.body).to.include({ status: 404, code: 'not_found' });
    expect(nowhere.headers.has('allow'), 'a 404 names no allowed methods').to.equal(false);
  });

  it('answers an expectation it cannot meet with a 417 problem, with a request id and the security headers', async () => {
    for (const expectation of ['foo', '200-ok', 'x-continue=1']) {
      const res = await sendWithExpect(server.running.port, expectation);
      expect(res.status, expectation).to.equal(417);
      expect(res.headers['content-type'], expectation).to.match(/^application\/problem\+json/);
      expect(res.headers['x-request-id'], expectation).to.match(/^[0-9a-f-]{36}$/);
      expect(res.headers['content-security-policy'], expectation).to.contain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options'], expectation).to.equal('nosniff');
      const problem = JSON.parse(res.body);
      expect(problem, expectation).to.include({ status: 417, code: 'expectation_failed', request_id: res.headers['x-request-id'] });
      expect(problem.detail, expectation).to.match(/100-continue/);
    }
    expect((await sendWithExpect(server.running.port, '100-continue')).status).to.equal(200);
  });

  it('answers CONNECT, which it serves on no path, with a 405 problem and Allow, and closes the connection', async () => {
    const res = await exchange(server.running.port, 'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n');
    expect(res.status).to.equal(405);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(res.headers['x-request-id']).to.match(/^[0-9a-f-]{36}$/);
    expect(res.headers.connection).to.equal('close');
    const problem = JSON.parse(res.body);
    expect(problem).to.include({ status: 405, code: 'method_not_allowed', request_id: res.headers['x-request-id'] });
    // `Allow` names every method some route answers: nothing more, nothing less.
    const router = buildRouter(server.running.app.container, (_ctx, next) => next());
    const routed = new Set(['OPTIONS', ...router.stack.flatMap((layer) => layer.methods)]);
    expect(res.headers.allow.split(', ').sort()).to.deep.equal([...routed].sort());
    expect([...METHODS_SERVED].sort()).to.deep.equal([...routed].sort());
  });

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await api().post('/api/auth/login/', undefined, { rawBody: '{"email": ' });
    expect(res.status).to.equal(400);
    expect(res.body.code).to.equal('bad_request');
  });

  for (const [name, raw] of [['an array', '[1,2]'], ['a string', '"text"'], ['a number', '42'], ['null', 'null']]) {
    it(`answers a JSON body that is ${name} with 400`, async () => {
      const res = await api().post('/api/auth/login/', undefined, { rawBody: raw });
      expect(res.status).to.equal(400);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
    });
  }

  it('answers a body that is not JSON with 415', async () => {
    const res = await api().post('/api/auth/login/', undefined, {
      rawBody: 'email=a&password=b',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(res.status).to.equal(415);
    expect(res.body.code).to.equal('unsupported_media_type');
  });

  it('answers an oversized body with 413', async () => {
    const res = await api().post('/api/auth/login/', { email: 'a@b.c', password: 'x'.repeat(200_000) });
    expect(res.status).to.equal(413);
    expect(res.body.code).to.equal('payload_too_large');
  });

  it('echoes a client X-Request-Id as tracing systems write them, and assigns one otherwise', async () => {
    for (const id of ['client-id-123', 'Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1', 'q1w2e3+/r4t5==', 'x'.repeat(200)]) {
      const echoed = await api().get('/healthz', { headers: { 'x-request-id': id } });
      expect(echoed.headers.get('x-request-id')).to.equal(id);
    }
    const assigned = await api().get('/healthz');
    expect(assigned.headers.get('x-request-id')).to.match(/^[0-9a-f-]{36}$/);
    for (const id of ['x'.repeat(201), 'with space', 'caf\u00e9']) {
      const replaced = await api().get('/healthz', { headers: { 'x-request-id': id } });
      expect(replaced.headers.get('x-request-id'), id).to.match(/^[0-9a-f-]{36}$/);
    }
  });

  it('puts the request id in problem bodies', async () => {
    const res = await api().get('/nowhere', { headers: { 'x-request-id': 'trace-me' } });
    expect(res.body.request_id).to.equal('trace-me');
  });

  it('never answers malformed auth requests with a 5xx', async () => {
    const bodies: unknown[] = [
      { email: null, password: null },
      { email: ['a'], password: { $gt: '' } },
      { email: 'a\u0000b@example.com', password: 'x\u0000y' },
      { email: '😀'.repeat(300), password: '😀' },
      { email: 'x@y.z', username: 'a'.repeat(10_000), password: 'p'.repeat(10_000) },
      { refresh: 12 },
      { refresh: 'a.b.c' },
      { refresh: 'eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.' },
    ];
    for (const path of ['/api/auth/signup/', '/api/auth/login/', '/api/auth/token/refresh/', '/api/auth/logout/']) {
      for (const body of bodies) {
        const res = await api().post(path, body);
        expect(res.status, `${path} ${JSON.stringify(body).slice(0, 80)}`).to.be.within(400, 499);
        expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
      }
    }
  });
});
