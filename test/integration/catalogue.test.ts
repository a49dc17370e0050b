import { expect } from 'chai';
import { Redis } from 'ioredis';
import { ALL_OFFERING_KINDS } from '../../src/domain/offering-kind';
import { CATALOGUE_ENGINES } from '../support/catalogue-engines';
import { DAY_MS, createOffering, kindPaths } from '../support/offerings';
import { type TestServer, withTestServer } from '../support/test-server';
import { type TestUser, createUser, uniqueName } from '../support/users';

interface Listed {
  id: number;
  title: string;
  price: string;
  created_at: string;
  registration_count: number;
  is_registered: boolean;
}

/** Words told apart even with typo tolerance, so that every engine must find exactly one. */
const DISTINCT_WORDS = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot'];

const suites = CATALOGUE_ENGINES.flatMap((engine) => ALL_OFFERING_KINDS.map((kind) => ({ engine, kind })));

for (const { engine, kind } of suites) {
  const paths = kindPaths(kind);
  const { plural } = paths.names;
  const skipReason = engine.unavailable ? ` (skipped: ${engine.unavailable})` : '';

  describe(`Catalogue: ${plural} served by ${engine.name}${skipReason}`, () => {
    let server: TestServer;
    let user: TestUser;
    /** A word only this suite's items carry, so that lists can be scoped to them. */
    let tag: string;
    const ids: number[] = [];
    const base = Date.parse('2026-01-01T00:00:00.000Z');

    before(async function () {
      if (engine.unavailable) this.skip();
      server = await engine.start(kind);
      user = await createUser(server.api);
      tag = uniqueName('tag');
      // Six items: two pairs tie on created_at, two on price; popularity varies.
      const specs = [
        { price: '30000.00', created: base, count: 5 },
        { price: '30000.00', created: base, count: 5 },
        { price: '10000.00', created: base + 1000, count: 9 },
        { price: '50000.00', created: base + 2000, count: 0 },
        { price: '20000.00', created: base + 2000, count: 1 },
        { price: '45000.00', created: base + 3000, count: 5 },
      ];
      for (const [i, spec] of specs.entries()) {
        ids.push(
          await createOffering(server.db, kind, {
            title: `Python ${tag} 시험 과정 ${i}`,
            description: `설명 number ${DISTINCT_WORDS[i]}`,
            price: spec.price,
            createdAt: new Date(spec.created),
            registrationCount: spec.count,
            startAt: new Date(Date.now() - DAY_MS),
            endAt: new Date(Date.now() + DAY_MS),
          }),
        );
      }
      await engine.publish(server, kind, ids);
    });

    after(async () => {
      if (server) await engine.stop(server);
    });

    const list = async (query: string, as: TestUser = user) => server.api.get(`${paths.list}?search=${tag}&${query}`, { token: as.access });
    const idsOf = (res: { body: { results: Listed[] } }) => res.body.results.map((item) => item.id);

    it('answers the envelope with count, links and the item shape', async () => {
      const res = await list('page_size=2');
      expect(res.status).to.equal(200);
      expect(res.body).to.include.keys('count', 'next', 'previous', 'results', 'count_is_estimate');
      expect(res.body.count).to.equal(6);
      expect(res.body.count_is_estimate).to.equal(false);
      expect(res.body.results[0]).to.have.all.keys(
        'id', 'title', 'description', 'price', 'start_at', 'end_at', 'created_at', 'is_registered', 'registration_count',
      );
      expect(res.body.results[0].price).to.match(/^\d+\.\d{2}$/);
      expect(res.body.results[0].created_at).to.match(/Z$/);
    });

    it('requires a valid access token', async () => {
      expect((await server.api.get(paths.list)).status).to.equal(401);
    });

    describe('sort, always ending with id as the tiebreaker', () => {
      const [a, b, c, d, e, f] = [0, 1, 2, 3, 4, 5];
      const expected: Record<string, number[]> = {
        created: [f, e, d, c, b, a],
        popular: [c, f, b, a, e, d],
        price_asc: [c, e, a, b, f, d],
        price_desc: [d, f, b, a, e, c],
      };
      for (const [sort, order] of Object.entries(expected)) {
        it(`sort=${sort}`, async () => {
          expect(idsOf(await list(`sort=${sort}`))).to.deep.equal(order.map((i) => ids[i]));
        });
      }

      it('sort=start_at: soonest first', async () => {
        const res = await list('sort=start_at');
        const starts = res.body.results.map((item: { start_at: string }) => Date.parse(item.start_at));
        expect(starts).to.deep.equal([...starts].sort((x, y) => x - y));
      });

      it('defaults to created (newest first)', async () => {
        expect(idsOf(await list(''))).to.deep.equal(idsOf(await list('sort=created')));
      });
    });

    describe('page-number paging', () => {
      it('links page 2 from page 1, keeps the other parameters, and 404s past the last page', async () => {
        const first = await list('page_size=4&sort=price_asc');
        const next = new URL(first.body.next);
        expect(next.searchParams.get('page')).to.equal('2');
        expect(next.searchParams.get('sort')).to.equal('price_asc');
        expect(next.searchParams.get('search')).to.equal(tag);
        const second = await server.api.get(`${next.pathname}${next.search}`, { token: user.access });
        expect(second.body.results).to.have.length(2);
        expect(second.body.next).to.equal(null);
        expect(second.body.previous).to.be.a('string');
        expect([...idsOf(first), ...idsOf(second)]).to.deep.equal(idsOf(await list('sort=price_asc')));
        const past = await list('page_size=4&page=3');
        expect(past.status).to.equal(404);
        expect(past.body.code).to.equal('page_not_found');
      });
    });

    describe('keyset cursors', () => {
      for (const sort of ['created', 'popular', 'price_asc', 'price_desc', 'start_at']) {
        it(`walks every item once, forwards and back, with sort=${sort}`, async () => {
          const all = idsOf(await list(`sort=${sort}`));
          const forward: number[] = [];
          const pages: string[] = [];
          let url: string | null = `${paths.list}?search=${tag}&sort=${sort}&page_size=2&cursor=`;
          while (url) {
            const res: { status: number; body: { next: string | null; previous: string | null; results: Listed[] } } = await server.api.get(url, { token: user.access });
            expect(res.status).to.equal(200);
            forward.push(...res.body.results.map((item) => item.id));
            pages.push(url);
            url = res.body.next ? new URL(res.body.next).pathname + new URL(res.body.next).search : null;
          }
          expect(forward).to.deep.equal(all);
          const lastPage = await server.api.get(pages[pages.length - 1], { token: user.access });
          const back = await server.api.get(new URL(lastPage.body.previous).pathname + new URL(lastPage.body.previous).search, { token: user.access });
          expect(idsOf(back)).to.deep.equal(all.slice(-4, -2));
        });
      }

      it('does not skip or repeat rows that tie on every sort key but id', async () => {
        const tied = idsOf(await list('sort=price_asc&page_size=1&cursor='));
        expect(tied).to.have.length(1);
        const walked: number[] = [];
        let url: string | null = `${paths.list}?search=${tag}&sort=popular&page_size=1&cursor=`;
        while (url) {
          const res: { body: { next: string | null; results: Listed[] } } = await server.api.get(url, { token: user.access });
          walked.push(...res.body.results.map((item) => item.id));
          url = res.body.next ? new URL(res.body.next).pathname + new URL(res.body.next).search : null;
        }
        expect(walked).to.deep.equal(idsOf(await list('sort=popular')));
        expect(new Set(walked).size).to.equal(6);
      });

      const badCursors = ['not-base64-json', Buffer.from('{"s":"created"}').toString('base64url'), Buffer.from('{"s":"created","v":["yesterday"],"i":1,"d":"n"}').toString('base64url'), Buffer.from('{"s":"popular","v":["1","2026-01-01T00:00:00.000000Z"],"i":1,"d":"n"}').toString('base64url')];
      for (const cursor of badCursors) {
        it(`answers a malformed or foreign cursor (${cursor.slice(0, 16)}…) with a 400 naming cursor`, async () => {
          const res = await list(`cursor=${cursor}`);
          expect(res.status).to.equal(400);
          expect(res.body.errors).to.have.property('cursor');
        });
      }

      it('refuses page and cursor together', async () => {
        const res = await list('page=2&cursor=');
        expect(res.status).to.equal(400);
        expect(res.body.errors).to.have.property('page');
      });
    });

    describe('filters', () => {
      it('status: boundaries are inclusive at exactly start_at and end_at', async () => {
        const marker = uniqueName('edge');
        const now = Date.now();
        // A window that ends in the past by one millisecond and one that starts in a day: the
        // boundary instants themselves are checked by the domain tests of the window.
        const closed = await createOffering(server.db, kind, { title: marker, startAt: new Date(now - 2 * DAY_MS), endAt: new Date(now - 1) });
        const upcoming = await createOffering(server.db, kind, { title: marker, startAt: new Date(now + DAY_MS), endAt: new Date(now + 2 * DAY_MS) });
        const open = await createOffering(server.db, kind, { title: marker, startAt: new Date(now - 1), endAt: new Date(now + DAY_MS) });
        await engine.publish(server, kind, [closed, upcoming, open]);
        const of = async (status: string) =>
          idsOf(await server.api.get(`${paths.list}?search=${marker}&status=${status}`, { token: user.access }));
        expect(await of('closed')).to.deep.equal([closed]);
        expect(await of('upcoming')).to.deep.equal([upcoming]);
        expect(await of('available')).to.deep.equal([open]);
      });

      it('status=available includes an item from the instant of its start_at, and upcoming before it', async () => {
        const marker = uniqueName('exact');
        const startAt = new Date(Date.now() + DAY_MS);
        const id = await createOffering(server.db, kind, { title: marker, startAt, endAt: new Date(startAt.getTime() + DAY_MS) });
        await engine.publish(server, kind, [id]);
        const statusAt = async (instant: Date, status: string) =>
          idsOf(await server.clock.at(instant, () => server.api.get(`${paths.list}?search=${marker}&status=${status}`, { token: user.access })));
        const justBefore = new Date(startAt.getTime() - 1);
        expect(await statusAt(justBefore, 'available')).to.deep.equal([]);
        expect(await statusAt(justBefore, 'upcoming')).to.deep.equal([id]);
        expect(await statusAt(startAt, 'available')).to.deep.equal([id]);
        expect(await statusAt(startAt, 'upcoming')).to.deep.equal([]);
      });

      it('price_min and price_max are inclusive and accept strings or numbers', async () => {
        expect(idsOf(await list('price_min=30000&price_max=45000.00&sort=price_asc'))).to.deep.equal([ids[0], ids[1], ids[5]]);
        expect(idsOf(await list('price_min=45000.01&sort=price_asc'))).to.deep.equal([ids[3]]);
        expect(idsOf(await list('price_max=10000'))).to.deep.equal([ids[2]]);
      });
    });

    describe('search', () => {
      const searchIds = async (search: string) => idsOf(await server.api.get(`${paths.list}?search=${encodeURIComponent(search)}&page_size=100`, { token: user.access }));

      it('AND-s the words, case-insensitively, over title and description', async () => {
        expect(await searchIds(`${tag} delta`)).to.deep.equal([ids[3]]);
        expect(await searchIds(`${tag.toUpperCase()} PYTHON`)).to.have.length(6);
        expect(await searchIds(`${tag} delta echo`)).to.deep.equal([]);
      });

      it('matches the last word as a prefix (search-as-you-type)', async () => {
        expect(await searchIds(`${tag} numb`)).to.have.length(6);
        expect(await searchIds(`${tag.slice(0, -2)}`)).to.have.length(6);
        expect(await searchIds(`numb ${tag}`), 'only the last word is a prefix').to.deep.equal([]);
      });

      it('finds Korean words in titles and descriptions', async () => {
        for (const word of ['시험', '과정', '설명']) expect(await searchIds(`${tag} ${word}`), word).to.have.length(6);
      });

      it('matches a Korean word typed in part as the last word, compounds and particles included, never by an inner word', async () => {
        for (const part of ['시', '과', '설명']) expect(await searchIds(`${tag} ${part}`), part).to.have.length(6);
        const compound = uniqueName('kr');
        const id = await createOffering(server.db, kind, { title: `${compound} 자격시험 대비`, description: '정보처리기사 실기 개발자의 길' });
        await engine.publish(server, kind, [id]);
        for (const typed of ['자', '자격', '자격시', '자격시험', '정보처', '대비', '개발자', '개발자의']) expect(await searchIds(`${compound} ${typed}`), typed).to.deep.equal([id]);
        expect(await searchIds(`${compound} 격시`), 'a word matches from its start').to.deep.equal([]);
        for (const inner of ['시험', '처리', '기사', '의']) expect(await searchIds(`${compound} ${inner}`), `inner word ${inner}`).to.deep.equal([]);
        expect(await searchIds(`자격 ${compound}`), 'a word before the last matches a whole word').to.deep.equal([]);
        expect(await searchIds(`개발자 ${compound}`), 'a word before the last matches a whole word').to.deep.equal([]);
        expect(await searchIds(`자격시험 ${compound}`)).to.deep.equal([id]);
      });

      it('finds words as the index reads them: dotted, hyphenated and path-like words whole, any script, in any case', async function () {
        // PostgreSQL's parser reads the search as it read the text. (Meilisearch is sent the
        // letters-and-digits tokens instead: see docs/search.md.)
        if (engine.name !== 'postgres') this.skip();
        const marker = uniqueName('words');
        const titles: Record<string, string> = {
          dotted: `${marker} Node.js 강의 v1.2.3`,
          path: `${marker} DevOps/CI-CD 파이프라인`,
          greek: `${marker} ΟΔΟΣ`,
          greekLower: `${marker} οδηγός προγραμματισμός-βάσεων`,
          hindi: `${marker} हिन्दी पाठ`,
          email: `${marker} support@example.com`,
        };
        const idOf: Record<string, number> = {};
        for (const [name, title] of Object.entries(titles)) idOf[name] = await createOffering(server.db, kind, { title });
        const finds: Array<[string, string]> = [
          ['node.js', 'dotted'],
          ['Node.js 강의', 'dotted'],
          ['v1.2.3', 'dotted'],
          ['node.j', 'dotted'],
          ['devops/ci-cd', 'path'],
          ['ΟΔΟΣ', 'greek'],
          ['οδος', 'greek'],
          ['οδηγός', 'greekLower'],
          ['ΟΔΗΓΌΣ', 'greekLower'],
          ['οδηγό', 'greekLower'],
          ['προγραμματισμός-βάσεων', 'greekLower'],
          ['ΠΡΟΓΡΑΜΜΑΤΙΣΜΌΣ-ΒΆΣΕΩΝ', 'greekLower'],
          ['हिन्दी', 'hindi'],
          ['support@example.com', 'email'],
        ];
        for (const [typed, name] of finds) expect(await searchIds(`${marker} ${typed}`), typed).to.deep.equal([idOf[name]]);
        expect(await searchIds(`οδηγός ${marker}`), 'a Greek word written in lower case, whole, before the last').to.deep.equal([idOf.greekLower]);
        expect(await searchIds(`οδος ${marker}`), 'one written in capitals, whole, before the last').to.deep.equal([idOf.greek]);
        expect(await searchIds(`${marker} node`), 'a prefix of the whole word').to.deep.equal([idOf.dotted]);
        expect(await searchIds(`node.js ${marker}`), 'a whole word before the last').to.deep.equal([idOf.dotted]);
        expect(await searchIds(`${marker} node.j 😀 ++`), 'words without letters or digits are no words').to.deep.equal([idOf.dotted]);
      });

      it('treats an empty search as no filter', async () => {
        const res = await server.api.get(`${paths.list}?search=&page_size=1`, { token: user.access });
        expect(res.status).to.equal(200);
      });

      it('never fails on operator characters or injection-looking input', async () => {
        for (const search of [`${tag} & | ! ( ) : * <-> '`, "'; DROP TABLE tests; --", '\\', ':*', '%_', '(((', '&&&']) {
          const res = await server.api.get(`${paths.list}?search=${encodeURIComponent(search)}`, { token: user.access });
          expect(res.status, search).to.equal(200);
        }
      });
    });

    describe('bad parameters', () => {
      const bad = ['page=0', 'page=abc', 'page=1.5', 'page_size=0', 'page_size=101', 'status=open', 'sort=newest', 'price_min=-1', 'price_max=abc', 'price_min=1.234', 'unknown=1'];
      for (const query of bad) {
        it(`${query} → 400 naming the parameter`, async () => {
          const res = await list(query);
          expect(res.status).to.equal(400);
          expect(res.body.code).to.equal('validation_failed');
          expect(Object.keys(res.body.errors)).to.deep.equal([query.split('=')[0]]);
        });
      }
    });

    describe('is_registered and the detail', () => {
      it('differs per user and follows registering and cancelling', async () => {
        const other = await createUser(server.api);
        const id = await createOffering(server.db, kind, { title: `${tag} registered` });
        const registered = await server.api.post(paths.register(id), { amount: '45000', payment_method: 'card' }, { token: user.access });
        expect(registered.status).to.equal(201);
        await engine.publish(server, kind, [id]);
        const flag = async (as: TestUser) =>
          (await server.api.get(`${paths.list}?search=${tag}%20registered`, { token: as.access })).body.results[0].is_registered;
        expect(await flag(user)).to.equal(true);
        expect(await flag(other)).to.equal(false);
        const detail = await server.api.get(paths.detail(id), { token: user.access });
        expect(detail.body).to.include({ id, is_registered: true, registration_count: 1 });
        expect((await server.api.get(paths.detail(id), { token: other.access })).body.is_registered).to.equal(false);
        await server.api.post(`/api/payments/${registered.body.payment_id}/cancel/`, {}, { token: user.access });
        expect(await flag(user)).to.equal(false);
        expect((await server.api.get(paths.detail(id), { token: user.access })).body.registration_count).to.equal(0);
      });

      it('answers an unknown or malformed id with 404', async () => {
        for (const id of ['2000000000', 'abc', '0', '99999999999999999999']) {
          const res = await server.api.get(paths.detail(id), { token: user.access });
          expect(res.status, id).to.equal(404);
        }
      });
    });
  });
}

