import { expect } from 'chai';
import { type TestServer, sharedServer } from '../support/test-server';

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
