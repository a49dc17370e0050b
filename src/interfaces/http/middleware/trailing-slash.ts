import type { RequestStep } from './request-steps';

/**
 * Paths are documented with a trailing slash and must behave identically without it: routes
 * are declared without the slash and the slash is dropped before routing (no redirect). The
 * slashes are trimmed by a scan from the end, in time linear in the path whatever it holds; an
 * unreserved character written as an escape is read as itself first (see `decodeUnreserved`).
 */
export function ignoreTrailingSlash(): RequestStep {
  return (ctx) => {
    let path = ctx.path.includes('%') ? decodeUnreserved(ctx.path) : ctx.path;
    if (path.length > 1 && path.endsWith('/')) {
      let end = path.length;
      while (end > 0 && path.charCodeAt(end - 1) === SLASH) end -= 1;
      path = path.slice(0, end) || '/';
    }
    if (path !== ctx.path) ctx.path = path;
  };
}

/**
 * The path with its percent-encoded unreserved characters (letters, digits, `-._~`) decoded: by
 * RFC 3986 (6.2.2.2) `/api/auth/%6Cogin/` is `/api/auth/login/`, and routes are matched as
 * written. Other escapes (`%2F`, `%20`) stay as they are.
 */
function decodeUnreserved(path: string): string {
  return path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(Number.parseInt(hex, 16));
    return /^[A-Za-z0-9\-._~]$/.test(char) ? char : escape;
  });
}

const SLASH = '/'.charCodeAt(0);
