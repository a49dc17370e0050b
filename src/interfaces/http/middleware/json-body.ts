import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { brotliDecompressSync, unzipSync } from 'node:zlib';
import { bodyParser } from '@koa/bodyparser';
import type { Middleware } from 'koa';
import { RequestRefused } from '../request-refused';

type BodyParserOptions = NonNullable<Parameters<typeof bodyParser>[0]>;

/** The methods whose body the parser reads: a DELETE's too, so that one with fields is refused rather than ignored. */
export const PARSED_METHODS = ['POST', 'PUT', 'PATCH', 'DELETE'];

/** What a lenient UTF-8 decoder writes for each sequence that is not UTF-8. */
const REPLACEMENT_CHARACTER = '\uFFFD';

/**
 * JSON request bodies, parsed by `bodyParser`. Reading a body fails only for the client's
 * reasons: a body its `Content-Encoding` cannot decode (corrupt or cut gzip, deflate or br data)
 * is refused with a 400, where zlib's error, which carries no status, would be taken for a fault
 * of the server; so is a JSON array, since every request takes an object, and a body that is not
 * UTF-8, which the parser would otherwise store with its bad bytes replaced by U+FFFD. Errors with
 * a status (bad JSON, too large, an unknown encoding) and errors of the handlers after it pass
 * unchanged.
 */
export function jsonBody(options: BodyParserOptions): Middleware {
  const parse = bodyParser({ ...options, parsedMethods: PARSED_METHODS });
  const parseJson: Middleware = async (ctx, next) => {
    const encoding = normaliseContentEncoding(ctx.req);
    const received = keepBytesRead(ctx.req);
    let parsed = false;
    try {
      await parse(ctx, () => {
        parsed = true;
        received.stop();
        // The parser's strict mode lets arrays through as well as objects; no request takes one.
        if (Array.isArray(ctx.request.body)) throw new RequestRefused(400, 'The request body must be a JSON object.');
        if (!wasUtf8(ctx.request.rawBody, received.chunks, encoding)) throw new RequestRefused(400, 'The request body is not valid UTF-8.');
        // The bytes have served; the handlers that follow read the parsed body.
        received.forget();
        return next();
      });
    } catch (error) {
      received.stop();
      if (parsed || hasStatus(error)) throw error;
      throw new RequestRefused(400, 'The request body could not be decoded as its Content-Encoding says.');
    }
  };
  // The parser reads no body of the other methods: they go straight on.
  return (ctx, next) => (PARSED_METHODS.includes(ctx.method) ? parseJson(ctx, next) : next());
}

/**
 * Content codings are case-insensitive and `x-gzip` is gzip (RFC 9110 §8.4.1), but the parser
 * matches the header's value exactly: it is given the canonical name. An empty body
 * (`Content-Length: 0`) has nothing to decode, whatever coding it names.
 */
function normaliseContentEncoding(req: IncomingMessage): string {
  const given = req.headers['content-encoding'];
  if (given === undefined) return 'identity';
  if (req.headers['content-length'] === '0') {
    delete req.headers['content-encoding'];
    return 'identity';
  }
  const coding = given.trim().toLowerCase();
  const canonical = coding === 'x-gzip' ? 'gzip' : coding;
  req.headers['content-encoding'] = canonical;
  return canonical;
}

/**
 * The body's bytes as the parser reads them from the request, beside it, until `stop()`. The
 * parser decodes them leniently; these tell an invalid sequence from a U+FFFD the client wrote.
 * Nothing is read before the parser starts reading: a body it refuses unread (by its
 * `Content-Length`, or its `Content-Encoding`) is left for Node to discard, which Node does only
 * for a request no one has read from.
 */
function keepBytesRead(req: IncomingMessage): { readonly chunks: readonly Buffer[]; stop(): void; forget(): void } {
  const chunks: Buffer[] = [];
  const keep = (chunk: Buffer): void => {
    chunks.push(chunk);
  };
  // A stream emits 'resume' when a reader starts it, before the first 'data'.
  const start = (): void => {
    req.on('data', keep);
  };
  req.once('resume', start);
  return {
    chunks,
    stop() {
      req.off('resume', start);
      req.off('data', keep);
    },
    forget() {
      chunks.length = 0;
    },
  };
}

/**
 * Whether the body the parser decoded to `text` was UTF-8. Text without U+FFFD was (the lenient
 * decoder writes one for every invalid sequence), so only the rare body holding one is checked
 * against its bytes, decompressed again if they came compressed.
 */
function wasUtf8(text: string | undefined, received: readonly Buffer[], encoding: string): boolean {
  if (!text?.includes(REPLACEMENT_CHARACTER)) return true;
  const bytes = Buffer.concat(received);
  if (encoding === 'gzip' || encoding === 'deflate') return isUtf8(unzipSync(bytes));
  if (encoding === 'br') return isUtf8(brotliDecompressSync(bytes));
  return isUtf8(bytes);
}

const hasStatus = (error: unknown): boolean => {
  const { status, statusCode } = (error ?? {}) as { status?: unknown; statusCode?: unknown };
  return typeof status === 'number' || typeof statusCode === 'number';
};
