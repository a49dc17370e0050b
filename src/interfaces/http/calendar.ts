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

function isDay(year: number, month: number, day: number): boolean {
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
