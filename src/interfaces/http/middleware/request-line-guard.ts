import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { RequestStep } from './request-steps';
import { RequestRefused } from '../request-refused';

/** Longer request targets are refused before any parsing or routing (414). */
export const MAX_URL_LENGTH = 4_096;

/**
 * Refuses, before anything else reads them, request lines and headers that the service would
 * otherwise trip over: a request target too long to be one of its URLs (414); an `Expect` it
 * cannot meet (417); a `Host` (or, behind a trusted proxy, `X-Forwarded-Host`) that is not a
 * host, from which no link can be built, or (with `allowedHosts`) that names a host the service
 * does not serve, which its links would repeat, and more than one `Host` (RFC 9112, 3.2: Node
 * reads the first, a proxy may have routed by another) (400), though an HTTP/1.0 request may leave
 * `Host` out (see `addressCameInOn`); and a query string whose escapes are not
 * UTF-8, which Node's parser would read with U+FFFD in place of the bytes, silently changing what
 * was asked (400).
 */
export function guardRequestLine(allowedHosts: readonly string[] = []): RequestStep {
  const served = hostsServed(allowedHosts);
  return (ctx) => {
    const target = ctx.originalUrl;
    if (target.length > MAX_URL_LENGTH) throw new RequestRefused(414, `Request targets are limited to ${MAX_URL_LENGTH} characters.`);
    if (ctx.req.headers.expect !== undefined && isUnmetExpectation(ctx.req)) throw new RequestRefused(417, 'The only expectation this service meets is Expect: 100-continue.');
    if (ctx.req.headers.host === undefined && ctx.req.httpVersion === '1.0') ctx.req.headers.host = addressCameInOn(ctx.req.socket);
    if (!isHostRemembered(ctx.protocol, ctx.host)) throw new RequestRefused(400, 'The Host header is not a valid host.');
    if (hasSeveralHosts(ctx.req.rawHeaders)) throw new RequestRefused(400, 'A request carries one Host header.');
    if (!served(ctx.hostname)) throw new RequestRefused(400, 'The Host header names a host this service does not serve (ALLOWED_HOSTS).');
    // Most query strings escape nothing: only one with a `%` has anything to check.
    const query = target.indexOf('?');
    if (query !== -1 && target.includes('%', query) && !isPercentEncodedUtf8(target.slice(query + 1))) {
      throw new RequestRefused(400, 'The query string is not valid percent-encoded UTF-8.');
    }
  };
}

/**
 * The host an HTTP/1.0 request without `Host` is taken to name: the address and port its
 * connection came in on, as the server's own name and port stood in for it in the service this
 * one replaces. HTTP/1.1 requires the header (RFC 9112, 3.2), HTTP/1.0 does not, and the health
 * checks of some load balancers send none. `ALLOWED_HOSTS`, where set, must name that address.
 */
function addressCameInOn(socket: Socket): string {
  const address = socket.localAddress ?? '';
  const ipv4 = address.startsWith('::ffff:') && address.includes('.') ? address.slice(7) : address;
  const host = ipv4.includes(':') ? `[${ipv4}]` : ipv4;
  return `${host}:${socket.localPort ?? ''}`;
}

/** Whether the raw headers (name, value, name, value…) name `Host` more than once. */
function hasSeveralHosts(raw: readonly string[]): boolean {
  let hosts = 0;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length === 4 && name.toLowerCase() === 'host' && ++hosts > 1) return true;
  }
  return false;
}

/** Node's own test for the one expectation it meets (100-continue), which it asks of HTTP/1.1 requests only. */
const CONTINUE = /(?:^|\W)100-continue(?:$|\W)/i;

/**
 * A request Node hands to the server's `checkExpectation` listeners (server.ts passes it to the
 * application) instead of answering it with a bare 417 of its own.
 */
const isUnmetExpectation = (req: IncomingMessage): boolean =>
  req.httpVersionMajor === 1 && req.httpVersionMinor === 1 && !CONTINUE.test(req.headers.expect ?? '');

/** A `%` not followed by two hex digits, which query parsers keep as it is (`?discount=50%`). */
const LONE_PERCENT = /%(?![0-9A-Fa-f]{2})/g;

/**
 * Whether the escapes of a query string spell UTF-8. A lone `%` is no escape but a character,
 * as every query parser reads it; the parameter it is part of is judged by its own rules.
 */
function isPercentEncodedUtf8(query: string): boolean {
  try {
    decodeURIComponent(query);
    return true;
  } catch {
    // Either bytes that are not UTF-8 or a lone `%`: escape the lone ones and try again.
  }
  try {
    decodeURIComponent(query.replace(LONE_PERCENT, '%25'));
    return true;
  } catch {
    return false;
  }
}

/** Whether a host name is one of `allowed` (Django's rules: a name, `.name` for it and its subdomains, `*`). */
function hostsServed(allowed: readonly string[]): (hostname: string) => boolean {
  if (allowed.length === 0 || allowed.includes('*')) return () => true;
  return (hostname) => {
    const name = hostname.toLowerCase().replace(/\.$/, '');
    return allowed.some((pattern) => (pattern.startsWith('.') ? name === pattern.slice(1) || name.endsWith(pattern) : name === pattern));
  };
}

/** Clients send a handful of distinct hosts: each is parsed once, not on every request. */
const REMEMBERED_HOSTS = 256;
const rememberedHosts = new Map<string, boolean>();

function isHostRemembered(protocol: string, host: string): boolean {
  const key = `${protocol}://${host}`;
  let valid = rememberedHosts.get(key);
  if (valid === undefined) {
    if (rememberedHosts.size >= REMEMBERED_HOSTS) rememberedHosts.clear();
    valid = isHost(protocol, host);
    rememberedHosts.set(key, valid);
  }
  return valid;
}

function isHost(protocol: string, host: string): boolean {
  if (!host) return false;
  try {
    const url = new URL(`${protocol}://${host}`);
    // A host with a path, credentials or a query smuggled in is not a host. The URL drops a
    // default port (`:80` for http) that a client may well send.
    const given = host.toLowerCase().replace(protocol === 'https' ? /:443$/ : /:80$/, '');
    return url.host.toLowerCase() === given && url.pathname === '/' && !url.username && !url.search && !url.hash;
  } catch {
    return false;
  }
}
