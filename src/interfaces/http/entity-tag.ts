import type { ExpectedVersions } from '../../application/commands/administer-offering/offering-change';
import { VersionRequired } from './request-errors';

/** An item's version as a strong entity tag: `"3"`. */
export const entityTag = (version: number): string => `"${version}"`;

/** One entity tag as RFC 9110 §8.8.3 writes it: an optional weakness mark, then quoted opaque text. */
const ENTITY_TAG = String.raw`(?:W/)?"[\x21\x23-\x7E\x80-\xFF]*"`;
/** A comma-separated list of them, where empty elements and the spaces around commas are allowed (§5.6.1). */
const TAG_LIST = new RegExp(String.raw`^(?:${ENTITY_TAG})?(?:[ \t]*,[ \t]*(?:${ENTITY_TAG})?)*$`);
const TAGS = /(W\/)?"([^"]*)"/g;

/**
 * The versions an `If-Match` header accepts (RFC 9110 §13.1.1): `*` alone, or no header when
 * none is required, accepts any. Otherwise the header lists entity tags, each compared with an
 * item's ETag as a strong comparison does, character by character: a weak tag never matches, nor
 * `"05"` the ETag `"5"`. A header that is not such a list (a `*` among tags, unquoted text)
 * matches no version, so the change is refused as stale rather than made against any version.
 */
export function expectedVersions(ifMatch: string | undefined, { required }: { readonly required: boolean }): ExpectedVersions {
  const header = ifMatch?.trim() ?? '';
  if (header === '') {
    if (required) throw new VersionRequired();
    return 'any';
  }
  if (header === '*') return 'any';
  if (!TAG_LIST.test(header)) return [];
  return [...header.matchAll(TAGS)].flatMap(([tag, weak, opaque]) => {
    if (weak) return [];
    const version = Number(opaque);
    // Only the text this service gives as an ETag names a version.
    return opaque !== '' && Number.isSafeInteger(version) && entityTag(version) === tag ? [version] : [];
  });
}
