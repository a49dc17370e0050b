import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import { PASSWORD_HASHER, type PasswordHasher } from '../../src/application/ports/password-hasher';
import { Argon2PasswordHasher } from '../../src/infrastructure/auth/argon2-password-hasher';
import { refreshAudience } from '../../src/infrastructure/auth/jwt-token-service';
import { createOffering, kindPaths } from '../support/offerings';
import { type TestServer, sharedServer, startTestServer, withTestServer } from '../support/test-server';
import { TEST_PASSWORD, createUser, uniqueName } from '../support/users';

describe('Auth', () => {
  let server: TestServer;
  before(async () => {
    server = await sharedServer();
  });

  const api = () => server.api;
  const randomIp = () => `10.${rand()}.${rand()}.${rand()}`;
  const rand = () => Math.floor(Math.random() * 254) + 1;
  const signupBody = (overrides: Record<string, unknown> = {}) => {
    const username = uniqueName();
    return { email: `${username}@example.com`, username, password: TEST_PASSWORD, ...overrides };
  };

  describe('POST /api/auth/signup/', () => {
    it('creates a user and answers 201 with id, email and username only', async () => {
      const body = signupBody();
      const res = await api().post('/api/auth/signup/', body);
      expect(res.status).to.equal(201);
      expect(res.body).to.deep.equal({ user: { id: res.body.user.id, email: body.email, username: body.username } });
    });

    it('stores the email as given and the password only as an argon2id hash', async () => {
      const body = signupBody({ email: `Mixed.${uniqueName()}@Example.COM` });
      const res = await api().post('/api/auth/signup/', body);
      const row = await server.db('users').where({ id: res.body.user.id }).first();
      expect(row.email).to.equal(body.email);
      expect(row.password_hash).to.match(/^\$argon2id\$/);
      expect(row.password_hash).not.to.contain(body.password);
    });

    it('refuses an email that differs from an existing one only in case', async () => {
      const body = signupBody();
      expect((await api().post('/api/auth/signup/', body)).status).to.equal(201);
      const res = await api().post('/api/auth/signup/', signupBody({ email: body.email.toUpperCase() }));
      expect(res.status).to.equal(400);
      expect(res.body.code).to.equal('validation_failed');
      expect(res.body.errors).to.have.key('email');
    });

    it('refuses an email or a username that differs from an existing one only in its Unicode form, and logs in by either form', async () => {
      const name = uniqueName('cafe');
      const composed = { email: `${name}\u00e9@example.com`, username: `${name}\u00e9` };
      const decomposed = { email: `${name}e\u0301@example.com`, username: `${name}e\u0301` };
      expect((await api().post('/api/auth/signup/', signupBody(composed))).status).to.equal(201);
      const sameEmail = await api().post('/api/auth/signup/', signupBody({ email: decomposed.email }));
      expect(sameEmail.status).to.equal(400);
      expect(sameEmail.body.errors).to.have.key('email');
      const sameUsername = await api().post('/api/auth/signup/', signupBody({ username: decomposed.username }));
      expect(sameUsername.status).to.equal(400);
      expect(sameUsername.body.errors).to.have.key('username');
      expect((await api().post('/api/auth/login/', { email: decomposed.email, password: TEST_PASSWORD })).status).to.equal(200);

      const wide = uniqueName('wide');
      expect((await api().post('/api/auth/signup/', signupBody({ email: `${wide}@example.com` }))).status).to.equal(201);
      const fullWidth = [...wide].map((c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0)).join('');
      const lookAlike = await api().post('/api/auth/signup/', signupBody({ email: `${fullWidth}@example.com` }));
      expect(lookAlike.status).to.equal(400);
      expect(lookAlike.body.errors).to.have.key('email');
    });

    it('refuses an email that differs from an existing one only by a Greek final sigma, and logs in by either', async () => {
      const name = uniqueName('odysseus').replace(/[^a-z0-9]/g, '');
      const capital = signupBody({ email: `ΟΔΥΣΣΕΥΣ${name}@example.com` });
      expect((await api().post('/api/auth/signup/', capital)).status).to.equal(201);
      const lower = await api().post('/api/auth/signup/', signupBody({ email: `οδυσσευς${name}@example.com` }));
      expect(lower.status).to.equal(400);
      expect(lower.body.errors).to.have.key('email');
      expect((await api().post('/api/auth/login/', { email: `οδυσσευς${name}@example.com`, password: TEST_PASSWORD })).status).to.equal(200);
    });

    it('refuses a duplicate username', async () => {
      const body = signupBody();
      await api().post('/api/auth/signup/', body);
      const res = await api().post('/api/auth/signup/', signupBody({ username: body.username }));
      expect(res.status).to.equal(400);
      expect(res.body.errors).to.have.key('username');
    });

    it('names both the email and the username where both are taken', async () => {
      const body = signupBody();
      await api().post('/api/auth/signup/', body);
      const res = await api().post('/api/auth/signup/', { ...body, email: body.email.toUpperCase() });
      expect(res.status).to.equal(400);
      expect(res.body.errors).to.have.all.keys('email', 'username');
    });

    it('names every missing field', async () => {
      const res = await api().post('/api/auth/signup/', {});
      expect(res.status).to.equal(400);
      expect(res.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(res.body.errors).to.have.all.keys('email', 'username', 'password');
    });

    const invalid: Array<[string, Record<string, unknown>, string]> = [
      ['a malformed email', { email: 'not-an-email' }, 'email'],
      ['an email over 254 characters', { email: `${'a'.repeat(250)}@example.com` }, 'email'],
      ['a username with spaces', { username: 'has space' }, 'username'],
      ['a username over 150 characters', { username: 'u'.repeat(151) }, 'username'],
      ['an empty username', { username: '' }, 'username'],
      ['a password under 8 characters', { password: 'abc123' }, 'password'],
      ['a password over 128 characters', { password: `a1${'x'.repeat(127)}` }, 'password'],
      ['a password without a digit', { password: 'onlyletters' }, 'password'],
      ['a password without a letter', { password: '1234567890' }, 'password'],
      ['a non-string email', { email: 12345 }, 'email'],
      // Characters that do not show: the address would look like another's.
      ...['\u200b', '\u202e', '\u00ad', '\u2028', '\u009b', '\uffff', '\ue000', '\u0378'].map(
        (c): [string, Record<string, unknown>, string] => [`an email holding U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`, { email: `${uniqueName('unseen')}${c}@example.com` }, 'email'],
      ),
      ['a password of 7 characters in 8 UTF-16 units', { password: '😀a1bcd' + '😀' }, 'password'],
      ['a password of 129 characters, emoji among them', { password: `a1${'😀'.repeat(127)}` }, 'password'],
      ['an unknown field', { is_admin: true }, 'is_admin'],
    ];
    for (const [name, override, field] of invalid) {
      it(`refuses ${name} with 400 and errors.${field}`, async () => {
        const res = await api().post('/api/auth/signup/', signupBody(override));
        expect(res.status).to.equal(400);
        expect(res.body.errors).to.have.property(field);
      });
    }

    it('counts a password in characters: 8 emoji-laden ones pass, as do 128', async () => {
      expect((await api().post('/api/auth/signup/', signupBody({ password: '😀😀😀a1bcd' }))).status).to.equal(201);
      expect((await api().post('/api/auth/signup/', signupBody({ password: `a1${'😀'.repeat(126)}` }))).status).to.equal(201);
    });

    it('accepts usernames with letters, digits and .@+-_', async () => {
      const res = await api().post('/api/auth/signup/', signupBody({ username: `a.b@c+d-e_${uniqueName()}` }));
      expect(res.status).to.equal(201);
    });
  });

  describe('POST /api/auth/login/', () => {
    it('answers 200 with access, refresh and the user', async () => {
      const body = signupBody();
      const { body: created } = await api().post('/api/auth/signup/', body);
      const res = await api().post('/api/auth/login/', { email: body.email, password: body.password });
      expect(res.status).to.equal(200);
      expect(res.body).to.have.all.keys('access', 'refresh', 'user');
      expect(res.body.user).to.deep.equal(created.user);
    });

    it('logs in by the email as it was signed up, where JavaScript and PostgreSQL lower-case letters differently', async () => {
      for (const local of ['İnci', 'KİM', 'ΟΔΟΣ', 'οδος']) {
        const body = signupBody({ email: `${local}.${uniqueName()}@example.com` });
        const created = await api().post('/api/auth/signup/', body);
        expect(created.status, local).to.equal(201);
        const res = await api().post('/api/auth/login/', { email: body.email, password: body.password }, { headers: { 'x-forwarded-for': randomIp() } });
        expect(res.status, local).to.equal(200);
        expect(res.body.user.id, `${local}: its own account`).to.equal(created.body.user.id);
      }
    });

    it('compares the email case-insensitively', async () => {
      const body = signupBody();
      await api().post('/api/auth/signup/', body);
      const res = await api().post('/api/auth/login/', { email: body.email.toUpperCase(), password: body.password });
      expect(res.status).to.equal(200);
    });

    it('gives wrong password, unknown email and inactive user one identical 401', async () => {
      const user = await createUser(api());
      const inactive = await createUser(api());
      await server.db('users').where({ id: inactive.id }).update({ is_active: false });
      const answers = await Promise.all([
        api().post('/api/auth/login/', { email: user.email, password: 'wrong-password-1' }),
        api().post('/api/auth/login/', { email: `${uniqueName()}@example.com`, password: TEST_PASSWORD }),
        api().post('/api/auth/login/', { email: inactive.email, password: TEST_PASSWORD }),
      ]);
      for (const res of answers) {
        expect(res.status).to.equal(401);
        expect(res.body.code).to.equal('invalid_credentials');
        expect(res.body.detail).to.equal(answers[0].body.detail);
        expect(res.headers.get('www-authenticate'), 'every 401 names the scheme').to.equal('Bearer');
      }
    });

    it('checks the password of an inactive account as of any other, so that its answer comes no sooner', async () => {
      const verifications: string[] = [];
      const counting: PasswordHasher = {
        hash: (password) => hasher.hash(password),
        verify: async (hash, password) => (verifications.push('verify'), hasher.verify(hash, password)),
        verifyAgainstDummy: async (password) => (verifications.push('dummy'), hasher.verifyAgainstDummy(password)),
      };
      const hasher = new Argon2PasswordHasher();
      const own = await startTestServer({}, {
        configure: (container) => {
          container.unbind(PASSWORD_HASHER);
          container.bind(PASSWORD_HASHER).toConstantValue(counting);
        },
      });
      try {
        const inactive = await createUser(own.api);
        await own.db('users').where({ id: inactive.id }).update({ is_active: false });
        verifications.length = 0;
        const res = await own.api.post('/api/auth/login/', { email: inactive.email, password: inactive.password });
        expect(res.status).to.equal(401);
        expect(verifications).to.deep.equal(['verify']);
        await own.api.post('/api/auth/login/', { email: `${uniqueName()}@example.com`, password: 'whatever-1' });
        expect(verifications).to.deep.equal(['verify', 'dummy']);
      } finally {
        await own.running.close();
      }
    });

    it('answers 400 naming missing fields', async () => {
      const res = await api().post('/api/auth/login/', {});
      expect(res.status).to.equal(400);
      expect(res.body.errors).to.have.all.keys('email', 'password');
    });

    it('lets at most the limit of concurrent wrong passwords through to the password check', async () => {
      const user = await createUser(api());
      const headers = { 'x-forwarded-for': randomIp() };
      const limit = server.config.loginThrottle.maxFailuresPerAccountAndIp;
      const answers = await Promise.all(
        Array.from({ length: limit * 2 }, () => api().post('/api/auth/login/', { email: user.email, password: 'wrong-password-1' }, { headers })),
      );
      const statuses = answers.map((res) => res.status).sort();
      expect(statuses).to.deep.equal([...Array(limit).fill(401), ...Array(limit).fill(429)]);
    });

    it('does not let a guesser lock the owner out: the owner logs in from another address', async () => {
      const user = await createUser(api());
      const attacker = { 'x-forwarded-for': randomIp() };
      for (let i = 0; i < server.config.loginThrottle.maxFailuresPerAccountAndIp * 3; i += 1) {
        await api().post('/api/auth/login/', { email: user.email, password: 'wrong-password-1' }, { headers: attacker });
      }
      expect((await api().post('/api/auth/login/', { email: user.email, password: user.password }, { headers: attacker })).status).to.equal(429);
      const owner = await api().post('/api/auth/login/', { email: user.email, password: user.password }, { headers: { 'x-forwarded-for': randomIp() } });
      expect(owner.status).to.equal(200);
    });

    it('blocks an account guessed at from many addresses once its ceiling is reached', () =>
      withTestServer({ LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '2', LOGIN_MAX_FAILURES_PER_ACCOUNT: '6' }, async (own) => {
        const user = await createUser(own.api);
        for (let i = 0; i < 6; i += 1) {
          const res = await own.api.post('/api/auth/login/', { email: user.email, password: 'wrong-password-1' }, { headers: { 'x-forwarded-for': randomIp() } });
          expect(res.status).to.equal(401);
        }
        const blocked = await own.api.post('/api/auth/login/', { email: user.email, password: user.password }, { headers: { 'x-forwarded-for': randomIp() } });
        expect(blocked.status).to.equal(429);
        expect(Number(blocked.headers.get('retry-after'))).to.be.greaterThan(0);
      }));

    it('lets the owner log in at an address the account logged in from while the account’s ceiling shuts it elsewhere, and gives the guesser no new ceiling', () =>
      withTestServer({ LOGIN_MAX_FAILURES_PER_ACCOUNT_AND_IP: '2', LOGIN_MAX_FAILURES_PER_ACCOUNT: '6' }, async (own) => {
        const user = await createUser(own.api);
        const home = { 'x-forwarded-for': randomIp() };
        const login = (password: string, headers: Record<string, string>) => own.api.post('/api/auth/login/', { email: user.email, password }, { headers });
        expect((await login(user.password, home)).status).to.equal(200);
        for (let i = 0; i < 6; i += 1) expect((await login('wrong-password-1', { 'x-forwarded-for': randomIp() })).status).to.equal(401);
        expect((await login(user.password, { 'x-forwarded-for': randomIp() })).status, 'a new address').to.equal(429);
        expect((await login(user.password, home)).status, 'the owner’s known address').to.equal(200);
        expect((await login('wrong-password-1', { 'x-forwarded-for': randomIp() })).status, 'the guesser, after the owner’s login').to.equal(429);
        for (let i = 0; i < 2; i += 1) expect((await login('wrong-password-1', home)).status).to.equal(401);
        expect((await login(user.password, home)).status, 'the known address keeps its own limit').to.equal(429);
      }));

    it('throttles repeated failures for one account from one address with 429 and Retry-After, even for the right password', async () => {
      const user = await createUser(api());
      const headers = { 'x-forwarded-for': randomIp() };
      for (let i = 0; i < 5; i += 1) {
        const res = await api().post('/api/auth/login/', { email: user.email, password: 'wrong-password-1' }, { headers });
        expect(res.status).to.equal(401);
      }
      const blocked = await api().post('/api/auth/login/', { email: user.email, password: user.password }, { headers });
      expect(blocked.status).to.equal(429);
      expect(blocked.body.code).to.equal('too_many_requests');
      expect(Number(blocked.headers.get('retry-after'))).to.be.greaterThan(0);
    });

    it('takes the address the proxy appended to X-Forwarded-For, not the entries a client wrote before it', async () => {
      const user = await createUser(api());
      const client = randomIp();
      for (let i = 0; i < server.config.loginThrottle.maxFailuresPerAccountAndIp; i += 1) {
        const headers = { 'x-forwarded-for': `${randomIp()}, ${client}` };
        expect((await api().post('/api/auth/login/', { email: user.email, password: 'wrong-password-1' }, { headers })).status).to.equal(401);
      }
      const blocked = await api().post('/api/auth/login/', { email: user.email, password: user.password }, { headers: { 'x-forwarded-for': `${randomIp()}, ${client}` } });
      expect(blocked.status, 'the same client, whatever it wrote first').to.equal(429);
    });

    it('does not count attempts refused for one account against the address, whose other users still log in', async () => {
      const user = await createUser(api());
      const neighbour = await createUser(api());
      const headers = { 'x-forwarded-for': randomIp() };
      const { maxFailuresPerIp } = server.config.loginThrottle;
      for (let i = 0; i < maxFailuresPerIp + 5; i += 1) {
        await api().post('/api/auth/login/', { email: user.email, password: 'wrong-password-1' }, { headers });
      }
      const other = await api().post('/api/auth/login/', { email: neighbour.email, password: neighbour.password }, { headers });
      expect(other.status, 'only the first few attempts reached a password check').to.equal(200);
    });

    it('throttles repeated failures from one address across accounts', async () => {
      const headers = { 'x-forwarded-for': randomIp() };
      const limit = server.config.loginThrottle.maxFailuresPerIp;
      for (let i = 0; i < limit; i += 1) {
        await api().post('/api/auth/login/', { email: `${uniqueName()}@example.com`, password: 'x' }, { headers });
      }
      const user = await createUser(api());
      const blocked = await api().post('/api/auth/login/', { email: user.email, password: user.password }, { headers });
      expect(blocked.status).to.equal(429);
      const elsewhere = await api().post('/api/auth/login/', { email: user.email, password: user.password }, {
        headers: { 'x-forwarded-for': randomIp() },
      });
      expect(elsewhere.status).to.equal(200);
    });

    it('forgets earlier failures of an account after a successful login', async () => {
      const user = await createUser(api());
      const headers = { 'x-forwarded-for': randomIp() };
      for (let i = 0; i < 4; i += 1) {
        await api().post('/api/auth/login/', { email: user.email, password: 'wrong-password-1' }, { headers });
      }
      expect((await api().post('/api/auth/login/', { email: user.email, password: user.password }, { headers })).status).to.equal(200);
      for (let i = 0; i < 4; i += 1) {
        await api().post('/api/auth/login/', { email: user.email, password: 'wrong-password-1' }, { headers });
      }
      expect((await api().post('/api/auth/login/', { email: user.email, password: user.password }, { headers })).status).to.equal(200);
    });
  });

  describe('access tokens', () => {
    // Logout is the protected auth endpoint; every other protected endpoint shares its guard.
    const callProtected = (token: string | undefined, refresh = 'irrelevant') =>
      api().post('/api/auth/logout/', { refresh }, token === undefined ? {} : { token });

    const signAccess = (claims: Record<string, unknown>, options: jwt.SignOptions = {}, secret = server.config.jwt.secret) =>
      jwt.sign({ typ: 'access', ...claims }, secret, {
        algorithm: 'HS256',
        issuer: server.config.jwt.issuer,
        audience: server.config.jwt.audience,
        subject: '1',
        expiresIn: 60,
        ...options,
      });

    const signWithSubject = (sub: unknown) => {
      const { secret, issuer, audience } = server.config.jwt;
      return jwt.sign({ typ: 'access', sub }, secret, { algorithm: 'HS256', issuer, audience, expiresIn: 60 });
    };

    it('refuses a well-signed token naming no user of the service where it would write, with 401 and nothing written', async () => {
      const id = await createOffering(server.db, 'test');
      const before = await server.db('payments').count<{ n: string }[]>({ n: '*' });
      const res = await api().post(kindPaths('test').register(id), { amount: '45000.00', payment_method: 'card' }, { token: signWithSubject('987654321') });
      expect(res.status, JSON.stringify(res.body)).to.equal(401);
      expect(res.body.code).to.equal('invalid_token');
      expect(await server.db('payments').count<{ n: string }[]>({ n: '*' })).to.deep.equal(before);
    });

    it('refuses the token of a deactivated account at once where a payment or a registration would change, with 401 and nothing written', async () => {
      const user = await createUser(api());
      const [id, other] = [await createOffering(server.db, 'test'), await createOffering(server.db, 'test')];
      const pay = { amount: '45000.00', payment_method: 'card' };
      const paid = await api().post(kindPaths('test').register(id), pay, { token: user.access });
      expect(paid.status).to.equal(201);
      await server.db('users').where({ id: user.id }).update({ is_active: false });
      const payments = () => server.db('payments').where({ user_id: user.id }).orderBy('id').select('id', 'status');
      const before = await payments();
      const refused = [
        await api().post(kindPaths('test').register(other), pay, { token: user.access }),
        await api().post(`/api/payments/${paid.body.payment_id}/cancel/`, {}, { token: user.access }),
        await api().post(kindPaths('test').complete(id), undefined, { token: user.access }),
      ];
      expect(refused.map((res) => [res.status, res.body.code])).to.deep.equal(Array(3).fill([401, 'invalid_token']));
      expect(await payments()).to.deep.equal(before);
      expect((await api().get('/api/tests/?page_size=1', { token: user.access })).status, 'reads trust the token until it expires').to.equal(200);
    });

    it('refuses a token once it has expired, though it was accepted before', async () => {
      const { secret, issuer, audience } = server.config.jwt;
      const exp = Math.floor(Date.now() / 1000) + 2;
      const token = jwt.sign({ typ: 'access', sub: '1', exp }, secret, { algorithm: 'HS256', issuer, audience });
      const read = () => api().get('/api/tests/?page_size=1', { token });
      expect((await read()).status).to.equal(200);
      expect((await read()).status, 'accepted again').to.equal(200);
      await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50));
      const res = await read();
      expect(res.status).to.equal(401);
      expect(res.body.code).to.equal('invalid_token');
    });

    it('refuses a token that differs from an accepted one in its signature alone', async () => {
      const user = await createUser(api());
      expect((await api().get('/api/tests/?page_size=1', { token: user.access })).status).to.equal(200);
      const [header, payload, signature] = user.access.split('.');
      const flipped = `${signature.slice(0, -2)}${signature.at(-2) === 'A' ? 'B' : 'A'}${signature.at(-1)}`;
      const res = await api().get('/api/tests/?page_size=1', { token: `${header}.${payload}.${flipped}` });
      expect(res.status).to.equal(401);
    });

    it('accepts a valid access token', async () => {
      const user = await createUser(api());
      const res = await callProtected(user.access, user.refresh);
      expect(res.status).to.equal(204);
    });

    const rejected: Array<[string, () => Promise<string | undefined> | string | undefined]> = [
      ['a missing token', () => undefined],
      ['a malformed token', () => 'not-a-jwt'],
      ['a tampered token', async () => {
        const user = await createUser(api());
        const [header, payload, signature] = user.access.split('.');
        const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
        const forged = Buffer.from(JSON.stringify({ ...claims, sub: '999999' })).toString('base64url');
        return `${header}.${forged}.${signature}`;
      }],
      ['an expired token', () => {
        const { secret, issuer, audience } = server.config.jwt;
        const exp = Math.floor(Date.now() / 1000) - 10;
        return jwt.sign({ typ: 'access', sub: '1', exp }, secret, { algorithm: 'HS256', issuer, audience });
      }],
      ['a token signed with another secret', () => signAccess({}, {}, 'another-secret-another-secret-123456')],
      ['a token with another issuer', () => signAccess({}, { issuer: 'someone-else' })],
      ['a token with another audience', () => signAccess({}, { audience: 'someone-else' })],
      ['a token using another algorithm', () => signAccess({}, { algorithm: 'HS512' })],
      ['an unsigned token (alg none)', () => jwt.sign({ typ: 'access', sub: '1' }, '', { algorithm: 'none' })],
      ['a refresh token used as an access token', async () => (await createUser(api())).refresh],
      ['a token without the access type', () => signAccess({ typ: undefined })],
      ['a token without an expiry', () => {
        const { secret, issuer, audience } = server.config.jwt;
        return jwt.sign({ typ: 'access' }, secret, { algorithm: 'HS256', issuer, audience, subject: '1' });
      }],
      // A subject is a user id as the service writes it: its decimal digits, nothing else.
      ...['', '0', '-1', ' 1 ', '01', '1.0', '1e3', 1, true, null, [], '9007199254740993'].map(
        (sub): [string, () => string] => [`a token whose subject is ${JSON.stringify(sub)}`, () => signWithSubject(sub)],
      ),
    ];
    for (const [name, makeToken] of rejected) {
      it(`rejects ${name} with 401`, async () => {
        const res = await callProtected(await makeToken());
        expect(res.status).to.equal(401);
        expect(res.body.code).to.equal('invalid_token');
        expect(res.headers.get('www-authenticate')).to.equal('Bearer');
      });
    }

    it('rejects an Authorization header that is not a bearer token', async () => {
      const res = await api().post('/api/auth/logout/', { refresh: 'x' }, { headers: { authorization: 'Basic abc' } });
      expect(res.status).to.equal(401);
    });
  });

  describe('POST /api/auth/token/refresh/', () => {
    it('tells caches to keep neither the login nor the refresh answer', async () => {
      const user = await createUser(api());
      const login = await api().post('/api/auth/login/', { email: user.email, password: user.password });
      expect(login.headers.get('cache-control')).to.equal('no-store');
      const refreshed = await api().post('/api/auth/token/refresh/', { refresh: login.body.refresh });
      expect(refreshed.headers.get('cache-control')).to.equal('no-store');
    });

    it('ends a session a fixed time after its login, however often it was rotated', () =>
      withTestServer({ REFRESH_FAMILY_TTL: '2s', REFRESH_TOKEN_TTL: '1h' }, async (own) => {
        const user = await createUser(own.api);
        const login = await own.api.post('/api/auth/login/', { email: user.email, password: user.password });
        const claims = jwt.decode(login.body.refresh) as { exp: number; iat: number; fat: number };
        expect(claims.exp - claims.iat, 'a token never outlives its session').to.be.at.most(2);
        const refresh = (token: string, at: Date) => own.clock.at(at, () => own.api.post('/api/auth/token/refresh/', { refresh: token }));
        const sessionEnd = (claims.fat + 2) * 1000;
        const lastRotation = await refresh(login.body.refresh, new Date(sessionEnd - 1));
        expect(lastRotation.status).to.equal(200);
        const ended = await refresh(lastRotation.body.refresh, new Date(sessionEnd));
        expect(ended.status).to.equal(401);
        expect(ended.body.code).to.equal('invalid_token');
      }));

    it('rotates: answers a new access and a new refresh token', async () => {
      const user = await createUser(api());
      const res = await api().post('/api/auth/token/refresh/', { refresh: user.refresh });
      expect(res.status).to.equal(200);
      expect(res.body).to.have.all.keys('access', 'refresh');
      expect(res.body.refresh).not.to.equal(user.refresh);
      expect((await callWith(res.body.access, res.body.refresh)).status).to.equal(204);
    });

    it('revokes the whole family when a rotated refresh token is reused', async () => {
      const user = await createUser(api());
      const first = await api().post('/api/auth/token/refresh/', { refresh: user.refresh });
      expect(first.status).to.equal(200);
      const reuse = await api().post('/api/auth/token/refresh/', { refresh: user.refresh });
      expect(reuse.status).to.equal(401);
      expect(reuse.headers.get('www-authenticate')).to.equal('Bearer');
      const descendant = await api().post('/api/auth/token/refresh/', { refresh: first.body.refresh });
      expect(descendant.status).to.equal(401);
    });

    it('ends the session for good when a logout races a rotation of its token', async () => {
      for (let round = 0; round < 40; round += 1) {
        const user = await createUser(api());
        // The logout a little later each round, so that it lands inside the rotation's transaction in some.
        const [rotated, loggedOut] = await Promise.all([
          api().post('/api/auth/token/refresh/', { refresh: user.refresh }),
          delay(round % 5).then(() => api().post('/api/auth/logout/', { refresh: user.refresh }, { token: user.access })),
        ]);
        expect(loggedOut.status, `round ${round}`).to.equal(204);
        // Whichever came first, no token of the session renews it after the logout's answer.
        if (rotated.status === 200) {
          const renewed = await api().post('/api/auth/token/refresh/', { refresh: rotated.body.refresh });
          expect(renewed.status, `round ${round}: a token issued by the racing rotation`).to.equal(401);
        }
        expect((await api().post('/api/auth/token/refresh/', { refresh: user.refresh })).status, `round ${round}`).to.equal(401);
      }
    });

    it('refuses a refresh token past its end without taking it for a reused one: the session is not revoked', async () => {
      const user = await createUser(api());
      const rotated = await api().post('/api/auth/token/refresh/', { refresh: user.refresh });
      expect(rotated.status).to.equal(200);
      // The stored end passes while the token is still within its own (a clock a little ahead).
      const familyOf = (token: string) => (jwt.decode(token) as { fam: string }).fam;
      await server.db('refresh_tokens').where({ family_id: familyOf(rotated.body.refresh) }).whereNull('revoked_at').update({ expires_at: new Date(Date.now() - 1_000) });
      const late = await api().post('/api/auth/token/refresh/', { refresh: rotated.body.refresh });
      expect(late.status).to.equal(401);
      expect(late.body.detail).to.not.match(/already used/);
      expect(await server.db('refresh_tokens').where({ family_id: familyOf(rotated.body.refresh) }).whereNotNull('revoked_at').count({ n: '*' })).to.deep.equal([{ n: 1 }]);
    });

    it('lets only one of two concurrent rotations of one token succeed', async () => {
      const user = await createUser(api());
      const answers = await Promise.all([
        api().post('/api/auth/token/refresh/', { refresh: user.refresh }),
        api().post('/api/auth/token/refresh/', { refresh: user.refresh }),
      ]);
      expect(answers.map((r) => r.status).sort()).to.deep.equal([200, 401]);
    });

    it('rejects an access token presented as a refresh token', async () => {
      const user = await createUser(api());
      const res = await api().post('/api/auth/token/refresh/', { refresh: user.access });
      expect(res.status).to.equal(401);
    });

    it('rejects a tampered, expired or unknown refresh token', async () => {
      const user = await createUser(api());
      const { secret, issuer, audience } = server.config.jwt;
      const expired = jwt.sign({ typ: 'refresh', fam: randomUUID(), exp: Math.floor(Date.now() / 1000) - 5 }, secret, {
        algorithm: 'HS256', issuer, audience: refreshAudience(audience), subject: String(user.id),
      });
      const neverIssued = jwt.sign({ typ: 'refresh', fam: randomUUID() }, secret, {
        algorithm: 'HS256', issuer, audience: refreshAudience(audience), subject: String(user.id), expiresIn: 60,
      });
      for (const refresh of [`${user.refresh}x`, expired, neverIssued]) {
        expect((await api().post('/api/auth/token/refresh/', { refresh })).status).to.equal(401);
      }
    });

    it('answers 400 without a refresh field', async () => {
      const res = await api().post('/api/auth/token/refresh/', {});
      expect(res.status).to.equal(400);
      expect(res.body.errors).to.have.key('refresh');
    });
  });

  describe('POST /api/auth/logout/', () => {
    it('answers 204 and revokes the refresh token', async () => {
      const user = await createUser(api());
      expect((await callWith(user.access, user.refresh)).status).to.equal(204);
      const res = await api().post('/api/auth/token/refresh/', { refresh: user.refresh });
      expect(res.status).to.equal(401);
    });

    it('refuses to revoke another user’s refresh token', async () => {
      const alice = await createUser(api());
      const bob = await createUser(api());
      expect((await callWith(alice.access, bob.refresh)).status).to.equal(401);
      expect((await api().post('/api/auth/token/refresh/', { refresh: bob.refresh })).status).to.equal(200);
    });
  });

  const callWith = (access: string, refresh: string) => api().post('/api/auth/logout/', { refresh }, { token: access });
});
