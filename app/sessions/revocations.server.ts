/**
 * This instance's in-memory set of revoked session ids, each with its expiry. It is the only thing
 * the per-request revocation check touches, so that check costs a Map lookup and no I/O.
 *
 * Entries are only ever added or extended, never removed early: a reload from a store that lost its
 * data (a Redis restarted without persistence) cannot un-revoke a session this instance knows about.
 * Expired entries are dropped by `prune`. Nothing an unauthenticated client sends can add an entry
 * (only a signed-in user's sign-out or an admin can), so the size is bounded by sign-outs within
 * the longest revocation lifetime; there is deliberately no cap that could evict a live revocation.
 */
export class RevocationSet {
  readonly #expiries = new Map<string, number>();
  readonly #listeners = new Set<(sid: string) => void>();

  get size(): number {
    return this.#expiries.size;
  }

  has(sid: string, now = Date.now()): boolean {
    const expiresAt = this.#expiries.get(sid);
    return expiresAt !== undefined && expiresAt > now;
  }

  /**
   * Adds (or extends) a revocation. Returns true, and tells the listeners, when `sid` was not
   * already revoked here; an already-expired revocation is ignored.
   */
  add(sid: string, expiresAt: number, now = Date.now()): boolean {
    if (!(expiresAt > now)) return false;
    const current = this.#expiries.get(sid);
    if (current !== undefined && current > now) {
      if (expiresAt > current) this.#expiries.set(sid, expiresAt);
      return false;
    }
    this.#expiries.set(sid, expiresAt);
    for (const listener of this.#listeners) {
      try {
        listener(sid);
      } catch (error) {
        // A listener's bug must not stop the revocation or the other listeners.
        console.error("[sessions] a revocation listener failed:", error);
      }
    }
    return true;
  }

  onAdd(listener: (sid: string) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Drops expired revocations; returns how many. */
  prune(now = Date.now()): number {
    let dropped = 0;
    for (const [sid, expiresAt] of this.#expiries) {
      if (expiresAt <= now) {
        this.#expiries.delete(sid);
        dropped++;
      }
    }
    return dropped;
  }

  /** Every live revocation (for writing back to a store that lost them). */
  *entries(now = Date.now()): IterableIterator<[sid: string, expiresAt: number]> {
    for (const entry of this.#expiries) if (entry[1] > now) yield entry;
  }
}
