import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { GrantStaffHandler } from '../../src/application/commands/grant-staff/grant-staff-handler';
import { PAYMENT_GATEWAY, type PaymentGateway } from '../../src/application/ports/payment-gateway';
import { SEARCH_SYNC_TRIGGER, type SearchSyncTrigger } from '../../src/application/ports/search-sync-trigger';
import { ALL_OFFERING_KINDS, type OfferingKind } from '../../src/domain/offering-kind';
import { OFFERING_TABLES } from '../../src/infrastructure/knex/offering-tables';
import type { ApiResponse } from '../support/api-client';
import { InMemorySearchIndex } from '../support/in-memory-search-index';
import { DAY_MS, createOffering, kindPaths } from '../support/offerings';
import { testConfig } from '../support/test-config';
import { type TestServer, sharedServer, startTestServer, withTestServer } from '../support/test-server';
import { TEST_PASSWORD, type TestUser, createUser, uniqueName } from '../support/users';

const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();

/** A valid new item, open from yesterday to next week, with a word of its own to search for. */
const newItem = (overrides: Record<string, unknown> = {}) => ({
  title: `${uniqueName('Quokka')} 실전 시험`,
  description: '관리자가 만든 항목',
  price: '55000',
  start_at: iso(-DAY_MS),
  end_at: iso(7 * DAY_MS),
  ...overrides,
});

async function makeStaff(server: TestServer, user: TestUser, staff = true): Promise<void> {
  await server.running.app.container.get(GrantStaffHandler).execute({ email: user.email, revoke: !staff });
}

