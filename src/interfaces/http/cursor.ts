import { type CursorPosition, type OfferingSort, SORT_DEFINITIONS, type SortKeyType } from '../../application/ports/offering-catalogue';
import { ValidationFailed } from '../../domain/errors';
import { isCalendarTimestamp } from './calendar';

const FORMATS: Readonly<Record<SortKeyType, (value: string) => boolean>> = {
  timestamp: isCalendarTimestamp,
  numeric: (value) => /^\d{1,8}\.\d{2}$/.test(value),
  integer: (value) => /^\d{1,10}$/.test(value) && Number(value) <= 2_147_483_647,
};

interface EncodedCursor {
  s: OfferingSort;
  v: string[];
  i: number;
  d: 'n' | 'p';
}

/** An opaque cursor: the position of an item in a sort, and the reading direction. */
export function encodeCursor(position: CursorPosition): string {
  const encoded: EncodedCursor = { s: position.sort, v: [...position.values], i: position.id, d: position.direction === 'next' ? 'n' : 'p' };
  return Buffer.from(JSON.stringify(encoded)).toString('base64url');
}

/**
 * Reads a cursor given back by a client. Anything that is not a cursor this service issued for
 * this sort is a 400 naming `cursor`, never a database error.
 */
export function decodeCursor(text: string, sort: OfferingSort): CursorPosition {
  const invalid = (message: string) => ValidationFailed.field('cursor', message);
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    throw invalid('Not a valid cursor; use the next or previous link of a list response.');
  }
  const cursor = raw as Partial<EncodedCursor> | null;
  const keys = SORT_DEFINITIONS[sort].keys;
  if (!cursor || typeof cursor !== 'object' || !Array.isArray(cursor.v) || (cursor.d !== 'n' && cursor.d !== 'p')) {
    throw invalid('Not a valid cursor; use the next or previous link of a list response.');
  }
  if (cursor.s !== sort) throw invalid('This cursor belongs to another sort order.');
  if (!Number.isSafeInteger(cursor.i) || (cursor.i as number) < 1 || cursor.v.length !== keys.length) {
    throw invalid('Not a valid cursor; use the next or previous link of a list response.');
  }
  keys.forEach((key, i) => {
    const value = cursor.v?.[i];
    if (typeof value !== 'string' || !FORMATS[key.type](value)) throw invalid('Not a valid cursor; use the next or previous link of a list response.');
  });
  return { sort, values: cursor.v as string[], id: cursor.i as number, direction: cursor.d === 'n' ? 'next' : 'previous' };
}
