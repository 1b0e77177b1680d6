/**
 * This instance's in-memory revocations, the only thing the per-request check touches (a Map
 * lookup, no I/O). Two kinds:
 *  - a **session** revocation: one session id, refused until its expiry;
 *  - a **user cut-off**: every session of a user that began before a moment (a password reset,
 *    an admin ending all of a user's sessions), refused until the cut-off's expiry.
 *
 * Entries are only ever added or extended, never removed early: a reload from a store that lost
 * its data (a Redis restarted without persistence) cannot un-revoke anything this instance knows.
 * Expired entries are dropped by `prune`. Nothing an unauthenticated client sends can add an entry
 * (only a signed-in user, a password reset with its emailed code, or an admin), so the size is
 * bounded by those events within the longest revocation lifetime; there is deliberately no cap
 * that could evict a live revocation.
 */

/** What `onRevoked` listeners hear: something became revoked here. */
export type RevocationEvent =
  | { kind: "session"; sid: string }
  | {
      kind: "user";
      userId: string;
      /** Sessions of this user that began before this moment (epoch ms) are refused. */
      before: number;
    };

interface Cutoff {
  before: number;
  expiresAt: number;
}

export class RevocationSet {
  readonly #sessions = new Map<string, number>();
  readonly #users = new Map<string, Cutoff>();
  readonly #listeners = new Set<(event: RevocationEvent) => void>();

  get size(): number {
    return this.#sessions.size + this.#users.size;
  }

  /** True when the session `sid` is revoked at `now`. */
  has(sid: string, now = Date.now()): boolean {
    const expiresAt = this.#sessions.get(sid);
    return expiresAt !== undefined && expiresAt > now;
  }

  /** True when a session of `userId` that began at `since` (epoch ms) falls under a cut-off. */
  isCutOff(userId: string, since: number, now = Date.now()): boolean {
    const cutoff = this.#users.get(userId);
    return cutoff !== undefined && cutoff.expiresAt > now && since < cutoff.before;
  }

  /**
   * Adds (or extends) a session revocation. Returns true, and tells the listeners, when `sid` was
   * not already revoked here; an already-expired revocation is ignored.
   */
  add(sid: string, expiresAt: number, now = Date.now()): boolean {
    if (!(expiresAt > now)) return false;
    const current = this.#sessions.get(sid);
    if (current !== undefined && current > now) {
      if (expiresAt > current) this.#sessions.set(sid, expiresAt);
      return false;
    }
    this.#sessions.set(sid, expiresAt);
    this.#emit({ kind: "session", sid });
    return true;
  }

  /**
   * Adds (or moves forward) a user cut-off. Returns true, and tells the listeners, when it
   * refuses more than before. A later cut-off replaces an earlier one (it covers it).
   */
  addCutoff(userId: string, before: number, expiresAt: number, now = Date.now()): boolean {
    if (!(expiresAt > now)) return false;
    const current = this.#users.get(userId);
    if (current && current.expiresAt > now && current.before >= before) {
      if (expiresAt > current.expiresAt) current.expiresAt = expiresAt;
      return false;
    }
    this.#users.set(userId, { before, expiresAt: Math.max(expiresAt, current?.expiresAt ?? 0) });
    this.#emit({ kind: "user", userId, before });
    return true;
  }

  onAdd(listener: (event: RevocationEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Drops expired entries; returns how many. */
  prune(now = Date.now()): number {
    let dropped = 0;
    for (const [sid, expiresAt] of this.#sessions) {
      if (expiresAt <= now) {
        this.#sessions.delete(sid);
        dropped++;
      }
    }
    for (const [userId, cutoff] of this.#users) {
      if (cutoff.expiresAt <= now) {
        this.#users.delete(userId);
        dropped++;
      }
    }
    return dropped;
  }

  /** Every live session revocation (for writing back to a store that lost them). */
  *sessions(now = Date.now()): IterableIterator<[sid: string, expiresAt: number]> {
    for (const entry of this.#sessions) if (entry[1] > now) yield entry;
  }

  /** Every live user cut-off. */
  *cutoffs(now = Date.now()): IterableIterator<[userId: string, before: number, expiresAt: number]> {
    for (const [userId, c] of this.#users) if (c.expiresAt > now) yield [userId, c.before, c.expiresAt];
  }

  #emit(event: RevocationEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not stop the revocation or the other listeners.
        console.error("[sessions] a revocation listener failed:", error);
      }
    }
  }
}
