/**
 * Reads PostgreSQL's text form of a `timestamptz` — `2026-12-05 01:23:42.123456+00`, the offset
 * in hours with optional `:MM` and `:SS` — by its character codes, without the regular
 * expressions of the driver's general parser: a page of the catalogue carries some sixty of them.
 * Anything else (a year before 100 or past 9999, BC, `infinity`) is left to `fallback`, which
 * gives the same instant for every input. Fractions are cut to the millisecond, like the driver's.
 */
export function parseTimestamptz(text: string, fallback: (text: string) => unknown): unknown {
  if (text.length < 22 || text.charCodeAt(4) !== DASH || text.charCodeAt(7) !== DASH || text.charCodeAt(10) !== SPACE || text.charCodeAt(13) !== COLON || text.charCodeAt(16) !== COLON) {
    return fallback(text);
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  let at = 19;
  let millisecond = 0;
  if (text.charCodeAt(at) === DOT) {
    at += 1;
    let scale = 100;
    while (at < text.length && isDigit(text.charCodeAt(at))) {
      millisecond += (text.charCodeAt(at) - ZERO) * scale;
      scale /= 10;
      at += 1;
    }
    millisecond = Math.floor(millisecond);
  }
  const sign = text.charCodeAt(at) === PLUS ? 1 : text.charCodeAt(at) === DASH ? -1 : 0;
  const offsetSeconds = sign === 0 ? -1 : offsetOf(text, at + 1);
  if (year < 100 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0 || offsetSeconds < 0) return fallback(text);
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, millisecond) - sign * offsetSeconds * 1000);
}

const ZERO = 48;
const DASH = 45;
const SPACE = 32;
const COLON = 58;
const DOT = 46;
const PLUS = 43;

const isDigit = (code: number): boolean => code >= ZERO && code <= ZERO + 9;

/** The number written by `length` digits from `start`, or -1 if any is not a digit. */
function digits(text: string, start: number, length: number): number {
  let value = 0;
  for (let i = start; i < start + length; i += 1) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + code - ZERO;
  }
  return value;
}

/** `HH`, `HH:MM` or `HH:MM:SS` from `start` to the end of the text, in seconds; -1 otherwise. */
function offsetOf(text: string, start: number): number {
  const rest = text.length - start;
  if (rest !== 2 && rest !== 5 && rest !== 8) return -1;
  let seconds = 0;
  for (let at = start, unit = 3600; at < text.length; at += 3, unit /= 60) {
    if (at > start && text.charCodeAt(at - 1) !== COLON) return -1;
    const part = digits(text, at, 2);
    if (part < 0) return -1;
    seconds += part * unit;
  }
  return seconds;
}
