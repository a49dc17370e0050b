import type { ExpectedVersions } from '../../application/commands/administer-offering/offering-change';
import { VersionRequired } from './request-errors';

/** An item's version as a strong entity tag: `"3"`. */
export const entityTag = (version: number): string => `"${version}"`;

/** The characters of an entity tag's opaque text (RFC 9110 §8.8.3). */
const OPAQUE_TEXT = /^[\x21\x23-\x7E\x80-\xFF]*$/;

interface EntityTag {
  readonly weak: boolean;
  readonly opaque: string;
}

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
  return (entityTagList(header) ?? []).flatMap(({ weak, opaque }) => {
    if (weak) return [];
    const version = Number(opaque);
    // Only the text this service gives as an ETag names a version.
    return opaque !== '' && Number.isSafeInteger(version) && entityTag(version) === `"${opaque}"` ? [version] : [];
  });
}

/**
 * A comma-separated list of entity tags, where empty elements and the spaces around commas are
 * allowed (RFC 9110 §5.6.1); null when the header is not one. Read in one pass, character by
 * character: a regular expression of the list's grammar backtracks exponentially on a header of
 * many commas and spaces that does not match.
 */
function entityTagList(header: string): EntityTag[] | null {
  const tags: EntityTag[] = [];
  let at = 0;
  const skipSpaces = () => {
    while (header[at] === ' ' || header[at] === '\t') at += 1;
  };
  for (;;) {
    skipSpaces();
    if (at < header.length && header[at] !== ',') {
      const weak = header.startsWith('W/', at);
      if (weak) at += 2;
      if (header[at] !== '"') return null;
      const end = header.indexOf('"', at + 1);
      if (end === -1) return null;
      const opaque = header.slice(at + 1, end);
      if (!OPAQUE_TEXT.test(opaque)) return null;
      tags.push({ weak, opaque });
      at = end + 1;
      skipSpaces();
    }
    if (at >= header.length) return tags;
    if (header[at] !== ',') return null;
    at += 1;
  }
}
