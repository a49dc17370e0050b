import { request } from 'node:http';
import { expect } from 'chai';
import type { OfferingKind } from '../../src/domain/offering-kind';
import { IDEMPOTENCY_LIFETIME_MS, IDEMPOTENCY_STORE, type IdempotencyStore } from '../../src/application/ports/idempotency-store';
import { OFFERING_TABLES } from '../../src/infrastructure/knex/offering-tables';
import { requestHash } from '../../src/interfaces/http/middleware/idempotency';
import { createOffering, kindPaths } from '../support/offerings';
import { type TestServer, sharedServer, withTestServer } from '../support/test-server';
import { type TestUser, createUser, uniqueName } from '../support/users';

const PAY = { amount: '45000.00', payment_method: 'card' };

describe('Payments', () => {
  let server: TestServer;
  let user: TestUser;
  before(async () => {
    server = await sharedServer();
  });
  beforeEach(async () => {
    user = await createUser(server.api);
  });

  const buy = async (kind: OfferingKind, options: { title?: string; as?: TestUser; price?: string } = {}) => {
    const id = await createOffering(server.db, kind, { title: options.title, price: options.price });
    const res = await server.api.post(kindPaths(kind).register(id), { ...PAY, amount: options.price ?? PAY.amount }, { token: (options.as ?? user).access });
    expect(res.status).to.equal(201);
    return { itemId: id, paymentId: res.body.payment_id as number, registrationId: res.body[kind === 'test' ? 'registration_id' : 'enrollment_id'] as number };
  };
  const cancel = (paymentId: number | string, body: unknown = {}, as: TestUser = user, headers: Record<string, string> = {}) =>
    server.api.post(`/api/payments/${paymentId}/cancel/`, body, { token: as.access, headers });
  const list = (query = '', as: TestUser = user) => server.api.get(`/api/me/payments/${query}`, { token: as.access });

  describe('POST /api/payments/{id}/cancel/', () => {
    for (const kind of ['test', 'course'] as const) {
      it(`cancels a ${kind} payment: payment and registration cancelled (row kept), count decremented, refund reason stored`, async () => {
        const { itemId, paymentId, registrationId } = await buy(kind);
        const res = await cancel(paymentId, { reason: 'Schedule conflict' });
        expect(res.status).to.equal(200);
        expect(res.body).to.deep.equal({ payment_id: paymentId, status: 'cancelled', cancelled_at: res.body.cancelled_at });
        const payment = await server.db('payments').where({ id: paymentId }).first();
        expect(payment).to.include({ status: 'cancelled', refund_reason: 'Schedule conflict' });
        expect(payment.cancelled_at.toISOString()).to.equal(res.body.cancelled_at);
        const registration = await server.db(OFFERING_TABLES[kind].registrations).where({ id: registrationId }).first();
        expect(registration.status).to.equal('cancelled');
        expect(registration.cancelled_at).to.be.instanceOf(Date);
        expect((await server.db(OFFERING_TABLES[kind].items).where({ id: itemId }).first()).registration_count).to.equal(0);
      });
    }

    it('answers unknown and someone else’s payments with the same 404, changing nothing', async () => {
      const { paymentId } = await buy('test');
      const other = await createUser(server.api);
      const foreign = await cancel(paymentId, {}, other);
      const unknown = await cancel(2_000_000_000, {}, other);
      // Before anything about the body is said, as for an unknown item.
      const foreignWithFields = await cancel(paymentId, { reason: 7, extra: true }, other);
      const unknownWithFields = await cancel(2_000_000_000, { reason: 7 }, other);
      for (const res of [foreign, unknown, foreignWithFields, unknownWithFields]) {
        expect(res.status).to.equal(404);
        expect(res.body.code).to.equal('not_found');
      }
      expect(foreign.body.detail).to.equal(unknown.body.detail);
      expect((await cancel(paymentId, { reason: 7 })).body.code, 'its owner is told about the body').to.equal('validation_failed');
      expect((await server.db('payments').where({ id: paymentId }).first()).status).to.equal('paid');
    });

    it('answers 400 already_cancelled the second time', async () => {
      const { paymentId } = await buy('course');
      expect((await cancel(paymentId)).status).to.equal(200);
      const res = await cancel(paymentId);
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('already_cancelled');
    });

    it('answers 409 already_completed for a completed item and changes nothing', async () => {
      const { itemId, paymentId } = await buy('test');
      expect((await server.api.post(kindPaths('test').complete(itemId), undefined, { token: user.access })).status).to.equal(200);
      const res = await cancel(paymentId);
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('already_completed');
      expect((await server.db('payments').where({ id: paymentId }).first()).status).to.equal('paid');
      expect((await server.db('tests').where({ id: itemId }).first()).registration_count).to.equal(1);
    });

    it('refuses a reason over 500 characters or of the wrong type', async () => {
      const { paymentId } = await buy('test');
      for (const body of [{ reason: 'x'.repeat(501) }, { reason: 12 }, { why: 'no' }]) {
        const res = await cancel(paymentId, body);
        expect(res.status).to.equal(400);
        expect(res.body.code).to.equal('validation_failed');
      }
      expect((await server.db('payments').where({ id: paymentId }).first()).status).to.equal('paid');
    });

    it('accepts a cancel without a body', async () => {
      const { paymentId } = await buy('course');
      const res = await server.api.post(`/api/payments/${paymentId}/cancel/`, undefined, { token: user.access });
      expect(res.status).to.equal(200);
    });
  });

  describe('GET /api/me/payments/', () => {
    it('lists only the caller’s payments, newest first, with the item title and registration time', async () => {
      const title = `결제 내역 ${uniqueName()}`;
      const first = await buy('test', { title });
      const second = await buy('course');
      await buy('test', { as: await createUser(server.api) });
      const res = await list();
      expect(res.status).to.equal(200);
      expect(res.body.count).to.equal(2);
      expect(res.body.results.map((p: { id: number }) => p.id)).to.deep.equal([second.paymentId, first.paymentId]);
      const item = res.body.results[1];
      expect(item).to.have.all.keys('id', 'payment_type', 'target_id', 'target_title', 'amount', 'payment_method', 'status', 'paid_at', 'cancelled_at', 'registration_time', 'refund_reason');
      expect(item).to.include({ payment_type: 'test', target_id: first.itemId, target_title: title, amount: '45000.00', status: 'paid', cancelled_at: null, refund_reason: null });
      expect(item.registration_time).to.match(/Z$/);
    });

    it('filters by status and payment_type', async () => {
      const { paymentId } = await buy('test');
      await buy('course');
      await cancel(paymentId, { reason: 'changed my mind' });
      const cancelled = await list('?status=cancelled');
      expect(cancelled.body.results.map((p: { id: number }) => p.id)).to.deep.equal([paymentId]);
      expect(cancelled.body.results[0].refund_reason).to.equal('changed my mind');
      expect((await list('?status=paid')).body.count).to.equal(1);
      expect((await list('?payment_type=course')).body.results.every((p: { payment_type: string }) => p.payment_type === 'course')).to.equal(true);
      expect((await list('?payment_type=test&status=paid')).body.count).to.equal(0);
    });

    it('filters by from and to, inclusive, on the UTC date of paid_at, whatever time zone the database is set to', async () => {
      const { paymentId } = await buy('test');
      await server.db('payments').where({ id: paymentId }).update({ paid_at: new Date('2026-03-10T23:59:59.999Z') });
      const other = await buy('test');
      await server.db('payments').where({ id: other.paymentId }).update({ paid_at: new Date('2026-03-11T00:00:00.000Z') });
      const expectDays = async (api: TestServer['api']) => {
        const ids = async (query: string) => (await api.get(`/api/me/payments/${query}`, { token: user.access })).body.results.map((p: { id: number }) => p.id);
        expect(await ids('?from=2026-03-10&to=2026-03-10')).to.deep.equal([paymentId]);
        expect(await ids('?from=2026-03-11&to=2026-03-11')).to.deep.equal([other.paymentId]);
        expect(await ids('?from=2026-03-10&to=2026-03-11')).to.deep.equal([other.paymentId, paymentId]);
        expect(await ids('?to=2026-03-09')).to.deep.equal([]);
      };
      await expectDays(server.api);
      // A database (or a managed server) set to another zone: new connections start in it.
      const database = new URL(server.config.databaseUrl).pathname.slice(1);
      await server.db.raw(`ALTER DATABASE ?? SET timezone = 'Asia/Seoul'`, [database]);
      try {
        await withTestServer({}, (seoul) => expectDays(seoul.api));
      } finally {
        await server.db.raw('ALTER DATABASE ?? RESET timezone', [database]);
      }
    });

    it('searches words in the item title, all of them, case-insensitively, the last one also as a prefix, as the catalogue does', async () => {
      const marker = uniqueName('w');
      const match = await buy('test', { title: `Django 고급 ${marker} 시험` });
      const other = await buy('course', { title: `React 입문 과정` });
      const ids = async (search: string) => (await list(`?search=${encodeURIComponent(search)}`)).body.results.map((p: { id: number }) => p.id);
      expect(await ids(`django ${marker}`)).to.deep.equal([match.paymentId]);
      expect(await ids(`${marker.toUpperCase()} 고급`)).to.deep.equal([match.paymentId]);
      expect(await ids(`${marker} react`)).to.deep.equal([]);
      expect(await ids(`${marker} Djan`), 'the last word as a prefix').to.deep.equal([match.paymentId]);
      expect(await ids(`Djan ${marker}`), 'an earlier word whole').to.deep.equal([]);
      expect(await ids('jango'), 'words, not any part of the title').to.deep.equal([]);
      expect(await ids(`(django), ${marker}!`), 'punctuation around words').to.deep.equal([match.paymentId]);
      expect(await ids('100%_'), 'no such word').to.deep.equal([]);
      expect(await ids('% _ !'), 'no letter or digit: no filter').to.deep.equal([other.paymentId, match.paymentId]);
    });

    it('pages with page and page_size, keeping the other parameters in the links', async () => {
      for (let i = 0; i < 3; i += 1) await buy('test');
      const first = await list('?page_size=2&status=paid');
      expect(first.body.count).to.equal(3);
      expect(first.body.results).to.have.length(2);
      expect(first.body.previous).to.equal(null);
      const next = new URL(first.body.next);
      expect(next.searchParams.get('page')).to.equal('2');
      expect(next.searchParams.get('status')).to.equal('paid');
      const second = await list(`?${next.searchParams.toString()}`);
      expect(second.body.results).to.have.length(1);
      expect(second.body.next).to.equal(null);
      expect(second.body.previous).to.be.a('string');
      expect((await list('?page=3&page_size=2')).status).to.equal(404);
    });

    const badQueries = ['?status=refunded', '?payment_type=book', '?from=2026-13-01', '?to=2026-02-30', '?from=yesterday', '?page=0', '?page_size=101', '?page=abc', '?sort=amount'];
    for (const query of badQueries) {
      it(`answers ${query} with a 400 naming the parameter`, async () => {
        const res = await list(query);
        expect(res.status).to.equal(400);
        expect(Object.keys(res.body.errors)).to.deep.equal([query.slice(1).split('=')[0]]);
      });
    }
  });

  describe('GET /api/me/payments/{id}/', () => {
    it('answers the caller’s payment and 404 for someone else’s', async () => {
      const { paymentId } = await buy('course');
      const own = await server.api.get(`/api/me/payments/${paymentId}/`, { token: user.access });
      expect(own.status).to.equal(200);
      expect(own.body).to.include({ id: paymentId, payment_type: 'course', status: 'paid' });
      const other = await createUser(server.api);
      const foreign = await server.api.get(`/api/me/payments/${paymentId}/`, { token: other.access });
      expect(foreign.status).to.equal(404);
      expect((await server.api.get('/api/me/payments/abc/', { token: user.access })).status).to.equal(404);
    });
  });

  describe('Idempotency-Key', () => {
    it('replays the first response for a retry with the same key and request, performing nothing', async () => {
      const itemId = await createOffering(server.db, 'test');
      const headers = { 'idempotency-key': uniqueName('key') };
      const first = await server.api.post(kindPaths('test').register(itemId), PAY, { token: user.access, headers });
      const retry = await server.api.post(kindPaths('test').register(`${itemId}`).replace(/\/$/, ''), { payment_method: 'card', amount: '45000.00' }, { token: user.access, headers });
      expect(first.status).to.equal(201);
      expect(first.headers.get('idempotent-replayed')).to.equal(null);
      expect(retry.status).to.equal(201);
      expect(retry.headers.get('idempotent-replayed')).to.equal('true');
      expect(retry.body).to.deep.equal(first.body);
      expect(Object.keys(retry.body), 'the body as first given, its keys in their order').to.deep.equal(Object.keys(first.body));
      expect(await server.db('payments').where({ user_id: user.id })).to.have.length(1);
    });

    it('takes an amount written another way for the same request: 45000, "45000" and "45000.00" are one amount', async () => {
      const itemId = await createOffering(server.db, 'test');
      const headers = { 'idempotency-key': uniqueName('key') };
      const path = kindPaths('test').register(itemId);
      const first = await server.api.post(path, { amount: 45000, payment_method: 'card' }, { token: user.access, headers });
      expect(first.status).to.equal(201);
      for (const amount of ['45000', '45000.00', 45000.0, '45000.0']) {
        const retry = await server.api.post(path, { payment_method: 'card', amount }, { token: user.access, headers });
        expect(retry.status, `amount ${JSON.stringify(amount)}`).to.equal(201);
        expect(retry.headers.get('idempotent-replayed')).to.equal('true');
        expect(retry.body).to.deep.equal(first.body);
      }
      const other = await server.api.post(path, { amount: '45000.01', payment_method: 'card' }, { token: user.access, headers });
      expect(other.body.code).to.equal('idempotency_key_reused');
      expect(await server.db('payments').where({ user_id: user.id })).to.have.length(1);
    });

    it('replays a rule failure too, and answers 422 for the same key with another request', async () => {
      const itemId = await createOffering(server.db, 'course', { price: '30000.00' });
      const headers = { 'idempotency-key': uniqueName('key') };
      const path = kindPaths('course').register(itemId);
      const first = await server.api.post(path, PAY, { token: user.access, headers });
      expect(first.body.code).to.equal('amount_mismatch');
      const retry = await server.api.post(path, PAY, { token: user.access, headers });
      expect(retry.status).to.equal(400);
      expect(retry.headers.get('idempotent-replayed')).to.equal('true');
      const reused = await server.api.post(path, { amount: '30000', payment_method: 'card' }, { token: user.access, headers });
      expect(reused.status).to.equal(422);
      expect(reused.body.code).to.equal('idempotency_key_reused');
      expect(await server.db('payments').where({ user_id: user.id })).to.have.length(0);
    });

    it('answers 409 while the first request with the key is still running', async () => {
      const itemId = await createOffering(server.db, 'test');
      const key = uniqueName('key');
      const path = kindPaths('test').register(itemId);
      await server.db('idempotency_records').insert({
        user_id: user.id, key, request_hash: requestHash('POST', path, PAY), state: 'in_progress', expires_at: new Date(Date.now() + 3_600_000),
      });
      const res = await server.api.post(path, PAY, { token: user.access, headers: { 'idempotency-key': key } });
      expect(res.status).to.equal(409);
      expect(res.body.code).to.equal('idempotency_request_in_progress');
      expect(res.headers.get('retry-after'), 'when to try again').to.equal('1');
      expect(await server.db('payments').where({ user_id: user.id })).to.have.length(0);
    });

    /** A completed record written as given, then the request under its key: replayed, performing nothing. */
    const expectReplayOfRecord = async (key: string, path: string, sent: object, record: Record<string, unknown>, answer: object) => {
      await server.db('idempotency_records').insert({ user_id: user.id, key, state: 'completed', response_status: 201, expires_at: new Date(Date.now() + 3_600_000), ...record });
      const res = await server.api.post(path, sent, { token: user.access, headers: { 'idempotency-key': key } });
      expect(res.status).to.equal(201);
      expect(res.headers.get('idempotent-replayed')).to.equal('true');
      expect(res.body).to.deep.equal(answer);
      expect(await server.db('payments').where({ user_id: user.id })).to.have.length(0);
    };

    it('replays an answer stored before answers were kept as written (in response_body)', async () => {
      const itemId = await createOffering(server.db, 'test');
      const key = uniqueName('key');
      const path = kindPaths('test').register(itemId);
      const earlier = { payment_id: 1, registration_id: 2, payment_method: 'card', amount: '45000.00', paid_at: '2026-12-01T00:00:00.000Z' };
      await expectReplayOfRecord(key, path, PAY, { request_hash: requestHash('POST', path, PAY), response_body: earlier }, earlier);
    });

    it('replays an answer stored under the hash of the body as sent, as requests were hashed before they were compared by meaning', async () => {
      const itemId = await createOffering(server.db, 'test');
      const key = uniqueName('key');
      const path = kindPaths('test').register(itemId);
      const sent = { amount: '45000', payment_method: 'card' };
      const earlier = { payment_id: 3, registration_id: 4, payment_method: 'card', amount: '45000.00', paid_at: '2026-12-01T00:00:00.000Z' };
      await expectReplayOfRecord(key, path, sent, { request_hash: requestHash('POST', path, sent), response_json: JSON.stringify(earlier) }, earlier);
    });

    it('keeps keys per user: the same key of another user is another request', async () => {
      const itemId = await createOffering(server.db, 'test');
      const headers = { 'idempotency-key': 'shared-key' };
      const other = await createUser(server.api);
      expect((await server.api.post(kindPaths('test').register(itemId), PAY, { token: user.access, headers })).status).to.equal(201);
      const res = await server.api.post(kindPaths('test').register(itemId), PAY, { token: other.access, headers });
      expect(res.status).to.equal(201);
      expect(res.headers.get('idempotent-replayed')).to.equal(null);
    });

    it('takes a cancel with a reason of blanks for the same request as one without, storing no reason', async () => {
      const { paymentId } = await buy('course');
      const headers = { 'idempotency-key': uniqueName('key') };
      const first = await cancel(paymentId, {}, user, headers);
      const retry = await cancel(paymentId, { reason: '  ' }, user, headers);
      expect(first.status).to.equal(200);
      expect(retry.headers.get('idempotent-replayed')).to.equal('true');
      expect((await server.db('payments').where({ id: paymentId }).first()).refund_reason).to.equal(null);
    });

    it('makes cancel retry-safe', async () => {
      const { paymentId } = await buy('course');
      const headers = { 'idempotency-key': uniqueName('key') };
      const first = await cancel(paymentId, { reason: 'x' }, user, headers);
      const retry = await cancel(paymentId, { reason: 'x' }, user, headers);
      expect(first.status).to.equal(200);
      expect(retry.status).to.equal(200);
      expect(retry.body).to.deep.equal(first.body);
      expect(retry.headers.get('idempotent-replayed')).to.equal('true');
    });

    for (const [name, key] of [['longer than 255 characters', 'k'.repeat(256)], ['empty', '']]) {
      it(`refuses a key ${name}, writing nothing`, async () => {
        const itemId = await createOffering(server.db, 'test');
        const res = await server.api.post(kindPaths('test').register(itemId), PAY, { token: user.access, headers: { 'idempotency-key': key } });
        expect(res.status).to.equal(400);
        expect(res.body.errors).to.have.property('Idempotency-Key');
        expect(await server.db('payments').where({ user_id: user.id })).to.have.length(0);
      });
    }

    it('refuses two Idempotency-Key headers, writing nothing, rather than take them joined as one key', async () => {
      const itemId = await createOffering(server.db, 'test');
      const [first, second] = [uniqueName('one'), uniqueName('other')];
      const paymentsBefore = (await server.db('payments').where({ user_id: user.id })).length;
      // fetch would join them into one header: sent as two lines, as a client or a proxy may.
      const res = await new Promise<{ status: number; body: { errors?: Record<string, unknown> } }>((resolve, reject) => {
        const body = JSON.stringify(PAY);
        const req = request(
          {
            host: '127.0.0.1',
            port: server.running.port,
            method: 'POST',
            path: kindPaths('test').register(itemId),
            headers: { authorization: `Bearer ${user.access}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'idempotency-key': [first, second] },
          },
          (answer) => {
            let text = '';
            answer.on('data', (chunk) => (text += chunk));
            answer.on('end', () => resolve({ status: answer.statusCode ?? 0, body: JSON.parse(text) }));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
      expect(res.status).to.equal(400);
      expect(res.body.errors).to.have.property('Idempotency-Key');
      expect(await server.db('payments').where({ user_id: user.id })).to.have.length(paymentsBefore);
      expect(await server.db('idempotency_records').where({ user_id: user.id }).whereIn('key', [first, second, `${first}, ${second}`])).to.have.length(0);
    });

    it('refuses a body of more values than any request holds before reading it for the key, keeping no record of it', async () => {
      const itemId = await createOffering(server.db, 'test');
      const key = uniqueName('oversized');
      const res = await server.api.post(kindPaths('test').register(itemId), { ...PAY, extra: Array.from({ length: 5_000 }, () => 0) }, { token: user.access, headers: { 'idempotency-key': key } });
      expect(res.status).to.equal(400);
      expect(res.body.errors.non_field_errors[0]).to.match(/more than 1000 values/);
      expect(await server.db('idempotency_records').where({ user_id: user.id, key })).to.have.length(0);
    });

    it('gives an answer that cannot be stored and releases its key, so that a retry runs for real (finding what its first run made) rather than wait or replay', async () => {
      const itemId = await createOffering(server.db, 'test');
      const key = uniqueName('unstorable');
      // The database refuses to store this key's answer, as it would a write in a failing moment.
      await server.db.raw(`CREATE FUNCTION refuse_answer() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'answer refused'; END $$`);
      await server.db.raw(`CREATE TRIGGER refuse_answer BEFORE UPDATE ON idempotency_records FOR EACH ROW WHEN (NEW.key = '${key}') EXECUTE FUNCTION refuse_answer()`);
      try {
        const headers = { 'idempotency-key': key };
        const first = await server.api.post(kindPaths('test').register(itemId), PAY, { token: user.access, headers });
        expect(first.status, 'the answer is still given').to.equal(201);
        expect(await server.db('idempotency_records').where({ user_id: user.id, key }), 'the key is released').to.have.length(0);
        const retry = await server.api.post(kindPaths('test').register(itemId), PAY, { token: user.access, headers });
        expect(retry.status, 'run for real: it finds the registration its first run made').to.equal(201);
        expect(retry.body).to.deep.equal(first.body);
        expect(retry.headers.get('idempotent-replayed')).to.equal(null);
        const other = await server.api.post(kindPaths('test').register(itemId), PAY, { token: user.access, headers: { 'idempotency-key': `${key}-other` } });
        expect(other.body.code, 'another request finds it registered').to.equal('already_registered');
        const changed = await server.api.post(kindPaths('test').register(itemId), { ...PAY, payment_method: 'kakaopay' }, { token: user.access, headers });
        expect(changed.body.code, 'the key, released, sent again with another request: not a retry of the first').to.equal('already_registered');
        expect(await server.db('payments').where({ user_id: user.id, payment_type: 'test', target_id: itemId }), 'charged once').to.have.length(1);
      } finally {
        await server.db.raw('DROP TRIGGER refuse_answer ON idempotency_records');
        await server.db.raw('DROP FUNCTION refuse_answer()');
      }
    });

    it('lets a request whose claim was taken over (abandoned for a minute) neither store nor forget the claim of the one that took it', async () => {
      const store = server.running.app.container.get<IdempotencyStore>(IDEMPOTENCY_STORE);
      const key = uniqueName('slow');
      const started = new Date(Date.now() - 120_000);
      const slow = await store.claim(user.id, key, 'a'.repeat(64), started);
      const retry = await store.claim(user.id, key, 'a'.repeat(64), new Date());
      expect([slow.outcome, retry.outcome]).to.deep.equal(['claimed', 'claimed']);
      if (slow.outcome !== 'claimed' || retry.outcome !== 'claimed') return;
      // The slow request ends now: its answer is not the retry's, and its release is not the retry's.
      await store.complete(user.id, key, slow.claimedAt, { status: 201, body: { from: 'slow' }, headers: {} });
      await store.release(user.id, key, slow.claimedAt);
      expect((await store.claim(user.id, key, 'a'.repeat(64), new Date())).outcome, 'the retry still runs').to.equal('in_progress');
      await store.complete(user.id, key, retry.claimedAt, { status: 201, body: { from: 'retry' }, headers: {} });
      expect(await store.claim(user.id, key, 'a'.repeat(64), new Date())).to.deep.include({ outcome: 'replay' }).and.have.nested.property('response.body.from', 'retry');
    });

    it('lets only a retry of the same request take over an abandoned claim: another request under the key is refused', async () => {
      const store = server.running.app.container.get<IdempotencyStore>(IDEMPOTENCY_STORE);
      const key = uniqueName('abandoned');
      await store.claim(user.id, key, 'a'.repeat(64), new Date(Date.now() - 120_000));
      expect((await store.claim(user.id, key, 'b'.repeat(64), new Date())).outcome, 'another request').to.equal('mismatch');
      expect((await store.claim(user.id, key, 'a'.repeat(64), new Date())).outcome, 'the same request').to.equal('claimed');
      const expired = uniqueName('expired');
      await store.claim(user.id, expired, 'a'.repeat(64), new Date(Date.now() - IDEMPOTENCY_LIFETIME_MS - 1000));
      expect((await store.claim(user.id, expired, 'b'.repeat(64), new Date())).outcome, 'a key whose record expired is free').to.equal('claimed');
    });
  });
});
