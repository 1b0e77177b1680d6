/**
 * What the session registry keeps in Redis, and the commands that read and write it. No state
 * and no retries here (redis-write-queue.server.ts retries; redis-revocation-sync.server.ts keeps
 * the in-memory replica current).
 *
 * Keys (prefix `REDIS_KEY_PREFIX`, default "remix-cognito:"):
 *   <p>revoked          sorted set: session id → revocation expiry (epoch ms)
 *   <p>cutoffs          sorted set: "<userId> <before>" → cut-off expiry (epoch ms)
 *   <p>revocations      pub/sub channel: "s <sid> <expiry>" or "u <userId> <before> <expiry>"
 *   <p>session:<sid>    string: the session's record (JSON), expires after 30 idle days
 *   <p>user:<userId>    sorted set: session id → last seen (epoch ms)
 *   <p>login:<digest>   string: the user id last signed in with that name (SHA-256), 30 days
 */

import type { RedisClient } from "./redis-connection.server";
import {
  isUserId,
  loginDigest,
  MAX_SESSIONS_PER_USER,
  RECORD_IDLE_TTL_MS,
  type SessionRecord,
} from "./registry.server";
import { isSessionId } from "./session-id.server";

/** Storable part of a record: everything but lastSeenAt, which is the user set's score. */
export type StoredRecord = Omit<SessionRecord, "lastSeenAt">;

/** A write to the device list or the sign-in names (not a revocation). */
export type Op =
  | { kind: "register"; record: SessionRecord; attempts: number }
  | { kind: "forget"; userId: string; sids: readonly string[]; attempts: number }
  | { kind: "forget-user"; userId: string; attempts: number }
  | { kind: "link-login"; digest: string; userId: string; attempts: number };

/**
 * A revocation as it travels: "s <sid>" or "u <userId> <before>", plus its expiry. The key is
 * also the pub/sub message without the expiry, and (for cut-offs) the sorted-set member.
 */
export type Revocation = { key: string; expiresAt: number };
export const sessionRevocation = (sid: string, expiresAt: number): Revocation => ({ key: `s ${sid}`, expiresAt });
export const userCutoff = (userId: string, before: number, expiresAt: number): Revocation => ({
  key: `u ${userId} ${before}`,
  expiresAt,
});

/** A revocation read back from the channel or the sets, checked; null for anything malformed. */
export type ParsedRevocation =
  | { kind: "session"; sid: string; expiresAt: number }
  | { kind: "user"; userId: string; before: number; expiresAt: number };

/** A pub/sub message ("s <sid> <expiry>" or "u <userId> <before> <expiry>"), or null. */
export function parseRevocationMessage(message: string): ParsedRevocation | null {
  const parts = message.split(" ");
  if (parts[0] === "s" && parts.length === 3) {
    const expiresAt = Number(parts[2]);
    if (isSessionId(parts[1]) && Number.isSafeInteger(expiresAt)) return { kind: "session", sid: parts[1], expiresAt };
  } else if (parts[0] === "u" && parts.length === 4) {
    const before = Number(parts[2]);
    const expiresAt = Number(parts[3]);
    if (isUserId(parts[1]) && Number.isSafeInteger(before) && Number.isSafeInteger(expiresAt)) {
      return { kind: "user", userId: parts[1], before, expiresAt };
    }
  }
  return null;
}

