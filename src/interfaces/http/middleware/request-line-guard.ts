import type { RequestStep } from './request-steps';
import { RequestRefused } from '../request-refused';

/** Longer request targets are refused before any parsing or routing (414). */
export const MAX_URL_LENGTH = 4_096;

/**
 * Refuses, before anything else reads them, request lines and headers that the service would
 * otherwise trip over: a request target too long to be one of its URLs (414), and a `Host` (or,
 * behind a trusted proxy, `X-Forwarded-Host`) that is not a host, from which no link can be
 * built (400).
 */
export function guardRequestLine(): RequestStep {
  return (ctx) => {
    if (ctx.originalUrl.length > MAX_URL_LENGTH) throw new RequestRefused(414, `Request targets are limited to ${MAX_URL_LENGTH} characters.`);
    if (!isHostRemembered(ctx.protocol, ctx.host)) throw new RequestRefused(400, 'The Host header is not a valid host.');
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
    // A host with a path, credentials or a query smuggled in is not a host.
    return url.host.toLowerCase() === host.toLowerCase() && url.pathname === '/' && !url.username && !url.search && !url.hash;
  } catch {
    return false;
  }
}
