import { createHash, timingSafeEqual } from 'node:crypto';
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Registry, collectDefaultMetrics } from 'prom-client';
import type { Logger } from '../../infrastructure/logging/logger';

export const METRICS_PATH = '/metrics';

export const HEALTH_PATH = '/healthz';

/** Each check of a process's health, `up` or `down`. */
export type HealthChecks = Readonly<Record<string, 'up' | 'down'>>;

export interface MetricsListenerOptions {
  readonly port: number;
  /** When set, a scrape must send `Authorization: Bearer <token>` (401 otherwise). */
  readonly token: string | null;
  /**
   * For a process that serves no API (the worker): its health at `GET /healthz`, 200 when every
   * check is up and 503 otherwise, for a container health check. It tells nothing secret.
   */
  readonly health?: () => Promise<HealthChecks>;
}

export interface MetricsListener {
  readonly port: number;
  close(): Promise<void>;
}

/**
 * Serves the registry's metrics, with the process's own (CPU, memory, event loop, GC), as the
 * Prometheus text format at `GET /metrics` on a port of its own, apart from the API, so that
 * the public port never exposes them. Nothing else is served there, but for a worker's health.
 */
export async function listenForScrapes(registry: Registry, { port, token, health }: MetricsListenerOptions, logger: Logger): Promise<MetricsListener> {
  collectDefaultMetrics({ register: registry });
  const authorized = bearerCheck(token);
  const server = createServer((request, response) => {
    void answer(request, response).catch((error: unknown) => {
      logger.error({ err: error }, 'metrics could not be collected');
      if (!response.headersSent) send(response, 500, 'metrics could not be collected\n');
      else response.destroy();
    });
  });
  server.requestTimeout = 10_000;

  async function answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = (request.url ?? '').split('?', 1)[0];
    if (path === HEALTH_PATH && health) {
      const checks = await health();
      const up = Object.values(checks).every((state) => state === 'up');
      return send(response, up ? 200 : 503, `${JSON.stringify({ status: up ? 'ready' : 'unavailable', checks })}\n`, { 'Content-Type': 'application/json' });
    }
    if (path !== METRICS_PATH) return send(response, 404, `metrics are at ${METRICS_PATH}\n`);
    if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'GET only\n', { Allow: 'GET, HEAD' });
    if (!authorized(request.headers.authorization)) return send(response, 401, 'a bearer token is required\n', { 'WWW-Authenticate': 'Bearer' });
    const body = await registry.metrics();
    response.writeHead(200, { 'Content-Type': registry.contentType, 'Cache-Control': 'no-store' });
    response.end(request.method === 'HEAD' ? undefined : body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function send(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', ...headers });
  response.end(text);
}

/**
 * Compares digests of the credentials, so the comparison takes the same time whatever the header
 * holds. The scheme's name is case-insensitive, as HTTP has it.
 */
function bearerCheck(token: string | null): (header: string | undefined) => boolean {
  if (!token) return () => true;
  const expected = digest(token);
  return (header) => {
    const match = header === undefined ? null : /^bearer +(.*)$/i.exec(header);
    return match !== null && timingSafeEqual(digest(match[1]), expected);
  };
}

const digest = (text: string): Buffer => createHash('sha256').update(text).digest();