for (const kind of ALL_OFFERING_KINDS) {
  const paths = kindPaths(kind);
  const { plural } = paths.names;
  const items = OFFERING_TABLES[kind].items;

  describe(`Administering ${plural}`, () => {
    let server: TestServer;
    let staff: TestUser;
    let customer: TestUser;
    before(async () => {
      server = await sharedServer();
      staff = await createUser(server.api);
      await makeStaff(server, staff);
      customer = await createUser(server.api);
    });

    const create = (body: unknown = newItem(), as: TestUser = staff) => server.api.post(paths.list, body, { token: as.access });
    const patch = (id: number, body: unknown, headers: Record<string, string> = {}, as: TestUser = staff) =>
      server.api.request('PATCH', paths.detail(id), body, { token: as.access, headers });
    const close = (id: number, headers: Record<string, string> = {}, as: TestUser = staff) => server.api.post(`${paths.detail(id)}close/`, undefined, { token: as.access, headers });
    const remove = (id: number, headers: Record<string, string> = {}, as: TestUser = staff) => server.api.request('DELETE', paths.detail(id), undefined, { token: as.access, headers });
    const audit = (query = '', as: TestUser = staff) => server.api.get(`/api/admin/audit/${query}`, { token: as.access });
    const register = (id: number, amount: string, as: TestUser = customer) => server.api.post(paths.register(id), { amount, payment_method: 'card' }, { token: as.access });
    const row = (id: number) => server.db(items).where({ id }).first();
    const created = async (body: unknown = newItem()): Promise<ApiResponse> => {
      const res = await create(body);
      expect(res.status, JSON.stringify(res.body)).to.equal(201);
      return res;
    };

    describe('who may', () => {
      it('answers 403 forbidden to a customer on every administration route, and changes nothing', async () => {
        const id = await createOffering(server.db, kind);
        const before = await row(id);
        const answers = await Promise.all([
          create(newItem(), customer),
          patch(id, { price: '1000' }, { 'if-match': '"1"' }, customer),
          close(id, {}, customer),
          remove(id, {}, customer),
          audit('', customer),
        ]);
        for (const res of answers) {
          expect(res.status).to.equal(403);
          expect(res.body.code).to.equal('forbidden');
        }
        expect(await row(id)).to.deep.equal(before);
      });

      it('answers 401 without a token', async () => {
        const id = await createOffering(server.db, kind);
        const answers = await Promise.all([
          server.api.post(paths.list, newItem()),
          server.api.request('PATCH', paths.detail(id), { price: '1000' }),
          server.api.post(`${paths.detail(id)}close/`),
          server.api.request('DELETE', paths.detail(id)),
          server.api.get('/api/admin/audit/'),
        ]);
        for (const res of answers) expect(res.status).to.equal(401);
      });

      it('takes the staff right away on the next request, with the same token', async () => {
        const admin = await createUser(server.api);
        await makeStaff(server, admin);
        expect((await audit('', admin)).status).to.equal(200);
        await makeStaff(server, admin, false);
        expect((await audit('', admin)).status).to.equal(403);
      });
    });

    describe(`POST ${paths.list}`, () => {
      it('creates the item: 201 with the item, its Location and its ETag', async () => {
        const body = newItem({ description: '새로운 설명' });
        const res = await created(body);
        expect(res.body).to.include({ title: body.title, description: '새로운 설명', price: '55000.00', registration_count: 0, is_registered: false });
        expect(res.body.start_at).to.equal(body.start_at);
        expect(res.headers.get('location')).to.equal(paths.detail(res.body.id));
        expect(res.headers.get('etag')).to.equal('"1"');
        const detail = await server.api.get(paths.detail(res.body.id), { token: customer.access });
        expect(detail.body).to.deep.equal(res.body);
        expect(detail.headers.get('etag')).to.equal('"1"');
      });

      it('answers a retry with the same Idempotency-Key with the same item, Location and ETag, creating nothing more', async () => {
        const body = newItem();
        const headers = { 'idempotency-key': `create-${Date.now()}-${Math.random()}` };
        const first = await server.api.post(paths.list, body, { token: staff.access, headers });
        expect(first.status).to.equal(201);
        const retry = await server.api.post(paths.list, body, { token: staff.access, headers });
        expect(retry.status).to.equal(201);
        expect(retry.headers.get('idempotent-replayed')).to.equal('true');
        expect(retry.body).to.deep.equal(first.body);
        expect(retry.headers.get('location')).to.equal(first.headers.get('location'));
        expect(retry.headers.get('etag')).to.equal('"1"');
        expect(await server.db(items).where({ title: body.title }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
      });

      /** Creates under one new key, and what a process that made the item and died before storing its answer leaves: no answer. */
      const createsUnderOneKey = () => {
        const key = `create-${Date.now()}-${Math.random()}`;
        return {
          key,
          post: (path: string, sent: object) => server.api.post(path, sent, { token: staff.access, headers: { 'idempotency-key': key } }),
          answerLost: () => server.db('idempotency_records').where({ user_id: staff.id, key }).delete(),
        };
      };

      it('answers a retry under the key of a create whose answer was never stored (the service died) with the item it made, making none again', async () => {
        const body = newItem();
        const { post, answerLost } = createsUnderOneKey();
        const first = await post(paths.list, body);
        expect(first.status).to.equal(201);
        await answerLost();
        const retry = await post(paths.list, body);
        expect(retry.status).to.equal(201);
        expect(retry.body).to.deep.equal(first.body);
        expect(retry.headers.get('location')).to.equal(first.headers.get('location'));
        expect(await server.db(items).where({ title: body.title }).count({ n: '*' })).to.deep.equal([{ n: 1 }]);
        expect(await server.db('admin_audit_log').where({ item_kind: kind, item_id: first.body.id })).to.have.length(1);

        // The item deleted since, the retry says so rather than make it again.
        expect((await remove(first.body.id)).status).to.equal(204);
        await answerLost();
        const late = await post(paths.list, body);
        expect(late.status).to.equal(404);
        expect(await server.db(items).where({ title: body.title }).count({ n: '*' })).to.deep.equal([{ n: 0 }]);
      });

      it('makes a new item for another request under the key of a lost answer: other fields, the other kind, or after the key’s lifetime', async () => {
        const body = newItem();
        const { key, post, answerLost } = createsUnderOneKey();
        const first = await post(paths.list, body);
        await answerLost();
        const otherFields = await post(paths.list, { ...body, title: `${body.title} 2` });
        expect(otherFields.status).to.equal(201);
        expect(otherFields.body.id).to.not.equal(first.body.id);
        // Each request under the key still finds its own item, whichever came last.
        await answerLost();
        expect((await post(paths.list, body)).body.id).to.equal(first.body.id);
        await answerLost();
        expect((await post(paths.list, { ...body, title: `${body.title} 2` })).body.id).to.equal(otherFields.body.id);
        await answerLost();
        const otherKind = kindPaths(kind === 'test' ? 'course' : 'test');
        const elsewhere = await post(otherKind.list, body);
        expect(elsewhere.status).to.equal(201);
        expect(elsewhere.headers.get('location')).to.equal(otherKind.detail(elsewhere.body.id));
        expect(await server.db(OFFERING_TABLES[kind === 'test' ? 'course' : 'test'].items).where({ id: elsewhere.body.id, title: body.title })).to.have.length(1);
        await server.db('admin_audit_log').where({ staff_user_id: staff.id, request_key: key }).update({ created_at: new Date(Date.now() - 25 * 3600 * 1000) });
        await answerLost();
        const afterLifetime = await post(paths.list, body);
        expect(afterLifetime.status).to.equal(201);
        expect(afterLifetime.body.id).to.not.equal(first.body.id);
      });

      it('shows the new item at once in lists and in searches by its English and Korean words', async () => {
        const body = newItem();
        const { id } = (await created(body)).body;
        const word = body.title.split(' ')[0];
        for (const query of [`?search=${encodeURIComponent(word)}`, `?search=${encodeURIComponent(`${word} 실전`)}&status=available`, `?search=${encodeURIComponent(word.slice(0, 10))}&sort=price_asc`]) {
          const res = await server.api.get(paths.list + query, { token: customer.access });
          expect(res.body.results.map((item: { id: number }) => item.id), query).to.deep.equal([id]);
        }
      });

      it('keeps every status list working beside an item open from 2000 to the last day of 9999', async () => {
        const word = uniqueName('Aeon');
        const { body: item } = await created(newItem({ title: `${word} 실전 시험`, start_at: '2000-01-01T00:00:00Z', end_at: '9999-12-31T00:00:00Z' }));
        try {
          for (const status of ['available', 'upcoming', 'closed']) {
            const res = await server.api.get(`${paths.list}?status=${status}&page_size=5`, { token: customer.access });
            expect(res.status, `${status}: ${JSON.stringify(res.body)}`).to.equal(200);
            const found = await server.api.get(`${paths.list}?status=${status}&search=${word}`, { token: customer.access });
            expect(found.body.results.map((result: { id: number }) => result.id), status).to.deep.equal(status === 'available' ? [item.id] : []);
          }
        } finally {
          await server.db(items).where({ id: item.id }).delete();
        }
      });

      const refusals: Array<[string, Record<string, unknown>, string]> = [
        ['an end before the start', { start_at: iso(DAY_MS), end_at: iso(-DAY_MS) }, 'end_at'],
        ['an end equal to the start', { start_at: '2027-01-01T00:00:00Z', end_at: '2027-01-01T09:00:00+09:00' }, 'end_at'],
        ['a price below what every payment method accepts', { price: '999.99' }, 'price'],
        ['a price above what every payment method accepts', { price: '50000000.01' }, 'price'],
        ['a zero price', { price: 0 }, 'price'],
        ['a price with three decimals', { price: '1000.001' }, 'price'],
        ['an empty title', { title: '   ' }, 'title'],
        ['a title of invisible characters only', { title: '\u200b\u2060' }, 'title'],
        ['a title of a Hangul filler only', { title: '\u3164' }, 'title'],
        ['a title of a Hangul choseong filler only', { title: '\u115f' }, 'title'],
        ['a title of a halfwidth Hangul filler only', { title: '\uffa0' }, 'title'],
        ['a title of a blank Braille pattern only', { title: '\u2800' }, 'title'],
        ['a title of a zero-width space and a Hangul filler', { title: '\u200b\u3164' }, 'title'],
        ['a title with a lone surrogate', { title: 'Quokka \ud800' }, 'title'],
        ['a description with a lone surrogate', { description: '\udc00 설명' }, 'description'],
        ['a title over 255 characters', { title: 'x'.repeat(256) }, 'title'],
        ['a description over 5,000 characters', { description: 'x'.repeat(5_001) }, 'description'],
        ['a time without an offset', { start_at: '2026-12-01T09:00:00' }, 'start_at'],
        ['the 30th of February', { end_at: '2027-02-30T00:00:00Z' }, 'end_at'],
        ['the year 0', { start_at: '0000-01-01T00:00:00Z' }, 'start_at'],
        ['an offset that carries the time past the year 9999', { end_at: '9999-12-31T23:00:00-23:00' }, 'end_at'],
        ['an offset that carries the time before 1970', { start_at: '1970-01-01T00:00:00+23:59' }, 'start_at'],
        ['a registration count', { registration_count: 5 }, 'registration_count'],
        ['an unknown field', { colour: 'blue' }, 'colour'],
      ];
      for (const [what, overrides, field] of refusals) {
        it(`refuses ${what} with a 400 naming ${field}, and creates nothing`, async () => {
          const before = await server.db(items).count<{ n: string }[]>({ n: '*' });
          const res = await create(newItem(overrides));
          expect(res.status).to.equal(400);
          expect(res.body.code).to.equal('validation_failed');
          expect(res.body.errors).to.have.property(field);
          expect(await server.db(items).count<{ n: string }[]>({ n: '*' })).to.deep.equal(before);
        });
      }

      it('names every field wrong at once: a malformed one and those the rules on the whole refuse', async () => {
        const res = await create(newItem({ title: '', price: '5', start_at: iso(2 * DAY_MS), end_at: iso(DAY_MS) }));
        expect(res.status).to.equal(400);
        expect(res.body.errors).to.have.all.keys('title', 'price', 'end_at');
        const { body: item } = await created();
        const changed = await patch(item.id, { title: '', start_at: iso(2 * DAY_MS), end_at: iso(DAY_MS) }, { 'if-match': '"1"' });
        expect(changed.status).to.equal(400);
        expect(changed.body.errors).to.have.all.keys('title', 'end_at');
        expect(await row(item.id)).to.include({ version: 1 });
      });

      it('refuses a body without the required fields, naming each', async () => {
        const res = await create({});
        expect(res.status).to.equal(400);
        expect(res.body.errors).to.include.keys('title', 'price', 'start_at', 'end_at');
      });
    });

    describe(`PATCH ${paths.list}{id}/`, () => {
      it('changes the fields sent, keeps the others, and raises the version', async () => {
        const { body: item } = await created();
        const res = await patch(item.id, { price: '60000', title: `${item.title} 개정` }, { 'if-match': '"1"' });
        expect(res.status).to.equal(200);
        expect(res.headers.get('etag')).to.equal('"2"');
        expect(res.body).to.deep.equal({ ...item, price: '60000.00', title: `${item.title} 개정` });
      });

      it('answers 428 without If-Match and 412 with a stale one, changing nothing', async () => {
        const { body: item } = await created();
        expect((await patch(item.id, { price: '60000' }, { 'if-match': '"1"' })).status).to.equal(200);
        const before = await row(item.id);
        const missing = await patch(item.id, { price: '70000' });
        expect(missing.status).to.equal(428);
        expect(missing.body.code).to.equal('precondition_required');
        for (const tag of ['"1"', 'W/"2"', '"1", "3"', 'garbage', '"0002"', '"02"', '2', '"1", *', '*, "1"', '*, "2"']) {
          const stale = await patch(item.id, { price: '70000' }, { 'if-match': tag });
          expect(stale.status, tag).to.equal(412);
          expect(stale.body.code).to.equal('version_mismatch');
        }
        expect(await row(item.id)).to.deep.equal(before);
        expect((await patch(item.id, { price: '70000' }, { 'if-match': '"1", "2"' })).status).to.equal(200);
      });

      it('compares If-Match with the ETag character by character, and takes * only alone', async () => {
        const { body: item } = await created();
        const spellings = await Promise.all(['"0001"', '"01"', '"1", *', '*, "1"'].map((tag) => patch(item.id, { price: '60000' }, { 'if-match': tag })));
        expect(spellings.map((res) => res.status)).to.deep.equal([412, 412, 412, 412]);
        expect((await row(item.id)).version).to.equal(1);
        const any = await patch(item.id, { price: '60000' }, { 'if-match': '*' });
        expect(any.status).to.equal(200);
        expect(any.headers.get('etag')).to.equal('"2"');
      });

      it('lets exactly one of two concurrent changes made against the same version through', async () => {
        const { body: item } = await created();
        const answers = await Promise.all([patch(item.id, { price: '61000' }, { 'if-match': '"1"' }), patch(item.id, { price: '62000' }, { 'if-match': '"1"' })]);
        expect(answers.map((res) => res.status).sort()).to.deep.equal([200, 412]);
        const winner = answers.find((res) => res.status === 200)!;
        expect((await row(item.id)).price).to.equal(winner.body.price);
        expect((await row(item.id)).version).to.equal(2);
      });

      it('answers each change with the item as that change left it, whatever changes follow at once', async () => {
        for (let round = 0; round < 5; round += 1) {
          const { body: item } = await created(newItem({ price: '40000' }));
          // The first sends the price the item has: a change of nothing, at version 1 if it comes first.
          const prices = Array.from({ length: 12 }, (_, i) => `${40000 + i}.00`);
          const answers = await Promise.all(prices.map((price) => patch(item.id, { price }, { 'if-match': '"1"' })));
          for (const [i, res] of answers.entries()) {
            if (res.status !== 200) continue;
            expect(res.body.price, `round ${round}, change ${i}`).to.equal(prices[i]);
            expect(res.headers.get('etag'), `round ${round}, change ${i}`).to.equal(i === 0 ? '"1"' : '"2"');
          }
          expect(answers.filter((res, i) => i > 0 && res.status === 200)).to.have.length(1);
        }
      });

      it('checks the window as changed: an end moved before the start is a 400 naming end_at', async () => {
        const { body: item } = await created();
        const res = await patch(item.id, { end_at: iso(-2 * DAY_MS) }, { 'if-match': '"1"' });
        expect(res.status).to.equal(400);
        expect(res.body.errors).to.have.property('end_at');
      });

      it('refuses an empty change, a registration count and unknown fields', async () => {
        const { body: item } = await created();
        for (const body of [{}, { registration_count: 3 }, { id: 5 }, { created_at: iso(0) }]) {
          const res = await patch(item.id, body, { 'if-match': '"1"' });
          expect(res.status, JSON.stringify(body)).to.equal(400);
        }
        expect((await row(item.id)).version).to.equal(1);
      });

      it('answers 404 for an unknown item', async () => {
        expect((await patch(987_654_321, { price: '60000' }, { 'if-match': '"1"' })).status).to.equal(404);
      });

      it('changes an item priced outside today\'s saleable prices without a word about the price, unless one is sent', async () => {
        const { body: item } = await created();
        await server.db(items).where({ id: item.id }).update({ price: '500.00' });
        const renamed = await patch(item.id, { title: `${item.title} 개정` }, { 'if-match': '"1"' });
        expect(renamed.status, JSON.stringify(renamed.body)).to.equal(200);
        expect(renamed.body).to.include({ title: `${item.title} 개정`, price: '500.00' });
        const moved = await patch(item.id, { end_at: iso(14 * DAY_MS) }, { 'if-match': '"2"' });
        expect(moved.status, JSON.stringify(moved.body)).to.equal(200);

        const repriced = await patch(item.id, { price: '500' }, { 'if-match': '"3"' });
        expect(repriced.status).to.equal(400);
        expect(Object.keys(repriced.body.errors)).to.deep.equal(['price']);
        expect((await row(item.id)).version).to.equal(3);
      });

      it('checks the window a change makes with the stored end, naming the end it sent', async () => {
        const { body: item } = await created(newItem({ start_at: iso(-DAY_MS), end_at: iso(DAY_MS) }));
        const late = await patch(item.id, { start_at: iso(2 * DAY_MS) }, { 'if-match': '"1"' });
        expect(late.status).to.equal(400);
        expect(late.body.errors).to.deep.equal({ start_at: ['Must be before end_at.'] });
        const early = await patch(item.id, { end_at: iso(-2 * DAY_MS) }, { 'if-match': '"1"' });
        expect(early.status).to.equal(400);
        expect(early.body.errors).to.deep.equal({ end_at: ['Must be after start_at.'] });
        const both = await patch(item.id, { start_at: iso(2 * DAY_MS), end_at: iso(DAY_MS) }, { 'if-match': '"1"' });
        expect(Object.keys(both.body.errors)).to.deep.equal(['end_at']);
        expect((await row(item.id)).version).to.equal(1);
        const moved = await patch(item.id, { start_at: iso(2 * DAY_MS), end_at: iso(3 * DAY_MS) }, { 'if-match': '"1"' });
        expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
      });

      it('tells the caller whether they hold a registration for the item it answers with', async () => {
        const { body: item } = await created();
        expect((await register(item.id, '55000', staff)).status).to.equal(201);
        const res = await patch(item.id, { title: `${item.title} 개정` }, { 'if-match': '"1"' });
        expect(res.status).to.equal(200);
        expect(res.body).to.include({ is_registered: true, registration_count: 1 });
      });

      it('never touches payments made: they keep their amount and title, the old price is refused afterwards', async () => {
        const { body: item } = await created();
        const paid = await register(item.id, '55000');
        expect(paid.status).to.equal(201);
        const renamed = `${uniqueName('Renamed')} 과정`;
        expect((await patch(item.id, { price: '65000', title: renamed }, { 'if-match': '"1"' })).status).to.equal(200);

        const payment = await server.db('payments').where({ id: paid.body.payment_id }).first();
        expect(payment).to.include({ amount: '55000.00', item_title: item.title });
        const history = await server.api.get(`/api/me/payments/${paid.body.payment_id}/`, { token: customer.access });
        expect(history.body).to.include({ amount: '55000.00', target_title: item.title });
        const found = await server.api.get(`/api/me/payments/?search=${encodeURIComponent(item.title.split(' ')[0])}`, { token: customer.access });
        expect(found.body.results.map((entry: { id: number }) => entry.id)).to.deep.equal([paid.body.payment_id]);

        const other = await createUser(server.api);
        const stale = await register(item.id, '55000', other);
        expect(stale.status).to.equal(400);
        expect(stale.body.code).to.equal('amount_mismatch');
        expect((await register(item.id, '65000', other)).status).to.equal(201);
      });

      it('keeps the window around the registrations paid: a start after the first or an end before the last is a 409, and changes nothing', async () => {
        const { body: item } = await created();
        const first = await register(item.id, '55000');
        expect(first.status).to.equal(201);
        const cancelled = await register(item.id, '55000', staff);
        expect((await server.api.post(`/api/payments/${cancelled.body.payment_id}/cancel/`, {}, { token: staff.access })).status, 'a cancelled registration still counts').to.equal(200);
        const paidAt = [first.body.paid_at, cancelled.body.paid_at].map(Date.parse);
        const version = { 'if-match': '"1"' };

        for (const window of [
          { start_at: iso(DAY_MS), end_at: iso(8 * DAY_MS) }, // upcoming again
          { start_at: new Date(paidAt[0] + 1).toISOString() }, // after the first payment
          { end_at: new Date(paidAt[1] - 1).toISOString() }, // before the last one
          { start_at: iso(-30 * DAY_MS), end_at: iso(-20 * DAY_MS) }, // over before they were paid
        ]) {
          const refused = await patch(item.id, window, version);
          expect(refused.status, JSON.stringify(window)).to.equal(409);
          expect(refused.headers.get('content-type')).to.match(/application\/problem\+json/);
          expect(refused.body.code).to.equal('registrations_outside_window');
        }
        expect(await row(item.id)).to.include({ version: 1 });

        // A window that still holds them, to the millisecond, and any other change, go through.
        const held = await patch(item.id, { start_at: new Date(paidAt[0]).toISOString(), end_at: new Date(paidAt[1]).toISOString(), price: '60000' }, version);
        expect(held.status, JSON.stringify(held.body)).to.equal(200);
        expect((await patch(item.id, { start_at: iso(-2 * DAY_MS), end_at: iso(DAY_MS) }, { 'if-match': '"2"' })).status).to.equal(200);
        // An item nobody paid for moves freely.
        const { body: free } = await created();
        expect((await patch(free.id, { start_at: iso(DAY_MS), end_at: iso(2 * DAY_MS) }, version)).status).to.equal(200);
      });
    });

    describe(`POST ${paths.list}{id}/close/`, () => {
      it('ends the sale now and keeps the item: closed in lists, refused to applicants', async () => {
        const { body: item } = await created();
        const res = await close(item.id);
        expect(res.status).to.equal(200);
        expect(res.headers.get('etag')).to.equal('"2"');
        expect(new Date(res.body.end_at).getTime()).to.be.within(Date.now() - 10_000, Date.now());
        expect(res.body.start_at).to.equal(item.start_at);
        const word = encodeURIComponent(item.title.split(' ')[0]);
        const closed = await server.api.get(`${paths.list}?search=${word}&status=closed`, { token: customer.access });
        expect(closed.body.results.map((entry: { id: number }) => entry.id)).to.deep.equal([item.id]);
        const refused = await register(item.id, '55000');
        expect(refused.status).to.equal(400);
        expect(refused.body.code).to.equal('not_open');
      });

      it('closes an item that has not started yet, and changes nothing when closed again', async () => {
        const { body: item } = await created(newItem({ start_at: iso(DAY_MS), end_at: iso(2 * DAY_MS) }));
        const first = await close(item.id);
        expect(first.status).to.equal(200);
        expect(new Date(first.body.start_at).getTime()).to.be.below(new Date(first.body.end_at).getTime());
        const again = await close(item.id);
        expect(again.status).to.equal(200);
        expect(again.headers.get('etag')).to.equal(first.headers.get('etag'));
        expect(again.body).to.deep.equal(first.body);
        const upcoming = await server.api.get(`${paths.list}?search=${encodeURIComponent(item.title.split(' ')[0])}&status=upcoming`, { token: customer.access });
        expect(upcoming.body.count).to.equal(0);
      });

      it('refuses a stale If-Match with 412', async () => {
        const { body: item } = await created();
        expect((await close(item.id, { 'if-match': '"7"' })).status).to.equal(412);
        expect((await row(item.id)).version).to.equal(1);
      });
    });

    describe(`DELETE ${paths.list}{id}/`, () => {
      it('deletes an item nobody paid for: 204, then 404', async () => {
        const { body: item } = await created();
        expect((await remove(item.id, { 'if-match': '"1"' })).status).to.equal(204);
        expect((await server.api.get(paths.detail(item.id), { token: customer.access })).status).to.equal(404);
        expect(await row(item.id)).to.equal(undefined);
      });

      it('refuses an item with a registration, or with a payment that did not go through, with 409 has_registrations', async () => {
        const { body: item } = await created();
        expect((await register(item.id, '55000')).status).to.equal(201);
        const res = await remove(item.id);
        expect(res.status).to.equal(409);
        expect(res.body.code).to.equal('has_registrations');
        expect(await row(item.id)).not.to.equal(undefined);

        const { body: declined } = await created(newItem({ price: '1000' }));
        await server.db('payments').insert({ user_id: customer.id, payment_type: kind, target_id: declined.id, item_title: declined.title, amount: '1000.00', payment_method: 'card', status: 'failed' });
        expect((await remove(declined.id)).status).to.equal(409);
      });

      it('answers 404 for an unknown item and 412 for a stale If-Match', async () => {
        expect((await remove(987_654_321)).status).to.equal(404);
        const { body: item } = await created();
        expect((await remove(item.id, { 'if-match': '"2"' })).status).to.equal(412);
      });
    });

    describe('GET /api/admin/audit/', () => {
      it('records who changed what and when, with the changed fields before and after, newest first', async () => {
        const { body: item } = await created();
        await patch(item.id, { price: '60000' }, { 'if-match': '"1"' });
        await close(item.id);
        const res = await audit(`?item_kind=${kind}&item_id=${item.id}`);
        expect(res.status).to.equal(200);
        expect(res.body.count).to.equal(3);
        const [closing, change, creation] = res.body.results;
        expect(creation).to.include({ staff_user_id: staff.id, action: 'create', item_kind: kind, item_id: item.id, before: null });
        expect(creation.after).to.include({ title: item.title, price: '55000.00', start_at: item.start_at, end_at: item.end_at });
        expect(change).to.deep.include({ action: 'update', before: { price: '55000.00' }, after: { price: '60000.00' } });
        expect(closing.action).to.equal('close');
        // Started already: the close moved its end only.
        expect(closing.before).to.deep.equal({ end_at: item.end_at });
        expect(Object.keys(closing.after)).to.deep.equal(['end_at']);
        expect(new Date(closing.created_at).getTime()).to.be.at.least(new Date(change.created_at).getTime());
      });

      it('filters by staff user, and records deletions', async () => {
        const other = await createUser(server.api);
        await makeStaff(server, other);
        const item = (await created()).body;
        const removed = await server.api.request('DELETE', paths.detail(item.id), undefined, { token: other.access });
        expect(removed.status).to.equal(204);
        const res = await audit(`?staff_user_id=${other.id}`);
        expect(res.body.results).to.have.length(1);
        expect(res.body.results[0]).to.include({ action: 'delete', item_id: item.id, after: null, staff_user_id: other.id });
      });

      it('refuses malformed filters with a 400 naming them', async () => {
        for (const query of ['?item_id=1', '?item_kind=book', '?staff_user_id=-1', '?page=0']) {
          const res = await audit(query);
          expect(res.status, query).to.equal(400);
        }
      });
    });
  });
}

describe('Administrative changes and the search index', () => {
  let server: TestServer;
  let staff: TestUser;
  before(async () => {
    server = await startTestServer({}, { searchIndex: new InMemorySearchIndex() });
    staff = await createUser(server.api);
    await makeStaff(server, staff);
  });
  after(() => server.running.close());

  const outboxOf = (kind: OfferingKind, id: number) => server.db('search_outbox').where({ item_kind: kind, item_id: id });

  for (const kind of ALL_OFFERING_KINDS) {
    const paths = kindPaths(kind);
    it(`writes every ${kind} change to the search outbox, and nothing for a refused one`, async () => {
      await server.db('search_outbox').delete();
      const res = await server.api.post(paths.list, newItem(), { token: staff.access });
      const id = res.body.id as number;
      expect(await outboxOf(kind, id)).to.have.length(1);
      await server.api.request('PATCH', paths.detail(id), { price: '70000' }, { token: staff.access, headers: { 'if-match': '"9"' } });
      expect(await outboxOf(kind, id)).to.have.length(1);
      await server.api.request('PATCH', paths.detail(id), { price: '70000' }, { token: staff.access, headers: { 'if-match': '"1"' } });
      await server.api.post(`${paths.detail(id)}close/`, undefined, { token: staff.access });
      await server.api.request('DELETE', paths.detail(id), undefined, { token: staff.access });
      expect(await outboxOf(kind, id)).to.have.length(4);
    });
  }
});

describe('Counts kept of the lists, after a staff change', () => {
  it('are counted again at once: a list counted before a create, a change and a delete counts each', async () => {
    await withTestServer({ CATALOGUE_COUNT_CACHE_TTL: '60' }, async (server) => {
      const staff = await createUser(server.api);
      await makeStaff(server, staff);
      const paths = kindPaths('course');
      const marker = uniqueName('counted');
      const count = async () => {
        const res = await server.api.get(`${paths.list}?search=${marker}&page_size=1`, { token: staff.access });
        expect(res.body.count_is_estimate).to.equal(false);
        return res.body.count as number;
      };
      const create = async () => (await server.api.post(paths.list, newItem({ title: `Kotlin ${marker}` }), { token: staff.access })).body.id as number;
      const first = await create();
      await create();
      expect(await count()).to.equal(2);
      const third = await create();
      expect(await count(), 'after a create').to.equal(3);
      const renamed = await server.api.request('PATCH', paths.detail(first), { title: 'Kotlin renamed' }, { token: staff.access, headers: { 'if-match': '"1"' } });
      expect(renamed.status).to.equal(200);
      expect(await count(), 'after a change of the words').to.equal(2);
      expect((await server.api.request('DELETE', paths.detail(third), undefined, { token: staff.access })).status).to.equal(204);
      expect(await count(), 'after a delete').to.equal(1);
    });
  });
});

describe('Texts written in decomposed Unicode (NFD)', () => {
  it('are kept composed (NFC), and found by a search written either way', async () => {
    const server = await sharedServer();
    const staff = await createUser(server.api);
    await makeStaff(server, staff);
    const marker = uniqueName('nfd');
    // `Café crème` and `한국어` as some keyboards and file systems write them: letters and marks apart.
    const decomposed = `Café crème 한국어 ${marker}`.normalize('NFD');
    const created = await server.api.post(kindPaths('course').list, newItem({ title: decomposed, description: decomposed }), { token: staff.access });
    expect(created.status).to.equal(201);
    expect(created.body.title).to.equal(decomposed.normalize('NFC'));
    for (const form of ['NFC', 'NFD'] as const) {
      for (const word of ['Café', 'crème', '한국어']) {
        const found = await server.api.get(`${kindPaths('course').list}?search=${encodeURIComponent(`${word} ${marker}`.normalize(form))}`, { token: staff.access });
        expect(found.body.results.map((item: { id: number }) => item.id), `${word} in ${form}`).to.deep.equal([created.body.id]);
      }
    }
  });
});

describe('A change followed at once by a deletion', () => {
  let server: TestServer;
  /** Runs once a command has committed and before it is answered, when a test sets it. */
  let onCommitted: (() => Promise<void>) | undefined;

  before(async () => {
    server = await startTestServer({}, {
      configure: (container) => {
        const trigger = container.get<SearchSyncTrigger>(SEARCH_SYNC_TRIGGER);
        container.unbind(SEARCH_SYNC_TRIGGER);
        container.bind(SEARCH_SYNC_TRIGGER).toConstantValue({
          nudge: async () => {
            const committed = onCommitted;
            onCommitted = undefined;
            await committed?.();
            await trigger.nudge();
          },
        } satisfies SearchSyncTrigger);
      },
    });
  });
  after(() => server.running.close());

  for (const kind of ALL_OFFERING_KINDS) {
    const paths = kindPaths(kind);
    for (const change of ['a change', 'a close'] as const) {
      it(`${kind}: answers ${change} with the item it committed, though a deletion lands before the answer`, async () => {
        const staff = await createUser(server.api);
        await makeStaff(server, staff);
        const item = (await server.api.post(paths.list, newItem(), { token: staff.access })).body;
        let deleted: ApiResponse | undefined;
        onCommitted = async () => {
          deleted = await server.api.request('DELETE', paths.detail(item.id), undefined, { token: staff.access });
        };
        const res =
          change === 'a change'
            ? await server.api.request('PATCH', paths.detail(item.id), { title: `${item.title} 개정` }, { token: staff.access, headers: { 'if-match': '"1"' } })
            : await server.api.post(`${paths.detail(item.id)}close/`, undefined, { token: staff.access });
        expect(deleted?.status).to.equal(204);
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        expect(res.headers.get('etag')).to.equal('"2"');
        expect(res.body).to.include({ id: item.id, created_at: item.created_at, registration_count: 0, is_registered: false });
        if (change === 'a change') expect(res.body.title).to.equal(`${item.title} 개정`);
        else expect(new Date(res.body.end_at).getTime()).to.be.at.most(Date.now());
        const actions = await server.db('admin_audit_log').where({ item_kind: kind, item_id: item.id }).orderBy('id').pluck('action');
        expect(actions).to.deep.equal(['create', change === 'a change' ? 'update' : 'close', 'delete']);
      });
    }
  }
});

describe('Commands whose path says it all', () => {
  let server: TestServer;
  let staff: TestUser;
  before(async () => {
    server = await sharedServer();
    staff = await createUser(server.api);
    await makeStaff(server, staff);
  });

  for (const kind of ALL_OFFERING_KINDS) {
    const paths = kindPaths(kind);
    const items = OFFERING_TABLES[kind].items;
    const row = (id: number) => server.db(items).where({ id }).first();

    it(`${kind}: a close refuses a body with fields, naming them, and closes nothing; {} closes`, async () => {
      const id = await createOffering(server.db, kind);
      const before = await row(id);
      const res = await server.api.post(`${paths.detail(id)}close/`, { end_at: '2030-01-01T00:00:00Z', keep: true }, { token: staff.access });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('validation_failed');
      expect(res.body.errors).to.have.keys('end_at', 'keep');
      expect(await row(id)).to.deep.equal(before);
      // An unknown item is a 404 before anything about the body is said, as for a registration.
      expect((await server.api.post(`${paths.detail(987_654_321)}close/`, { keep: true }, { token: staff.access })).status).to.equal(404);
      expect((await server.api.post(`${paths.detail(id)}close/`, {}, { token: staff.access })).status).to.equal(200);
    });

    it(`${kind}: a deletion refuses a body with fields, naming them, and deletes nothing; {} deletes`, async () => {
      const id = await createOffering(server.db, kind);
      const res = await server.api.request('DELETE', paths.detail(id), { dry_run: true }, { token: staff.access });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('validation_failed');
      expect(res.body.errors).to.have.keys('dry_run');
      expect(await row(id)).not.to.equal(undefined);
      expect((await server.api.request('DELETE', paths.detail(987_654_321), { dry_run: true }, { token: staff.access })).status).to.equal(404);
      expect((await server.api.request('DELETE', paths.detail(id), {}, { token: staff.access })).status).to.equal(204);
      expect(await row(id)).to.equal(undefined);
    });

    it(`${kind}: a completion refuses a body with fields, naming them, and completes nothing; {} completes`, async () => {
      const customer = await createUser(server.api);
      const id = await createOffering(server.db, kind, { price: '45000.00' });
      expect((await server.api.post(paths.register(id), { amount: '45000', payment_method: 'card' }, { token: customer.access })).status).to.equal(201);
      const res = await server.api.post(paths.complete(id), { completed_at: '2020-01-01T00:00:00Z' }, { token: customer.access });
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('validation_failed');
      expect(res.body.errors).to.have.keys('completed_at');
      const registrations = OFFERING_TABLES[kind].registrations;
      expect(await server.db(registrations).where({ user_id: customer.id, [OFFERING_TABLES[kind].itemColumn]: id }).pluck('status')).to.deep.equal([OFFERING_TABLES[kind].activeStatus]);
      // An unknown item is a 404 before anything about the body is said, as for a registration.
      expect((await server.api.post(paths.complete(987_654_321), { completed_at: '2020-01-01T00:00:00Z' }, { token: customer.access })).status).to.equal(404);
      expect((await server.api.post(paths.complete(id), {}, { token: customer.access })).status).to.equal(200);
    });
  }
});

describe('npm run create-admin', function () {
  this.timeout(60_000);
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync(process.execPath, ['scripts/run-entry.cjs', 'interfaces/cli/create-admin', ...args], {
      env: { ...process.env, DATABASE_URL: testConfig().databaseUrl, LOG_LEVEL: 'warn', ADMIN_PASSWORD: '', ...env },
      encoding: 'utf8',
      timeout: 60_000,
    });

  it('creates a staff account with the password from ADMIN_PASSWORD, promotes an existing one, and revokes', async () => {
    const server = await sharedServer();
    const email = `${uniqueName('admin')}@example.com`;
    const createdRun = run(['--email', email], { ADMIN_PASSWORD: 'staff-pass-42' });
    expect(createdRun.status, createdRun.stderr).to.equal(0);
    expect(createdRun.stdout).to.match(/created as staff/);
    const login = await server.api.post('/api/auth/login/', { email, password: 'staff-pass-42' });
    expect((await server.api.get('/api/admin/audit/', { token: login.body.access })).status).to.equal(200);

    expect(run(['--email', email, '--revoke']).status).to.equal(0);
    expect((await server.api.get('/api/admin/audit/', { token: login.body.access })).status).to.equal(403);

    const customer = await createUser(server.api);
    const promoted = run(['--email', customer.email]);
    expect(promoted.status, promoted.stderr).to.equal(0);
    expect((await server.api.get('/api/admin/audit/', { token: customer.access })).status).to.equal(200);
    expect((await server.api.post('/api/auth/login/', { email: customer.email, password: TEST_PASSWORD })).status).to.equal(200);
  });

  it('refuses a new account without a password, or with a weak one, and creates nothing', async () => {
    const server = await sharedServer();
    const email = `${uniqueName('admin')}@example.com`;
    const missing = run(['--email', email]);
    expect(missing.status).to.equal(2);
    expect(missing.stderr).to.match(/password/);
    expect(run(['--email', email], { ADMIN_PASSWORD: 'short' }).status).to.equal(2);
    expect(await server.db('users').whereRaw('lower(email) = lower(?)', [email]).first()).to.equal(undefined);
  });

  it('names a new account by its email only where the local part is a valid username, else asks for --username', async () => {
    const server = await sharedServer();
    const local = `o'${uniqueName('brien')}`;
    const email = `${local}@example.com`;
    const refused = run(['--email', email], { ADMIN_PASSWORD: 'staff-pass-42' });
    expect(refused.status).to.equal(2);
    expect(refused.stderr).to.include(`"${local}"`).and.to.match(/--username/);
    expect(await server.db('users').whereRaw('lower(email) = lower(?)', [email]).first()).to.equal(undefined);
    const named = run(['--email', email, '--username', local.replace("'", '')], { ADMIN_PASSWORD: 'staff-pass-42' });
    expect(named.status, named.stderr).to.equal(0);
    expect(await server.db('users').whereRaw('lower(email) = lower(?)', [email]).first()).to.include({ username: local.replace("'", ''), is_staff: true });
  });
});

describe('A change made while a registration is being charged', () => {
  let server: TestServer;
  /** Charges wait here until a test lets them through, so that a change can land meanwhile. */
  let releaseCharges: () => void = () => undefined;
  let chargesHeld: Promise<void> = Promise.resolve();
  let chargeStarted: () => void = () => undefined;

  before(async () => {
    server = await startTestServer({}, {
      configure: (container) => {
        const gateway = container.get<PaymentGateway>(PAYMENT_GATEWAY);
        const held: PaymentGateway = {
          charge: async (request) => {
            chargeStarted();
            await chargesHeld;
            return gateway.charge(request);
          },
          refund: (request) => gateway.refund(request),
          outcome: (key) => gateway.outcome(key),
        };
        container.unbind(PAYMENT_GATEWAY);
        container.bind(PAYMENT_GATEWAY).toConstantValue(held);
      },
    });
  });
  after(async () => {
    await server.running.close();
  });

  /** Starts a registration, waits until its charge is under way, and returns its answer to come. */
  async function registrationBeingCharged(kind: OfferingKind, id: number, user: TestUser, amount: string): Promise<{ readonly answer: Promise<ApiResponse> }> {
    chargesHeld = new Promise((resolve) => (releaseCharges = resolve));
    const started = new Promise<void>((resolve) => (chargeStarted = resolve));
    const answer = server.api.post(kindPaths(kind).register(id), { amount, payment_method: 'card' }, { token: user.access });
    await started;
    return { answer };
  }

  for (const kind of ALL_OFFERING_KINDS) {
    const paths = kindPaths(kind);
    const items = OFFERING_TABLES[kind].items;

    for (const change of ['a price change', 'a close'] as const) {
      it(`${kind}: lets a registration decided before ${change} finish at the price it was decided at, and applies the change to later ones`, async () => {
        const staff = await createUser(server.api);
        await makeStaff(server, staff);
        const [first, later] = await Promise.all([createUser(server.api), createUser(server.api)]);
        const created = await server.api.post(paths.list, newItem({ price: '55000' }), { token: staff.access });
        const item = created.body;
        const { answer } = await registrationBeingCharged(kind, item.id, first, '55000');
        const changed =
          change === 'a price change'
            ? await server.api.request('PATCH', paths.detail(item.id), { price: '60000' }, { token: staff.access, headers: { 'if-match': created.headers.get('etag') ?? '' } })
            : await server.api.post(`${paths.detail(item.id)}close/`, undefined, { token: staff.access });
        expect(changed.status, JSON.stringify(changed.body)).to.equal(200);
        releaseCharges();

        const registered = await answer;
        expect(registered.status, JSON.stringify(registered.body)).to.equal(201);
        const payment = await server.db('payments').where({ id: registered.body.payment_id }).first();
        expect(payment).to.include({ status: 'paid', amount: '55000.00' });
        expect((await server.db(items).where({ id: item.id }).first()).registration_count).to.equal(1);

        chargesHeld = Promise.resolve();
        const refused = await server.api.post(paths.register(item.id), { amount: '55000', payment_method: 'card' }, { token: later.access });
        expect(refused.body.code).to.equal(change === 'a price change' ? 'amount_mismatch' : 'not_open');
      });
    }
  }
});
