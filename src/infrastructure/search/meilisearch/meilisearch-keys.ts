import type { Meilisearch } from 'meilisearch';

/** What each process of the service may do in Meilisearch, no more. */
export interface ScopedKeys {
  /** The API: search the catalogue indexes. */
  readonly search: string;
  /** The worker and `npm run reindex`: write documents and settings, rebuild and swap the catalogue indexes. */
  readonly write: string;
}

/**
 * Fixed uids, so that running the set-up again finds the keys it made instead of adding more.
 * (Meilisearch derives a key's value from its uid and the master key.)
 */
export const KEY_UIDS = {
  search: '6d7f6a4e-2b7c-4c51-9a55-0d3f3c1e8a01',
  write: '9b1c2e7a-5d44-4f0e-8c3b-7a2f1e6d4b02',
} as const;

const SEARCH_ACTIONS = ['search'];
const WRITE_ACTIONS = [
  'documents.add',
  'documents.get',
  'documents.delete',
  'indexes.create',
  'indexes.get',
  'indexes.update',
  'indexes.delete',
  'indexes.swap',
  'settings.get',
  'settings.update',
  'tasks.get',
  'search',
];

/**
 * Makes (or finds) the service's two keys with the master key's client: both limited to the
 * catalogue's indexes (`<prefix>tests…`, `<prefix>courses…`, their rebuilds included), one that
 * may only search, one that may only maintain them. Neither can manage keys.
 */
export async function ensureScopedKeys(master: Meilisearch, indexPrefix: string): Promise<ScopedKeys> {
  const indexes = [`${indexPrefix}tests*`, `${indexPrefix}courses*`];
  const [search, write] = await Promise.all([
    ensureKey(master, { uid: KEY_UIDS.search, name: 'exam-course-api search', description: 'The API: searches the catalogue indexes', actions: SEARCH_ACTIONS, indexes }),
    ensureKey(master, { uid: KEY_UIDS.write, name: 'exam-course-api worker', description: 'The worker and reindex: keep the catalogue indexes', actions: WRITE_ACTIONS, indexes }),
  ]);
  return { search, write };
}

interface KeySpec {
  readonly uid: string;
  readonly name: string;
  readonly description: string;
  readonly actions: string[];
  readonly indexes: string[];
}

async function ensureKey(master: Meilisearch, spec: KeySpec): Promise<string> {
  try {
    return (await master.createKey({ ...spec, expiresAt: null })).key;
  } catch (error) {
    if (errorCode(error) !== 'api_key_already_exists') throw error;
    const existing = await master.getKey(spec.uid);
    // A key's actions and indexes cannot be changed: one made with other rights is replaced.
    if (sameSet(existing.actions, spec.actions) && sameSet(existing.indexes, spec.indexes)) return existing.key;
    await master.deleteKey(spec.uid);
    return (await master.createKey({ ...spec, expiresAt: null })).key;
  }
}

const sameSet = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((value) => b.includes(value));

function errorCode(error: unknown): string | undefined {
  const cause = (error as { cause?: { code?: unknown } } | null)?.cause;
  return typeof cause?.code === 'string' ? cause.code : undefined;
}
