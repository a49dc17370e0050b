import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { GrantStaffHandler } from '../../src/application/commands/grant-staff/grant-staff-handler';
import { PAYMENT_GATEWAY } from '../../src/application/ports/payment-gateway';
import type { StrategyPaymentGateway } from '../../src/infrastructure/payments/strategy-payment-gateway';
import { CapturedLogs, type LogLine } from '../support/captured-logs';
import { createOffering, kindPaths } from '../support/offerings';
import { type TestServer, startTestServer } from '../support/test-server';
import { createUser } from '../support/users';

const { name: SERVICE, version: VERSION } = JSON.parse(readFileSync(path.join(__dirname, '../../package.json'), 'utf8')) as { name: string; version: string };

describe('Logs: the lines of a request carry its id; security and payment events have stable names', () => {
  const logs = new CapturedLogs();
  let server: TestServer;
  let gateway: StrategyPaymentGateway;
  before(async () => {
    server = await startTestServer({}, { logger: logs.logger });
    gateway = server.running.app.container.get<StrategyPaymentGateway>(PAYMENT_GATEWAY);
  });
  after(async () => {
    gateway.simulate('normal');
    await server.running.close();
  });

  const requestId = () => `logs-${randomUUID()}`;
  const event = (lines: LogLine[], name: string) => lines.find((line) => line.event === name);
  /** Every line carries the request's id and the service's name and version. */
  const expectAllOfRequest = (lines: LogLine[], id: string) => {
    expect(lines.length, 'lines were written').to.be.at.least(2);
    for (const line of lines) expect(line, JSON.stringify(line)).to.include({ request_id: id, service: SERVICE, version: VERSION });
  };

  it('tags every line of a registration declined by the gateway with its request id, the event payment.declined among them', async () => {
    const user = await createUser(server.api);
    const id = await createOffering(server.db, 'test');
    const rid = requestId();
    gateway.simulate('decline');
    const { result: res, lines } = await logs
      .during(() => server.api.post(kindPaths('test').register(id), { amount: '45000.00', payment_method: 'card' }, { token: user.access, headers: { 'X-Request-Id': rid } }))
      .finally(() => gateway.simulate('normal'));

    expect(res.status).to.equal(400);
    expect(res.body).to.include({ code: 'payment_declined', request_id: rid });
    expectAllOfRequest(lines, rid);
    const declined = event(lines, 'payment.declined');
    expect(declined, 'payment.declined logged').to.include({ user_id: user.id, kind: 'test', item_id: id, amount: '45000.00', method: 'card', msg: 'payment.declined' });
    const [payment] = await server.db('payments').where({ user_id: user.id, payment_type: 'test', target_id: id });
    expect(declined?.payment_id).to.equal(payment.id);
    expect(payment.status).to.equal('failed');
    expect(lines.find((line) => line.msg === 'request'), 'the request line').to.include({ status: 400, method: 'POST' });
  });

  it('logs payment.charged, then payment.refunded and payment.cancelled on a cancel, each under its own request', async () => {
    const user = await createUser(server.api);
    const id = await createOffering(server.db, 'course');
    const applyId = requestId();
    const applied = await logs.during(() =>
      server.api.post(kindPaths('course').register(id), { amount: '45000.00', payment_method: 'kakaopay' }, { token: user.access, headers: { 'X-Request-Id': applyId } }),
    );
    expect(applied.result.status).to.equal(201);
    expectAllOfRequest(applied.lines, applyId);
    expect(event(applied.lines, 'payment.charged')).to.include({ payment_id: applied.result.body.payment_id, user_id: user.id, kind: 'course', method: 'kakaopay' });

    const cancelId = requestId();
    const cancelled = await logs.during(() =>
      server.api.post(`/api/payments/${applied.result.body.payment_id}/cancel/`, {}, { token: user.access, headers: { 'X-Request-Id': cancelId } }),
    );
    expect(cancelled.result.status).to.equal(200);
    expectAllOfRequest(cancelled.lines, cancelId);
    expect(event(cancelled.lines, 'payment.refunded')).to.include({ payment_id: applied.result.body.payment_id, cause: 'cancelled', amount: '45000.00' });
    expect(event(cancelled.lines, 'payment.cancelled')).to.include({ payment_id: applied.result.body.payment_id, user_id: user.id });
    expect(event(cancelled.lines, 'payment.charged'), 'nothing is charged by a cancel').to.equal(undefined);
  });

  it('warns of a reused refresh token (auth.refresh_reuse_detected) and logs the revoked session (auth.family_revoked)', async () => {
    const user = await createUser(server.api);
    const rotated = await server.api.post('/api/auth/token/refresh/', { refresh: user.refresh });
    expect(rotated.status).to.equal(200);
    const rid = requestId();
    const { result: res, lines } = await logs.during(() => server.api.post('/api/auth/token/refresh/', { refresh: user.refresh }, { headers: { 'X-Request-Id': rid } }));
    expect(res.status).to.equal(401);
    expectAllOfRequest(lines, rid);
    expect(event(lines, 'auth.refresh_reuse_detected')).to.include({ user_id: user.id, level: 40 });
    const revoked = event(lines, 'auth.family_revoked');
    expect(revoked).to.include({ user_id: user.id, reason: 'refresh_reuse' });
    expect(revoked?.family_id).to.be.a('string').and.not.be.empty;
    expect(JSON.stringify(lines), 'no token is logged').not.to.include(user.refresh);

    const logout = await logs.during(() => server.api.post('/api/auth/logout/', { refresh: rotated.body.refresh }, { token: user.access }));
    expect(logout.result.status).to.equal(204);
    expect(event(logout.lines, 'auth.family_revoked'), 'a session already revoked is not revoked again').to.equal(undefined);
  });

  it('reports no reuse for the token of a session already ended (logged out, or revoked at a reuse): it is only refused', async () => {
    const user = await createUser(server.api);
    expect((await server.api.post('/api/auth/logout/', { refresh: user.refresh }, { token: user.access })).status).to.equal(204);
    const reused = await createUser(server.api);
    expect((await server.api.post('/api/auth/token/refresh/', { refresh: reused.refresh })).status).to.equal(200);
    expect((await server.api.post('/api/auth/token/refresh/', { refresh: reused.refresh })).status, 'the reuse that revokes').to.equal(401);
    for (const token of [user.refresh, user.refresh, reused.refresh]) {
      const { result: res, lines } = await logs.during(() => server.api.post('/api/auth/token/refresh/', { refresh: token }));
      expect(res.status).to.equal(401);
      expect(res.body).to.include({ code: 'invalid_token', detail: 'This session has ended; log in again.' });
      expect(lines.filter((line) => line.event !== undefined), 'no security event').to.deep.equal([]);
    }
  });

  it('logs each administrative change of the catalogue under its name, with the staff user and the item', async () => {
    const staff = await createUser(server.api);
    await server.running.app.container.get(GrantStaffHandler).execute({ email: staff.email });
    const paths = kindPaths('course');
    const body = { title: 'Logged course', price: '50000', start_at: new Date(Date.now() - 86_400_000).toISOString(), end_at: new Date(Date.now() + 86_400_000).toISOString() };
    const rid = requestId();
    const { result: created, lines } = await logs.during(() => server.api.post(paths.list, body, { token: staff.access, headers: { 'X-Request-Id': rid } }));
    expect(created.status).to.equal(201);
    expectAllOfRequest(lines, rid);
    expect(event(lines, 'catalogue.item_created')).to.include({ staff_user_id: staff.id, kind: 'course', item_id: created.body.id });
    const steps: Array<[string, () => Promise<unknown>]> = [
      ['catalogue.item_changed', () => server.api.request('PATCH', paths.detail(created.body.id), { price: '60000' }, { token: staff.access, headers: { 'if-match': '"1"' } })],
      ['catalogue.item_closed', () => server.api.post(`${paths.detail(created.body.id)}close/`, undefined, { token: staff.access })],
      ['catalogue.item_deleted', () => server.api.request('DELETE', paths.detail(created.body.id), undefined, { token: staff.access })],
    ];
    for (const [name, step] of steps) {
      const { lines: stepLines } = await logs.during(step);
      expect(event(stepLines, name), name).to.include({ staff_user_id: staff.id, kind: 'course', item_id: created.body.id });
    }
  });

  it('logs the query of a request without the values of credential-like parameters a client put there', async () => {
    const user = await createUser(server.api);
    const rid = requestId();
    const secret = `s3cret-${randomUUID()}`;
    const { lines } = await logs.during(() =>
      Promise.all([
        server.api.get(`/api/tests/?search=python&access_token=${secret}&Password=${secret}&api_key=${secret}`, { token: user.access, headers: { 'X-Request-Id': rid } }),
        // A name percent-encoded, alone: `to%6Ben` is `token`.
        server.api.get(`/api/tests/?search=python&to%6Ben=${secret}`, { token: user.access }),
      ]),
    );
    const request = lines.find((line) => line.msg === 'request' && line.request_id === rid);
    expect(request?.path).to.be.a('string');
    expect(JSON.stringify(lines)).to.not.contain(secret);
    expect(request?.path).to.contain('search=python').and.to.contain('access_token=%5Bredacted%5D');
    // A query holding no credential is logged as it was sent, encoded as the client encoded it.
    const plain = `/api/tests/?search=${encodeURIComponent('자격 시험')}&sort=created`;
    const other = requestId();
    const { lines: plainLines } = await logs.during(() => server.api.get(plain, { token: user.access, headers: { 'X-Request-Id': other } }));
    expect(plainLines.find((line) => line.msg === 'request' && line.request_id === other)?.path).to.equal(plain);
  });

  it('logs auth.family_revoked at logout', async () => {
    const user = await createUser(server.api);
    const rid = requestId();
    const { result: res, lines } = await logs.during(() => server.api.post('/api/auth/logout/', { refresh: user.refresh }, { token: user.access, headers: { 'X-Request-Id': rid } }));
    expect(res.status).to.equal(204);
    expectAllOfRequest(lines, rid);
    expect(event(lines, 'auth.family_revoked')).to.include({ user_id: user.id, reason: 'logout' });
  });

  it('warns when a throttle locks logins out (auth.login_locked_out), never logging the password tried', async () => {
    const user = await createUser(server.api);
    const ip = `203.0.113.${Math.floor(Math.random() * 250) + 1}`;
    const headers = { 'X-Forwarded-For': ip };
    const guess = `wrong-${randomUUID()}`;
    for (let attempt = 0; attempt < server.config.loginThrottle.maxFailuresPerAccountAndIp; attempt += 1) {
      expect((await server.api.post('/api/auth/login/', { email: user.email, password: guess }, { headers })).status).to.equal(401);
    }
    const rid = requestId();
    const { result: res, lines } = await logs.during(() => server.api.post('/api/auth/login/', { email: user.email, password: guess }, { headers: { ...headers, 'X-Request-Id': rid } }));
    expect(res.status).to.equal(429);
    expectAllOfRequest(lines, rid);
    expect(event(lines, 'auth.login_locked_out')).to.include({ limit: 'account_and_address', ip, level: 40 });
    expect(JSON.stringify(logs.lines)).not.to.include(guess);
  });
});
