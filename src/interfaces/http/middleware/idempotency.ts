import { createHash } from 'node:crypto';
import type { Container } from 'inversify';
import type Joi from 'joi';
import type { Middleware } from 'koa';
import { CLOCK, type Clock } from '../../../application/ports/clock';
import { IDEMPOTENCY_STORE, type IdempotencyStore, type StoredResponse } from '../../../application/ports/idempotency-store';
import { DomainError, ValidationFailed } from '../../../domain/errors';
import { IdempotencyKeyReused, IdempotentRequestInProgress } from '../request-errors';
import { PROBLEM_CONTENT_TYPE, problemFromDomainError } from '../problem';
import { LOGGER, type Logger } from '../../../infrastructure/logging/logger';
import { refuseOversizedInput, validate } from '../validation';
import { currentUserId } from './authenticate';

const HEADER = 'Idempotency-Key';

/** Statuses that must not be replayed: the client should be able to retry them for real. */
const NOT_REPLAYED = new Set([401, 409, 429]);

/** Headers of a response that belong to what it answered, and are given again with it. */
const REPLAYED_HEADERS = ['Location', 'ETag'] as const;

/**
 * `Idempotency-Key` support: the first completed response for (user, key) is stored and
 * replayed for a retry of the same request (`Idempotent-Replayed: true`) without performing
 * anything; the same key with another request is a 422, and a retry while the first is still
 * running a 409. Server errors and conflicts are not stored, so retrying them really retries.
 * Given the route's body schema, requests are compared by what their bodies mean: `45000` and
 * `"45000.00"` are one amount.
 */
export function idempotent(container: Container, bodySchema?: Joi.Schema): Middleware {
  const store = container.get<IdempotencyStore>(IDEMPOTENCY_STORE);
  const clock = container.get<Clock>(CLOCK);
  const logger = container.get<Logger>(LOGGER);

  return async (ctx, next) => {
    if (ctx.headers['idempotency-key'] === undefined) return next();
    // Node joins repeated headers with ", ": two keys would make one that neither of them is.
    if ((ctx.req.headersDistinct['idempotency-key']?.length ?? 0) > 1) throw ValidationFailed.field(HEADER, 'Send one Idempotency-Key header.');
    const key = ctx.get(HEADER);
    if (key.length < 1 || key.length > 255) throw ValidationFailed.field(HEADER, 'Must be 1 to 255 characters.');

    // Hashing reads every value of the body: one too large for any route is refused first.
    refuseOversizedInput(ctx.request.body);
    const userId = currentUserId(ctx);
    // The body as sent hashes the same request too: records written before requests were
    // compared by meaning hold that hash.
    const asSent = bodySchema ? [requestHash(ctx.method, ctx.path, ctx.request.body)] : [];
    const claim = await store.claim(userId, key, requestHash(ctx.method, ctx.path, meaningOf(ctx.request.body, bodySchema)), clock.now(), asSent);
    if (claim.outcome === 'mismatch') throw new IdempotencyKeyReused();
    if (claim.outcome === 'in_progress') throw new IdempotentRequestInProgress();
    if (claim.outcome === 'replay') {
      ctx.status = claim.response.status;
      if (claim.response.status >= 400) ctx.type = PROBLEM_CONTENT_TYPE;
      ctx.body = withRequestId(claim.response.body, claim.response.status, ctx.state.requestId);
      for (const [name, value] of Object.entries(claim.response.headers)) if ((REPLAYED_HEADERS as readonly string[]).includes(name)) ctx.set(name, value);
      ctx.set('Idempotent-Replayed', 'true');
      return;
    }

    let response: StoredResponse | null = null;
    try {
      await next();
      response = { status: ctx.status, body: ctx.body ?? null, headers: replayedHeaders(ctx.response.headers) };
    } catch (error) {
      if (error instanceof DomainError) {
        const problem = problemFromDomainError(error);
        response = { status: problem.status, body: problem, headers: {} };
      }
      throw error;
    } finally {
      await settleClaim(userId, key, claim.claimedAt, response);
    }
  };

  /**
   * Stores the answer for replays, or forgets the claim so that a retry runs. An answer that
   * cannot be stored is not replayed: its claim is forgotten, and the answer is still given.
   */
  async function settleClaim(userId: number, key: string, claimedAt: Date, response: StoredResponse | null): Promise<void> {
    if (response && response.status < 500 && !NOT_REPLAYED.has(response.status)) {
      try {
        await store.complete(userId, key, claimedAt, response);
        return;
      } catch (error) {
        logger.warn({ err: error }, 'an idempotent answer could not be stored; its key is released');
      }
    }
    await store.release(userId, key, claimedAt);
  }
}

/** Same method, path (with or without its trailing slash) and JSON body, whatever the key order. */
export function requestHash(method: string, path: string, body: unknown): string {
  const canonical = `${method} ${path.replace(/\/+$/, '')} ${canonicalJson(body ?? {})}`;
  return createHash('sha256').update(canonical).digest('hex');
}

/**
 * A body as the route understands it, where its schema accepts it (money and instants in their
 * one written form); the body as sent otherwise, which the route will refuse.
 */
function meaningOf(body: unknown, schema: Joi.Schema | undefined): unknown {
  if (!schema) return body;
  try {
    return JSON.parse(JSON.stringify(validate(schema, body))) as unknown;
  } catch (error) {
    if (error instanceof ValidationFailed) return body;
    throw error;
  }
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

function replayedHeaders(headers: Readonly<Record<string, unknown>>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = headers[name.toLowerCase()];
    if (typeof value === 'string') kept[name] = value;
  }
  return kept;
}

function withRequestId(body: unknown, status: number, requestId: string): unknown {
  return status >= 400 && body !== null && typeof body === 'object' ? { ...body, request_id: requestId } : body;
}
