/**
 * A bounded in-memory store for the gateway's short-lived state (Hosted UI
 * page flows, hosted sessions, authorization codes, challenge sessions).
 *
 * Several of these are filled by requests anyone can make (opening a sign-in
 * page needs only a public client ID), so each has a capacity. When it is
 * full, expired entries are dropped; if it is still full, the new entry is
 * refused with a StoreFullError. Live entries are never evicted to make room:
 * a flood must not be able to end someone's sign-in half-way, or (for
 * single-use codes) make a store forget what it has already handed out.
 */
import { AwsError } from "./errors.ts";

/** AWS's name for "too many requests"; the Hosted UI and the token endpoint answer 503. */
export class StoreFullError extends AwsError {
  constructor(readonly store: string) {
    super(
      "TooManyRequestsException",
      `The local Cognito is holding too many ${store} (see cognito-local/README.md); try again when some have expired.`,
    );
  }
}

export class ExpiringStore<V extends { expiresAt: number }> {
  private readonly entries = new Map<string, V>();

  /**
   * @param name what the entries are, for the error message ("sign-in pages")
   * @param capacity most entries held at once
   * @param now the clock (tests move it)
   */
  constructor(
    readonly name: string,
    readonly capacity: number,
    private readonly now: () => number = Date.now,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry, also when expired (callers decide what expiry means to them). */
  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  /** Stores the entry (replacing one with the same key), or throws StoreFullError. */
  set(key: string, value: V): void {
    if (!this.entries.has(key)) this.ensureRoom(1);
    this.entries.set(key, value);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /**
   * Throws StoreFullError unless `count` new entries fit (after dropping
   * expired ones). Lets a caller that is about to write to several stores
   * check all of them first, so a refusal leaves nothing half-made.
   */
  ensureRoom(count = 1): void {
    if (this.entries.size + count <= this.capacity) return;
    this.sweep();
    if (this.entries.size + count > this.capacity) throw new StoreFullError(this.name);
  }

  /** Drops entries whose `expiresAt` has passed. */
  sweep(now = this.now()): void {
    for (const [key, value] of this.entries) if (value.expiresAt <= now) this.entries.delete(key);
  }
}
