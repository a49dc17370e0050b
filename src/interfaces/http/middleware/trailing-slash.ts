import type { RequestStep } from './request-steps';

/**
 * Paths are documented with a trailing slash and must behave identically without it: routes
 * are declared without the slash and the slash is dropped before routing (no redirect). The
 * slashes are trimmed by a scan from the end, in time linear in the path whatever it holds.
 */
export function ignoreTrailingSlash(): RequestStep {
  return (ctx) => {
    const path = ctx.path;
    if (path.length > 1 && path.endsWith('/')) {
      let end = path.length;
      while (end > 0 && path.charCodeAt(end - 1) === SLASH) end -= 1;
      ctx.path = path.slice(0, end) || '/';
    }
  };
}

const SLASH = '/'.charCodeAt(0);
