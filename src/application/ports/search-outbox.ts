import type { OfferingKind } from '../../domain/offering-kind';

/** One change recorded by a command, in the same transaction as the change. */
export interface OutboxEntry {
  readonly id: number;
  readonly kind: OfferingKind;
  readonly itemId: number;
  readonly attempts: number;
}

export interface DrainOutcome {
  /** Entries that could not be applied; they stay, with one more attempt counted. */
  readonly failedEntryIds: readonly number[];
  readonly lastError?: string;
}

export interface OutboxBacklog {
  /** Entries still to be applied. */
  readonly pending: number;
  /** Entries refused `maxAttempts` times: no longer claimed, kept for an operator to look at. */
  readonly deadLetters: number;
}

/** The transactional outbox that feeds the search index. */
export interface SearchOutbox {
  /**
   * Claims up to `limit` of the oldest entries and hands them to `apply`; returns 0 at once while
   * another drain runs (drains are serialised, so an older read never overtakes a newer one).
   * Entries `apply` reports as failed are kept with their attempt counted; all others are deleted,
   * only after `apply` resolved. If `apply` throws, nothing is deleted or counted. Entries that
   * have failed `maxAttempts` times are no longer claimed.
   */
  drain(limit: number, maxAttempts: number, apply: (entries: readonly OutboxEntry[]) => Promise<DrainOutcome>): Promise<number>;
  /** Entries waiting to be applied, and those left aside after `maxAttempts` refusals. */
  backlog(maxAttempts: number): Promise<OutboxBacklog>;
  /**
   * Runs `work` while no drain runs (waiting for one in progress to finish), so that nothing
   * the drains write can interleave with it.
   */
  exclusive<T>(work: () => Promise<T>): Promise<T>;
}

export const SEARCH_OUTBOX = Symbol.for('SearchOutbox');
