/**
 * The in-process session registry: the default, for one instance, with nothing to install.
 *
 * Everything lives in this process's memory, so a restart forgets revocations and the device
 * list. That loss is bounded: sign-out also revokes the refresh token at Cognito, so a copied
 * cookie dies when its access token expires (an hour by default on AWS); live sessions reappear
 * in the list on their next request (`seen` re-creates them). With several instances each would
 * hold its own view — set REDIS_URL (redis-registry.server.ts).
 */
import {
  LAST_SEEN_INTERVAL_MS,
  loginDigest,
  MAX_SESSIONS_PER_USER,
  RECORD_IDLE_TTL_MS,
  type RegistryHealth,
  type SessionRecord,
  type SessionRegistry,
  type WriteResult,
} from "./registry.server";
import { type RevocationEvent, RevocationSet } from "./revocations.server";

export interface MemoryRegistryOptions {
  /** How often expired entries are dropped (ms). Default one minute. */
  pruneIntervalMs?: number;
}

interface Entry {
  record: SessionRecord;
  expiresAt: number;
}

const SHARED: WriteResult = { shared: true };

export class MemorySessionRegistry implements SessionRegistry {
  readonly kind = "memory" as const;
  readonly #revocations = new RevocationSet();
  /** userId → sid → entry */
  readonly #users = new Map<string, Map<string, Entry>>();
  /** sid → when `seen` last wrote it (throttle). */
  readonly #lastWrite = new Map<string, number>();
  /** login digest → userId, with its expiry. */
  readonly #logins = new Map<string, { userId: string; expiresAt: number }>();
  readonly #timer: NodeJS.Timeout;

  constructor(options: MemoryRegistryOptions = {}) {
    this.#timer = setInterval(() => this.#prune(), options.pruneIntervalMs ?? 60_000);
    this.#timer.unref();
  }

  isRevoked(sid: string, now = Date.now()): boolean {
    return this.#revocations.has(sid, now);
  }

  isCutOff(userId: string, since: number, now = Date.now()): boolean {
    return this.#revocations.isCutOff(userId, since, now);
  }

  async revoke(sid: string, expiresAt: number): Promise<WriteResult> {
    this.#revocations.add(sid, expiresAt);
    return SHARED;
  }

  async endAllBefore(userId: string, before: number, expiresAt: number): Promise<WriteResult> {
    this.#revocations.addCutoff(userId, before, expiresAt);
    const sessions = this.#users.get(userId);
    for (const sid of sessions?.keys() ?? []) this.#lastWrite.delete(sid);
    this.#users.delete(userId);
    return SHARED;
  }

  onRevoked(listener: (event: RevocationEvent) => void): () => void {
    return this.#revocations.onAdd(listener);
  }

  linkLogin(login: string, userId: string): void {
    this.#logins.set(loginDigest(login), { userId, expiresAt: Date.now() + RECORD_IDLE_TTL_MS });
  }

  async userIdForLogin(login: string): Promise<string | null> {
    const entry = this.#logins.get(loginDigest(login));
    return entry && entry.expiresAt > Date.now() ? entry.userId : null;
  }

  async register(record: SessionRecord): Promise<WriteResult> {
    this.#lastWrite.set(record.sid, record.lastSeenAt);
    this.#put(record, record.lastSeenAt);
    return SHARED;
  }

  seen(sid: string, describe: () => Omit<SessionRecord, "lastSeenAt">, now = Date.now()): void {
    const last = this.#lastWrite.get(sid);
    if (last !== undefined && now - last < LAST_SEEN_INTERVAL_MS) return;
    this.#lastWrite.set(sid, now);
    const record = describe();
    const existing = this.#users.get(record.userId)?.get(sid);
    this.#put(existing ? existing.record : { ...record, sid, lastSeenAt: now }, now);
  }

  async list(userId: string): Promise<SessionRecord[]> {
    const now = Date.now();
    const sessions = this.#users.get(userId);
    if (!sessions) return [];
    return [...sessions.values()]
      .filter((e) => e.expiresAt > now && !this.isRevoked(e.record.sid, now))
      .map((e) => ({ ...e.record, device: { ...e.record.device } }))
      .sort((a, b) => b.lastSeenAt - a.lastSeenAt);
  }

  async end(userId: string, sids: readonly string[], revokeUntil: number): Promise<WriteResult> {
    const sessions = this.#users.get(userId);
    for (const sid of sids) {
      this.#revocations.add(sid, revokeUntil);
      sessions?.delete(sid);
      this.#lastWrite.delete(sid);
    }
    if (sessions?.size === 0) this.#users.delete(userId);
    return SHARED;
  }

  health(): RegistryHealth {
    return {
      kind: "memory",
      connected: true,
      replicaLoaded: true,
      revocations: this.#revocations.size,
      pendingWrites: 0,
    };
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
  }

  #put(record: SessionRecord, lastSeenAt: number): void {
    let sessions = this.#users.get(record.userId);
    if (!sessions) {
      sessions = new Map();
      this.#users.set(record.userId, sessions);
    }
    sessions.set(record.sid, {
      record: { ...record, lastSeenAt: Math.max(record.lastSeenAt, lastSeenAt) },
      expiresAt: lastSeenAt + RECORD_IDLE_TTL_MS,
    });
    if (sessions.size > MAX_SESSIONS_PER_USER) {
      // As in Redis: the least recently seen falls off the list (the session itself still works).
      let oldest: Entry | undefined;
      for (const entry of sessions.values()) {
        if (!oldest || entry.record.lastSeenAt < oldest.record.lastSeenAt) oldest = entry;
      }
      sessions.delete(oldest!.record.sid);
    }
  }

  #prune(now = Date.now()): void {
    this.#revocations.prune(now);
    for (const [sid, at] of this.#lastWrite) if (now - at >= LAST_SEEN_INTERVAL_MS) this.#lastWrite.delete(sid);
    for (const [digest, entry] of this.#logins) if (entry.expiresAt <= now) this.#logins.delete(digest);
    for (const [userId, sessions] of this.#users) {
      for (const [sid, entry] of sessions) if (entry.expiresAt <= now) sessions.delete(sid);
      if (sessions.size === 0) this.#users.delete(userId);
    }
  }
}
