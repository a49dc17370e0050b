/** How long a lookup made for one instant is shared. */
const SHARE_MS = 1_000;
const MAX_ENTRIES = 1_000;

/**
 * Lookups made for one request's instant, shared: a list and the count that follows it are given
 * the same `now`, so the second is answered from the first's lookup instead of another round
 * trip. Entries last a second, so that a later change is seen at once by requests made after it;
 * a lookup that fails is not kept.
 */
export class SharedPerInstant<T> {
  private readonly recent = new Map<string, { readonly value: Promise<T>; readonly until: number }>();

  /** The value for `key` (which names the instant), read by `read` unless it was just read. */
  get(key: string, read: () => Promise<T>): Promise<T> {
    const time = Date.now();
    const known = this.recent.get(key);
    if (known && known.until > time) return known.value;
    if (this.recent.size >= MAX_ENTRIES) this.recent.clear();
    const value = read();
    value.catch(() => this.recent.delete(key));
    this.recent.set(key, { value, until: time + SHARE_MS });
    return value;
  }
}