describe('Catalogue counts', () => {
  it('flags an estimate beyond the exact-count limit instead of counting everything', () =>
    withTestServer({ CATALOGUE_EXACT_COUNT_LIMIT: '2' }, async (server) => {
      const user = await createUser(server.api);
      const marker = uniqueName('many');
      for (let i = 0; i < 4; i += 1) await createOffering(server.db, 'course', { title: `${marker} ${i}` });
      const big = await server.api.get(`/api/courses/?page_size=1`, { token: user.access });
      expect(big.status).to.equal(200);
      expect(big.body.count_is_estimate).to.equal(true);
      expect(big.body.count).to.be.greaterThan(2);
      const matching = await server.api.get(`/api/courses/?search=${marker}`, { token: user.access });
      expect(matching.status).to.equal(200);
      expect(matching.body.results).to.have.length(4);
      expect(matching.body.count).to.be.greaterThan(2);
      const small = await server.api.get(`/api/courses/?search=${marker}%200`, { token: user.access });
      expect(small.body).to.include({ count: 1, count_is_estimate: false });
    }));

  it('estimates the items open now from a sample of the table, not from the planner, which takes the two window conditions as independent', () =>
    withTestServer({ CATALOGUE_EXACT_COUNT_LIMIT: '2' }, async (server) => {
      const user = await createUser(server.api);
      const now = Date.now();
      // Many closed and upcoming items beside a few open ones: the share the planner would guess
      // from each condition alone is far from the share open now.
      for (let i = 0; i < 30; i += 1) {
        await createOffering(server.db, 'course', { startAt: new Date(now - 3 * DAY_MS), endAt: new Date(now - 2 * DAY_MS) });
        await createOffering(server.db, 'course', { startAt: new Date(now + 2 * DAY_MS), endAt: new Date(now + 3 * DAY_MS) });
      }
      await createOffering(server.db, 'course');
      await server.db.raw('ANALYZE courses');
      const res = await server.api.get('/api/courses/?status=available&page_size=1', { token: user.access });
      const [{ n }] = await server.db('courses').where('start_at', '<=', new Date()).where('end_at', '>=', new Date()).count({ n: '*' });
      // A table this small is sampled whole, so the estimate is the exact number.
      expect(res.body).to.include({ count: Number(n), count_is_estimate: true });
    }));

  it('keeps a count in Redis and for a few seconds in the process, so that paging does not recount', () =>
    withTestServer({ CATALOGUE_COUNT_CACHE_TTL: '60' }, async (server) => {
      const user = await createUser(server.api);
      // A list whose count is not a by-product of reading the page: the whole catalogue.
      const list = async () => (await server.api.get('/api/courses/?page_size=1', { token: user.access })).body;
      const first = (await list()).count;
      await createOffering(server.db, 'course');
      const cached = await list();
      expect(cached.count, 'the count comes from the cache').to.equal(first);
      // A client without the prefix sees the whole keys: the counts sit under this deployment's
      // prefix, where another deployment sharing the Redis database never reads them.
      const raw = new Redis(server.config.redisUrl);
      try {
        const keys = await raw.keys(`${server.config.redisKeyPrefix}catalogue-count:course:*`);
        expect(keys).to.not.be.empty;
        await raw.del(...keys);
      } finally {
        raw.disconnect();
      }
      expect((await list()).count, 'the process still holds it').to.equal(first);
    }));

  it('counts a search exactly when its matches were collected to read the page, whatever the cache holds', () =>
    withTestServer({ CATALOGUE_COUNT_CACHE_TTL: '60' }, async (server) => {
      const user = await createUser(server.api);
      const marker = uniqueName('collected');
      const list = async () => (await server.api.get(`/api/courses/?search=${marker}`, { token: user.access })).body;
      await createOffering(server.db, 'course', { title: marker });
      expect(await list()).to.include({ count: 1, count_is_estimate: false });
      await createOffering(server.db, 'course', { title: marker });
      const fresh = await list();
      expect(fresh.results).to.have.length(2);
      expect(fresh).to.include({ count: 2, count_is_estimate: false });
    }));
});
