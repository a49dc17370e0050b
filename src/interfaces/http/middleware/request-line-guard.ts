import type { RequestStep } from './request-steps';
import { RequestRefused } from '../request-refused';

/** Longer request targets are refused before any parsing or routing (414). */
export const MAX_URL_LENGTH = 4_096;

/**
 * Refuses, before anything else reads them, request lines and headers that the service would
 * otherwise trip over: a request target too long to be one of its URLs (414), and a `Host` (or,
 * behind a trusted proxy, `X-Forwarded-Host`) that is not a host, from which no link can be
 * built, or (with `allowedHosts`) that names a host the service does not serve, which its links
 * would repeat (400).
 */
export function guardRequestLine(allowedHosts: readonly string[] = []): RequestStep {
  const served = hostsServed(allowedHosts);
  return (ctx) => {
    if (ctx.originalUrl.length > MAX_URL_LENGTH) throw new RequestRefused(414, `Request targets are limited to ${MAX_URL_LENGTH} characters.`);
    if (!isHostRemembered(ctx.protocol, ctx.host)) throw new RequestRefused(400, 'The Host header is not a valid host.');
    if (!served(ctx.hostname)) throw new RequestRefused(400, 'The Host header names a host this service does not serve (ALLOWED_HOSTS).');
  };
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
