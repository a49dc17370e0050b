import type { ExpectedVersions } from '../../application/commands/administer-offering/offering-change';
import { VersionRequired } from './request-errors';

/** An item's version as a strong entity tag: `"3"`. */
export const entityTag = (version: number): string => `"${version}"`;

const STRONG_TAG = /^"(\d{1,9})"$/;

/**
 * The versions an `If-Match` header accepts: `*` or no header (when not required) accepts any;
 * otherwise the strong tags it lists (weak ones never match a strong comparison, and a header
 * with none matches no version, so the change is refused as stale).
 */
export function expectedVersions(ifMatch: string | undefined, { required }: { readonly required: boolean }): ExpectedVersions {
  if (ifMatch === undefined || ifMatch.trim() === '') {
    if (required) throw new VersionRequired();
    return 'any';
  }
  const tags = ifMatch.split(',').map((tag) => tag.trim());
  if (tags.includes('*')) return 'any';
  return tags.flatMap((tag) => {
    const match = STRONG_TAG.exec(tag);
    return match ? [Number(match[1])] : [];
  });
}
