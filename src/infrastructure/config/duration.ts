const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** Parses `900`, `45s`, `15m`, `12h` or `7d` into whole seconds; null when malformed. */
export function parseDurationSeconds(text: string): number | null {
  const match = /^(\d+)([smhd]?)$/.exec(text.trim());
  if (!match) return null;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
  return seconds > 0 && Number.isSafeInteger(seconds) ? seconds : null;
}

/** Parses `0`, `250ms`, or any duration `parseDurationSeconds` reads, into milliseconds; null when malformed. */
export function parseDurationMs(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '0') return 0;
  const millis = /^(\d+)ms$/.exec(trimmed);
  if (millis) return Number(millis[1]) > 0 && Number.isSafeInteger(Number(millis[1])) ? Number(millis[1]) : null;
  const seconds = parseDurationSeconds(trimmed);
  return seconds === null ? null : seconds * 1000;
}
