import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TaskError {
  readonly type: 'invalid_request' | 'internal' | 'system' | 'auth';
  readonly code: string;
}

export interface FakeMeilisearch {
  readonly url: string;
  /** Every request received, as `METHOD /path`. */
  readonly requests: string[];
  /** Bodies received by path, the last one kept. */
  readonly bodies: Map<string, unknown>;
  /** Indexes that exist. */
  readonly indexes: Set<string>;
  /** How the task of the next write to a path ends (once): failed with this error. */
  failNext(pathPattern: RegExp, error: TaskError): void;
  /** Answers nothing to requests of paths matching this pattern (a stalled engine). */
  stall(pathPattern: RegExp | null): void;
  close(): Promise<void>;
}

/**
 * A stand-in for Meilisearch's HTTP API as documented, enough for the adapter's writes: writes
 * answer 202 with an enqueued task, `GET /tasks/{uid}` tells how it ended; an unknown index is
 * a 404 `index_not_found` to reads, and a failed `index_not_found` task to document deletions
 * and index deletion.
 */
export async function startFakeMeilisearch(): Promise<FakeMeilisearch> {
  const requests: string[] = [];
  const bodies = new Map<string, unknown>();
  const indexes = new Set<string>();
  const tasks = new Map<number, { status: 'succeeded' | 'failed'; error: (TaskError & { message: string }) | null; indexUid: string | null }>();
  const failures: Array<{ pattern: RegExp; error: TaskError }> = [];
  let stalled: RegExp | null = null;
  let nextTask = 1;

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      requests.push(`${req.method} ${path}`);
      if (stalled?.test(path)) return; // never answers
      if (raw) bodies.set(`${req.method} ${path}`, JSON.parse(raw));
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const enqueue = (indexUid: string | null, outcome: { status: 'succeeded' | 'failed'; error: TaskError | null }) => {
        const uid = nextTask++;
        tasks.set(uid, { status: outcome.status, error: outcome.error ? { ...outcome.error, message: outcome.error.code } : null, indexUid });
        json(202, { taskUid: uid, indexUid, status: 'enqueued', type: 'documentAdditionOrUpdate', enqueuedAt: new Date().toISOString() });
      };
      const failure = () => {
        const i = failures.findIndex((f) => f.pattern.test(path));
        return i < 0 ? null : failures.splice(i, 1)[0].error;
      };
      if (path === '/health') return json(200, { status: 'available' });
      const task = /^\/tasks\/(\d+)$/.exec(path);
      if (task && req.method === 'GET') {
        const found = tasks.get(Number(task[1]));
        return found
          ? json(200, { uid: Number(task[1]), indexUid: found.indexUid, status: found.status, type: 'x', error: found.error, enqueuedAt: new Date().toISOString() })
          : json(404, { message: 'task_not_found', code: 'task_not_found', type: 'invalid_request', link: '' });
      }
      if (path === '/indexes' && req.method === 'POST') {
        const { uid } = JSON.parse(raw) as { uid: string };
        // As the engine does: creating an index that exists is a failed task.
        const refused = failure() ?? (indexes.has(uid) ? { type: 'invalid_request' as const, code: 'index_already_exists' } : null);
        if (refused) return enqueue(uid, { status: 'failed', error: refused });
        indexes.add(uid);
        return enqueue(uid, { status: 'succeeded', error: null });
      }
      const index = /^\/indexes\/([^/]+)(\/.*)?$/.exec(path);
      if (index) {
        const [, uid, rest = ''] = index;
        if (req.method === 'POST' && rest === '/search') return json(200, { hits: [], query: '', processingTimeMs: 1, totalHits: 3, hitsPerPage: 0, page: 1, totalPages: 0 });
        if (req.method === 'GET' && rest === '') {
          return indexes.has(uid) ? json(200, { uid, primaryKey: 'id' }) : json(404, { message: 'index_not_found', code: 'index_not_found', type: 'invalid_request', link: '' });
        }
        const missing = !indexes.has(uid) && (req.method === 'DELETE' || rest.startsWith('/documents/delete'));
        if (req.method === 'DELETE' && rest === '') indexes.delete(uid);
        if (rest === '/documents' && req.method === 'POST') indexes.add(uid);
        const error = missing ? ({ type: 'invalid_request', code: 'index_not_found' } as const) : failure();
        return enqueue(uid, { status: error ? 'failed' : 'succeeded', error });
      }
      json(404, { message: 'not_found', code: 'not_found', type: 'invalid_request', link: '' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    bodies,
    indexes,
    failNext: (pattern, error) => void failures.push({ pattern, error }),
    stall: (pattern) => void (stalled = pattern),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
