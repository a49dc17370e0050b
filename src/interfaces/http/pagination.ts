import type { Context } from 'koa';
import { queryInteger } from './schemas/query-integer';

/** `page` and `page_size` as every list endpoint accepts them. */
export const pageParams = {
  page: queryInteger(1, 1_000_000_000).default(1),
  page_size: queryInteger(1, 100).default(20),
};

export interface Envelope<T> {
  readonly count: number;
  readonly next: string | null;
  readonly previous: string | null;
  readonly results: readonly T[];
}

/**
 * The absolute URL of this request with some query parameters replaced (a `null` value removes
 * the parameter); the other parameters are kept as the client sent them.
 */
export function linkWith(ctx: Context, changes: Readonly<Record<string, string | number | null>>): string {
  // The path as documented, with its one trailing slash, however the request wrote it (`/api/tests`,
  // `/api/tests//`: the same list, so the same links), and the checked `Host`: a request target
  // in absolute form (`GET http://other.example/api/tests/`) names a host of its own, unchecked.
  const path = ctx.path.endsWith('/') ? ctx.path : `${ctx.path}/`;
  const url = new URL(`${ctx.protocol}://${ctx.host}${path}${ctx.search}`);
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) url.searchParams.delete(name);
    else url.searchParams.set(name, String(value));
  }
  return url.toString();
}

/** `next` / `previous` links of page-number pagination. */
export function pageLinks(ctx: Context, page: number, hasNext: boolean): Pick<Envelope<never>, 'next' | 'previous'> {
  return {
    next: hasNext ? linkWith(ctx, { page: page + 1 }) : null,
    previous: page > 1 ? linkWith(ctx, { page: page === 2 ? null : page - 1 }) : null,
  };
}
