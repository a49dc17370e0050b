/**
 * Calendar checks by round trip: JavaScript's date parser rolls 30 February over into March and
 * accepts the year 0, which PostgreSQL refuses, so a value passes only if the date it denotes,
 * written back, is the same text, and its year is one PostgreSQL and the API can both hold.
 */
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{6}Z$/;

/** `YYYY-MM-DD`, a real day of the years 1–9999. */
export function isCalendarDate(value: string): boolean {
  const match = DATE.exec(value);
  return match !== null && isDay(Number(match[1]), Number(match[2]), Number(match[3]));
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds, as cursors carry them), a real instant of the years 1–9999. */
export function isCalendarTimestamp(value: string): boolean {
  const match = TIMESTAMP.exec(value);
  if (!match) return false;
  const [hours, minutes, seconds] = [Number(match[4]), Number(match[5]), Number(match[6])];
  return isDay(Number(match[1]), Number(match[2]), Number(match[3])) && hours < 24 && minutes < 60 && seconds < 60;
}

const INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * An ISO 8601 instant with its offset (`2026-12-01T09:00:00Z`, `2026-12-01T18:00+09:00`): a
 * real day at a real time of day, in the years 1970–9999 as written and in UTC; null otherwise. Without an offset, a
 * time would depend on the server's zone, so it is refused.
 */
export function parseInstant(value: string): Date | null {
  const match = INSTANT.exec(value);
  if (!match) return null;
  const year = Number(match[1]);
  const [hours, minutes, seconds] = [Number(match[4]), Number(match[5]), Number(match[6] ?? 0)];
  const [offsetHours, offsetMinutes] = [Number(match[7] ?? 0), Number(match[8] ?? 0)];
  if (year < 1970 || !isDay(year, Number(match[2]), Number(match[3]))) return null;
  if (hours > 23 || minutes > 59 || seconds > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const instant = new Date(value);
  if (Number.isNaN(instant.getTime())) return null;
  // The offset may carry the instant itself across a year's end, out of the years allowed.
  const utcYear = instant.getUTCFullYear();
  return utcYear >= 1970 && utcYear <= 9999 ? instant : null;
}

function isDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
