/**
 * The sign-ins behind the tokens the gateway hands out, kept durably, so a
 * restarted emulator still refreshes, rotates and refuses what it refused
 * before — including access tokens:
 *
 * - a **family** is one sign-in: its id is the `origin_jti` of every access
 *   and ID token minted for it, and it holds the client, the user, the
 *   sign-in time (`auth_time`), the refresh tokens' expiry and the OAuth
 *   scopes granted (none for an API sign-in);
 * - its **refresh tokens** (one, or one per rotation), known by SHA-256 only;
 * - revoking a family (RevokeToken, /oauth2/revoke, GlobalSignOut) ends its
 *   refresh tokens and every access and ID token that carries its id, as on
 *   AWS: "When you revoke a token, Amazon Cognito invalidates all access and
 *   ID tokens with the same origin_jti value."
 *
 * Every change is one line appended to `<stateDir>/tokens.jsonl` (a sign-in
 * costs one small write, however many are kept), written before the answer
 * goes out. The journal is read back at start-up and rewritten compactly —
 * atomically, a temporary file renamed into place — at start-up and whenever
 * it holds far more lines than live records. What has expired is dropped
 * then. Without a state directory the families live in memory only.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface Family {
  /** The tokens' `origin_jti`. */
  id: string;
  clientId: string;
  poolId: string;
  /** Canonical username. */
  username: string;
  /** The sign-in's time (epoch seconds): every refresh keeps it as `auth_time`. */
  authTime: number;
  /** When its refresh tokens expire (epoch seconds); rotation keeps it. */
  expiresAt: number;
  /** The OAuth scopes granted at the token endpoint; absent for a sign-in through the API. */
  scopes?: string[];
  revoked?: boolean;
}

export interface RefreshTokenEntry {
  family: string;
  /** Epoch ms until which a rotated-out token still works (the client's grace period). */
  graceUntil?: number;
}

type Record_ = { family: Family } | { token: string; entry: RefreshTokenEntry } | { signedOut: string; at: number };

/** Access and ID tokens live a day at most: a revoked family is kept that long past its refresh tokens. */
const LONGEST_TOKEN_SECONDS = 86400;

const hash = (token: string) => createHash("sha256").update(token).digest("base64url");
const userKey = (poolId: string, username: string) => `${poolId}\u0000${username}`;

export class TokenFamilies {
  private readonly families = new Map<string, Family>();
  private readonly tokens = new Map<string, RefreshTokenEntry>();
  /** User → epoch seconds of their last global sign-out. */
  private readonly signedOut = new Map<string, number>();
  private readonly file: string | undefined;
  /** Lines in the journal since it was last rewritten. */
  private journalLines = 0;

  /**
   * @param stateDir the gateway's state directory, or undefined to keep everything in memory
   * @param now the clock (epoch ms)
   */
  constructor(
    stateDir: string | undefined,
    private readonly now: () => number = Date.now,
  ) {
    this.file = stateDir ? path.join(stateDir, "tokens.jsonl") : undefined;
    if (this.file && fs.existsSync(this.file)) {
      this.replay(fs.readFileSync(this.file, "utf8"));
      this.compact();
    }
  }

  /** Records a new sign-in and its first refresh token. */
  start(family: Family, refreshToken: string): void {
    this.put({ family }, { token: hash(refreshToken), entry: { family: family.id } });
  }

  family(id: string): Family | undefined {
    return this.families.get(id);
  }

  /** The refresh token's entry and family, when the gateway issued it; undefined for anything else. */
  lookup(refreshToken: string): { entry: RefreshTokenEntry; family: Family } | undefined {
    const entry = this.tokens.get(hash(refreshToken));
    const family = entry && this.families.get(entry.family);
    return entry && family ? { entry, family } : undefined;
  }

  /** A new refresh token for the family (rotation). */
  addToken(familyId: string, refreshToken: string): void {
    this.put({ token: hash(refreshToken), entry: { family: familyId } });
  }

  /**
   * Rotates a token out: it keeps working for `graceSeconds` from its first
   * rotation (AWS's RetryGracePeriodSeconds), then is refused.
   */
  rotateOut(refreshToken: string, graceSeconds: number): void {
    const key = hash(refreshToken);
    const entry = this.tokens.get(key);
    if (!entry || entry.graceUntil !== undefined) return; // a retry within the grace period: the clock runs from the first
    this.put({ token: key, entry: { ...entry, graceUntil: this.now() + graceSeconds * 1000 } });
  }