export class RedisStore {
  readonly channel: string;
  readonly #client: RedisClient;
  readonly #keys: {
    revoked: string;
    cutoffs: string;
    session(sid: string): string;
    user(userId: string): string;
    login(digest: string): string;
  };

  constructor(client: RedisClient, prefix: string) {
    this.#client = client;
    this.channel = `${prefix}revocations`;
    this.#keys = {
      revoked: `${prefix}revoked`,
      cutoffs: `${prefix}cutoffs`,
      session: (sid) => `${prefix}session:${sid}`,
      user: (userId) => `${prefix}user:${userId}`,
      login: (digest) => `${prefix}login:${digest}`,
    };
  }

  /** Adds revocations to the shared sets (and, unless told not to, publishes each), in one transaction. */
  async writeRevocations(revocations: Revocation[], publish = true): Promise<void> {
    if (revocations.length === 0) return;
    const sessions = revocations.filter((r) => r.key.startsWith("s "));
    const cutoffs = revocations.filter((r) => r.key.startsWith("u "));
    const multi = this.#client.multi();
    if (sessions.length > 0) {
      multi.zAdd(
        this.#keys.revoked,
        sessions.map((r) => ({ value: r.key.slice(2), score: r.expiresAt })),
        { comparison: "GT" },
      );
    }
    if (cutoffs.length > 0) {
      multi.zAdd(
        this.#keys.cutoffs,
        cutoffs.map((r) => ({ value: r.key.slice(2), score: r.expiresAt })),
        { comparison: "GT" },
      );
    }
    if (publish) for (const r of revocations) multi.publish(this.channel, `${r.key} ${r.expiresAt}`);
    // Expired revocations are trimmed as we go, so the sets never outgrow the live ones.
    multi.zRemRangeByScore(this.#keys.revoked, "-inf", Date.now());
    multi.zRemRangeByScore(this.#keys.cutoffs, "-inf", Date.now());
    await multi.exec();
  }

  /** Every revocation still live after `now`, as stored (members and expiries), well-formed or not. */
  async liveRevocations(now: number): Promise<{ sessions: Score[]; cutoffs: Score[] }> {
    const [sessions, cutoffs] = await Promise.all([
      this.#client.zRangeByScoreWithScores(this.#keys.revoked, `(${now}`, "+inf"),
      this.#client.zRangeByScoreWithScores(this.#keys.cutoffs, `(${now}`, "+inf"),
    ]);
    return { sessions, cutoffs };
  }

  async apply(op: Op): Promise<void> {
    switch (op.kind) {
      case "register": {
        const { lastSeenAt, ...record } = op.record;
        await this.writeRecord(record, lastSeenAt, "create");
        return;
      }
      case "forget": {
        const multi = this.#client.multi();
        for (const sid of op.sids) multi.del(this.#keys.session(sid));
        multi.zRem(this.#keys.user(op.userId), [...op.sids]);
        await multi.exec();
        return;
      }
      case "forget-user":
        // The records themselves expire on their own; without the user's set they are not listed.
        await this.#client.del(this.#keys.user(op.userId));
        return;
      case "link-login":
        await this.#client.set(this.#keys.login(op.digest), op.userId, {
          expiration: { type: "PX", value: RECORD_IDLE_TTL_MS },
        });
        return;
    }
  }

  /**
   * "create" (sign-in) writes the record; "touch" (`seen`) only re-creates a record that is
   * missing, then extends its idle expiry and moves its last-seen time forward (never back).
   */
  async writeRecord(record: StoredRecord, at: number, mode: "create" | "touch"): Promise<void> {
    const sessionKey = this.#keys.session(record.sid);
    const userKey = this.#keys.user(record.userId);
    const expiresAt = at + RECORD_IDLE_TTL_MS;
    const multi = this.#client.multi();
    multi.set(sessionKey, JSON.stringify(record), {
      expiration: { type: "PXAT", value: expiresAt },
      ...(mode === "touch" ? { condition: "NX" as const } : {}),
    });
    if (mode === "touch") multi.pExpireAt(sessionKey, expiresAt, "GT");
    multi.zAdd(userKey, { value: record.sid, score: at }, { comparison: "GT" });
    // A new key has no expiry (NX sets one); an existing one is only ever extended (GT).
    multi.pExpireAt(userKey, expiresAt, "NX");
    multi.pExpireAt(userKey, expiresAt, "GT");
    // Keep the most recently seen sessions only; the oldest fall off the list (not out of use).
    multi.zRemRangeByRank(userKey, 0, -(MAX_SESSIONS_PER_USER + 1));
    await multi.exec();
  }

  /** The user's stored sessions, most recently seen first, except those `isRevoked` refuses. Throws when Redis does. */
  async list(userId: string, isRevoked: (sid: string, now: number) => boolean): Promise<SessionRecord[]> {
    const entries = await this.#client.zRangeWithScores(this.#keys.user(userId), 0, MAX_SESSIONS_PER_USER - 1, {
      REV: true,
    });
    if (entries.length === 0) return [];
    const stored = await this.#client.mGet(entries.map((e) => this.#keys.session(e.value)));
    const now = Date.now();
    const sessions: SessionRecord[] = [];
    const gone: string[] = [];
    entries.forEach((entry, i) => {
      const record = parseRecord(stored[i] ?? null);
      if (!record || record.sid !== entry.value || record.userId !== userId) gone.push(entry.value);
      else if (!isRevoked(record.sid, now)) sessions.push({ ...record, lastSeenAt: entry.score });
    });
    // Records expire on their own; drop their ids from the user's set as we notice them.
    if (gone.length > 0) void this.#client.zRem(this.#keys.user(userId), gone).catch(() => {});
    return sessions;
  }

  /** The user id stored for a sign-in name's digest, if it is one. Throws when Redis does. */
  async userIdForLogin(login: string): Promise<string | null> {
    const userId = await this.#client.get(this.#keys.login(loginDigest(login)));
    return isUserId(userId) ? userId : null;
  }
}

type Score = { value: string; score: number };

function parseRecord(json: string | null): StoredRecord | null {
  if (!json) return null;
  try {
    const r = JSON.parse(json) as StoredRecord;
    const ok =
      isSessionId(r.sid) &&
      typeof r.userId === "string" &&
      typeof r.method === "string" &&
      typeof r.ip === "string" &&
      typeof r.signedInAt === "number" &&
      typeof r.device?.browser === "string" &&
      typeof r.device.os === "string" &&
      typeof r.device.type === "string";
    return ok ? r : null;
  } catch {
    return null;
  }
}
