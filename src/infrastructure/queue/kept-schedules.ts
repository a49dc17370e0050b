/** How often job schedulers are written again (see `keepScheduled`); writing one again neither runs it nor moves its next run. */
export const SCHEDULE_REFRESH_MS = 30_000;

export interface KeptSchedules {
  stop(): void;
}

/**
 * Keeps BullMQ job schedulers in Redis: writes them now, then again every `everyMs`. They live
 * only in Redis, which may come back empty after an outage (it keeps nothing on disk here):
 * without this, scheduled work would stop for good while the worker still looked healthy.
 * Writing a scheduler again is idempotent; a failed write is reported and tried at the next turn.
 */
export async function keepScheduled(write: () => Promise<unknown>, onError: (error: unknown) => void, everyMs = SCHEDULE_REFRESH_MS): Promise<KeptSchedules> {
  await write();
  const timer = setInterval(() => void write().catch(onError), everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