  /** The scopes the token endpoint granted the family. */
  grantScopes(familyId: string, scopes: string[]): void {
    const family = this.families.get(familyId);
    if (family) this.put({ family: { ...family, scopes } });
  }

  /** Revokes the family: its refresh tokens, and the access and ID tokens that carry its id. */
  revoke(familyId: string): void {
    const family = this.families.get(familyId);
    if (family && !family.revoked) this.put({ family: { ...family, revoked: true } });
  }

  isRevoked(familyId: string): boolean {
    return this.families.get(familyId)?.revoked === true;
  }

  /** Global sign-out: revokes every family of the user. Returns how many were live. */
  signOut(poolId: string, username: string): number {
    this.put({ signedOut: userKey(poolId, username), at: Math.floor(this.now() / 1000) });
    let count = 0;
    for (const family of [...this.families.values()]) {
      if (family.poolId !== poolId || family.username !== username || family.revoked) continue;
      this.revoke(family.id);
      count++;
    }
    return count;
  }

  /** When the user last signed out everywhere (epoch seconds), if they did lately. */
  signedOutAt(poolId: string, username: string): number | undefined {
    return this.signedOut.get(userKey(poolId, username));
  }

  /** Entries held, for tests and diagnostics. */
  sizes(): { tokenFamilies: number; refreshTokens: number; revokedFamilies: number } {
    let revoked = 0;
    for (const family of this.families.values()) if (family.revoked) revoked++;
    return { tokenFamilies: this.families.size, refreshTokens: this.tokens.size, revokedFamilies: revoked };
  }

  /**
   * Applies a change and appends it to the journal before returning: one
   * write however many records it holds (a sign-in's family and token).
   */
  private put(...records: Record_[]): void {
    for (const record of records) this.apply(record);
    if (!this.file) return;
    const lines = records.map((r) => `${JSON.stringify(r)}\n`).join("");
    try {
      fs.appendFileSync(this.file, lines, { mode: 0o600 });
    } catch (error) {
      // The directory is made when missing, not checked on every write.
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      fs.mkdirSync(path.dirname(this.file), { recursive: true });
      fs.appendFileSync(this.file, lines, { mode: 0o600 });
    }
    this.journalLines += records.length;
    if (this.journalLines > Math.max(1000, 2 * this.liveRecords())) this.compact();
  }

  private apply(record: Record_): void {
    if ("family" in record) this.families.set(record.family.id, record.family);
    else if ("token" in record) this.tokens.set(record.token, record.entry);
    else this.signedOut.set(record.signedOut, record.at);
  }

  private replay(journal: string): void {
    for (const line of journal.split("\n")) {
      if (!line) continue;
      try {
        this.apply(JSON.parse(line) as Record_);
      } catch {
        // A line cut short by a crash mid-write: everything before it stands.
      }
    }
  }

  private liveRecords(): number {
    return this.families.size + this.tokens.size + this.signedOut.size;
  }

  /** Drops what has expired and rewrites the journal with one line per live record, atomically. */
  private compact(): void {
    const nowSeconds = Math.floor(this.now() / 1000);
    for (const [id, family] of this.families) {
      if (family.expiresAt + LONGEST_TOKEN_SECONDS <= nowSeconds) this.families.delete(id);
    }
    for (const [key, entry] of this.tokens) if (!this.families.has(entry.family)) this.tokens.delete(key);
    for (const [user, at] of this.signedOut) if (at + LONGEST_TOKEN_SECONDS <= nowSeconds) this.signedOut.delete(user);
    if (!this.file) return;
    const lines: string[] = [];
    for (const family of this.families.values()) lines.push(JSON.stringify({ family }));
    for (const [token, entry] of this.tokens) lines.push(JSON.stringify({ token, entry }));
    for (const [signedOut, at] of this.signedOut) lines.push(JSON.stringify({ signedOut, at }));
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, lines.length > 0 ? `${lines.join("\n")}\n` : "", { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    this.journalLines = lines.length;
  }
}
