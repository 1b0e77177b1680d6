/**
 * A bounded in-process cache of sessions that were fully verified a moment
 * ago, keyed by a keyed digest of the exact sealed cookie bytes.
 *
 * Why: every protected request used to repeat AES-GCM open, inflate, JSON
 * parse and an RS256 verification for the same cookie; that was the gap
 * between /dashboard and the same page without auth (docs/benchmarks.md). A
 * hit here replaces all of it with one HMAC of the cookie value and a map
 * lookup. The security argument is in docs/decisions/010-verified-session-cache.md;
 * in short:
 *  - only a value that passed the full check is ever stored, under the digest
 *    of the bytes that passed it, so a cookie differing in one byte misses and
 *    takes the full path (forged, tampered, truncated, mixed chunks);
 *  - an entry lives until `expiresAt`, which the caller sets to when the full
 *    check would stop accepting those bytes as they are (the access token's
 *    `exp` minus the refresh skew): afterwards the full path runs again;
 *  - an entry is dropped the moment its session is revoked (`revoke`), and a
 *    hit is refused while `isRevoked(sessionId)` says so (that also closes
 *    the race of a revocation landing while the entry was being verified);
 *  - the digest key is derived from every session secret: change the secret
 *    list (rotation, removing a key) and no earlier entry can match;
 *  - memory is bounded: at most `maxEntries` (least recently used go first),
 *    and only cookies that verified get in, so an attacker cannot grow it with
 *    garbage, and evicting an entry only costs a re-verification.
 *
 * Knows nothing of Cognito or Remix: the caller decides what "verified" means.
 */
import { createHmac, hkdfSync } from "node:crypto";

export interface VerifiedSessionCacheOptions {
  /** The session secrets (all of them, in order): the digest key is derived from the whole list. */
  secrets: readonly string[];
  /** Upper bound on entries; the least recently used entry is dropped first. 0 disables the cache. */
  maxEntries: number;
  /**
   * Whether a session id has been revoked (a cheap synchronous look-up in the
   * revocation replica). Checked on every hit.
   */
  isRevoked?: (sessionId: string) => boolean;
  /** Clock in ms (tests). */
  now?: () => number;
}

interface Entry<T> {
  value: T;
  /** ms since the epoch: the entry is dead from this instant on. */
  expiresAt: number;
  sessionId: string | undefined;
}

const HKDF_SALT = "remix-cognito/verified-session-cache";
const HKDF_INFO = "remix-cognito verified-session-cache v1 hmac-sha256";

export class VerifiedSessionCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  /** sessionId → digests of its entries (a session can have a few: e.g. before and after a refresh). */
  private readonly bySession = new Map<string, Set<string>>();
  private readonly key: Buffer;
  private readonly maxEntries: number;
  private readonly isRevoked: (sessionId: string) => boolean;
  private readonly now: () => number;

  constructor(options: VerifiedSessionCacheOptions) {
    if (!Number.isSafeInteger(options.maxEntries) || options.maxEntries < 0) {
      throw new TypeError("verified-session cache: maxEntries must be a non-negative integer");
    }
    if (options.secrets.length === 0 || options.secrets.some((s) => typeof s !== "string" || s === "")) {
      throw new TypeError("verified-session cache: at least one non-empty secret is required");
    }
    // JSON keeps the list's boundaries: ["ab","c"] and ["a","bc"] give different keys.
    this.key = Buffer.from(hkdfSync("sha256", JSON.stringify(options.secrets), HKDF_SALT, HKDF_INFO, 32));
    this.maxEntries = options.maxEntries;
    this.isRevoked = options.isRevoked ?? (() => false);
    this.now = options.now ?? Date.now;
  }

  /** Entries held now (expired ones included until they are looked up or evicted). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The keyed digest of a sealed cookie value: what entries are stored under.
   * Callers compute it once per request and pass it to `get` and `set`.
   */
  digest(sealed: string): string {
    return createHmac("sha256", this.key).update(sealed, "utf8").digest("base64url");
  }

  /** The value stored for exactly these sealed bytes, if it is still live and not revoked. */
  get(digest: string): T | undefined {
    const entry = this.entries.get(digest);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now() || (entry.sessionId !== undefined && this.isRevoked(entry.sessionId))) {
      this.remove(digest, entry);
      return undefined;
    }
    // Most recently used goes to the back of the Map's order.
    this.entries.delete(digest);
    this.entries.set(digest, entry);
    return entry.value;
  }

  /**
   * Stores a value that just passed the full check for the bytes `digest` was
   * computed from. `expiresAt` (ms) is when the full check would stop
   * accepting them unchanged; nothing is stored if that is not in the future.
   */
  set(digest: string, value: T, expiresAt: number, sessionId?: string): void {
    if (this.maxEntries === 0 || !(expiresAt > this.now())) return;
    if (sessionId !== undefined && this.isRevoked(sessionId)) return;
    const existing = this.entries.get(digest);
    if (existing) this.remove(digest, existing);
    this.entries.set(digest, { value, expiresAt, sessionId });
    if (sessionId !== undefined) {
      const digests = this.bySession.get(sessionId) ?? new Set<string>();
      digests.add(digest);
      this.bySession.set(sessionId, digests);
    }
    while (this.entries.size > this.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value as [string, Entry<T>];
      this.remove(oldest, entry);
    }
  }

  /** Drops every entry of a session (call it when the session is revoked, on any instance). */
  revoke(sessionId: string): void {
    const digests = this.bySession.get(sessionId);
    if (!digests) return;
    for (const digest of digests) this.entries.delete(digest);
    this.bySession.delete(sessionId);
  }

  /** Drops everything. */
  clear(): void {
    this.entries.clear();
    this.bySession.clear();
  }

  private remove(digest: string, entry: Entry<T>): void {
    this.entries.delete(digest);
    if (entry.sessionId === undefined) return;
    const digests = this.bySession.get(entry.sessionId);
    digests?.delete(digest);
    if (digests?.size === 0) this.bySession.delete(entry.sessionId);
  }
}
