/** How long the same failure is kept from being logged again. */
const QUIET_MS = 10_000;

/**
 * A log of failures that says each one at most once every ten seconds: a dependency out of reach
 * makes every client of it report the same failure several times a second (each connection, each
 * retry), which would bury everything else. The first line after a quiet spell says how many like
 * it were left out.
 */
export function repeatLimited(write: (fields: Record<string, unknown>, message: string) => void, quietMs = QUIET_MS): (message: string, error: string) => void {
  const last = new Map<string, { at: number; leftOut: number }>();
  return (message, error) => {
    const key = `${message}\u0000${error}`;
    const now = Date.now();
    const seen = last.get(key);
    if (seen && now - seen.at < quietMs) {
      seen.leftOut += 1;
      return;
    }
    if (last.size >= 100) last.clear();
    last.set(key, { at: now, leftOut: 0 });
    write({ err: error, ...(seen?.leftOut ? { repeated: seen.leftOut } : {}) }, message);
  };
}
