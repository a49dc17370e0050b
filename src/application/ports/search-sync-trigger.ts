/** Asks the background worker to drain the search outbox soon (after a command committed). */
export interface SearchSyncTrigger {
  nudge(): Promise<void>;
}

export const SEARCH_SYNC_TRIGGER = Symbol.for('SearchSyncTrigger');
