/**
 * How long a gauge computed at scrape time may wait for its source (a count in PostgreSQL or
 * Redis); past it, the gauge is left out of that scrape rather than holding the scrape up.
 */
export const SCRAPE_TIMEOUT_MS = 1_000;

/** The value of `work`, or null if it fails or takes longer than `SCRAPE_TIMEOUT_MS`. */
export async function withinScrapeTimeout<T>(work: () => Promise<T>): Promise<T | null> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<null>((resolve) => {
    timer = setTimeout(() => resolve(null), SCRAPE_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work().catch(() => null), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
