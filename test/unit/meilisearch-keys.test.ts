import { createHmac } from 'node:crypto';
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createMeilisearchClient } from '../../src/infrastructure/search/meilisearch/create-meilisearch-client';
import { KEY_UIDS, ensureScopedKeys } from '../../src/infrastructure/search/meilisearch/meilisearch-keys';

const MASTER_KEY = 'master-key-for-the-fake-0123456789';

interface StoredKey {
  uid: string;
  key: string;
  name: string;
  description: string;
  actions: string[];
  indexes: string[];
  expiresAt: null;
}

/**
 * The `/keys` routes as Meilisearch documents them: only the master key may use them; a key's
 * value is derived from its uid and the master key; creating a uid that exists is a 409
 * `api_key_already_exists`; an unknown uid is a 404 `api_key_not_found`.
 */
function fakeKeysApi(): { server: Server; keys: Map<string, StoredKey>; created: () => number } {
  const keys = new Map<string, StoredKey>();
  let created = 0;
  const server = createServer((req, res) => {
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? undefined : JSON.stringify(body));
    };
    const problem = (status: number, code: string) => send(status, { message: code, code, type: 'invalid_request', link: `https://docs.meilisearch.com/errors#${code}` });
    if (req.headers.authorization !== `Bearer ${MASTER_KEY}`) return problem(403, 'invalid_api_key');
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const uid = /^\/keys\/([^/?]+)/.exec(req.url ?? '')?.[1];
      if (req.method === 'POST' && req.url === '/keys') {
        const body = JSON.parse(raw) as Omit<StoredKey, 'key'>;
        if (keys.has(body.uid)) return problem(409, 'api_key_already_exists');
        const stored = { ...body, key: createHmac('sha256', MASTER_KEY).update(body.uid).digest('hex') };
        keys.set(body.uid, stored);
        created += 1;
        return send(201, { ...stored, createdAt: new Date().toISOString(), updatedAt: new Date().toISOString() });
      }
      if (uid && req.method === 'GET') return keys.has(uid) ? send(200, keys.get(uid)) : problem(404, 'api_key_not_found');
      if (uid && req.method === 'DELETE') return keys.delete(uid) ? send(204) : problem(404, 'api_key_not_found');
      return problem(404, 'not_found');
    });
  });
  return { server, keys, created: () => created };
}

describe('Meilisearch keys of the service (against a fake of the documented /keys API)', () => {
  let fake: ReturnType<typeof fakeKeysApi>;
  let url: string;
  before(async () => {
    fake = fakeKeysApi();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => fake.server.close(() => resolve())));

  it('makes a search-only key and a maintenance key, both limited to the catalogue indexes and neither able to manage keys', async () => {
    const keys = await ensureScopedKeys(createMeilisearchClient(url, MASTER_KEY), 'prod_');
    const search = fake.keys.get(KEY_UIDS.search)!;
    const write = fake.keys.get(KEY_UIDS.write)!;
    expect(keys).to.deep.equal({ search: search.key, write: write.key });
    expect(search.actions).to.deep.equal(['search']);
    for (const key of [search, write]) {
      expect(key.indexes).to.deep.equal(['prod_tests*', 'prod_courses*']);
      expect(key.actions.some((action) => action.startsWith('keys') || action === '*')).to.equal(false);
      expect(key.expiresAt).to.equal(null);
    }
    expect(write.actions).to.include.members(['documents.add', 'documents.delete', 'settings.update', 'indexes.swap', 'tasks.get']);
  });

  it('finds the keys it made when run again, and replaces one whose rights differ', async () => {
    const client = createMeilisearchClient(url, MASTER_KEY);
    const first = await ensureScopedKeys(client, 'prod_');
    const before = fake.created();
    expect(await ensureScopedKeys(client, 'prod_')).to.deep.equal(first);
    expect(fake.created()).to.equal(before);
    const again = await ensureScopedKeys(client, 'staging_');
    expect(fake.keys.get(KEY_UIDS.search)!.indexes).to.deep.equal(['staging_tests*', 'staging_courses*']);
    expect(again.search).to.equal(first.search, 'the value follows from the uid and the master key');
  });

  it('fails without the master key', async () => {
    let failure: unknown;
    await ensureScopedKeys(createMeilisearchClient(url, 'not-the-master-key-0123'), '').catch((error: unknown) => (failure = error));
    expect(failure).to.be.instanceOf(Error);
  });
});
