/**
 * The session registry on Redis or Valkey (`REDIS_URL`), shared by every app instance.
 *
 * Hot path: `isRevoked` never talks to Redis. Each instance keeps every live revocation in memory
 * (revocations.server.ts): loaded when it connects, kept current by pub/sub (a revocation made on
 * one instance reaches the others in milliseconds), and reloaded after every reconnect and every
 * few minutes as a safety net for a message missed in between.
 *
 * Faults: while Redis is down the instance serves with the revocations it already knows. Writes
 * (revocations first) are queued and retried until Redis answers; the client reconnects by
 * itself. After a reconnect the instance writes back the revocations it knows, so a Redis that
 * restarted empty (no persistence) is refilled and new instances learn them again.
 *
 * Keys (prefix `REDIS_KEY_PREFIX`, default "remix-cognito:"):
 *   <p>revoked          sorted set: session id → revocation expiry (epoch ms)
 *   <p>cutoffs          sorted set: "<userId> <before>" → cut-off expiry (epoch ms)
 *   <p>revocations      pub/sub channel: "s <sid> <expiry>" or "u <userId> <before> <expiry>"
 *   <p>session:<sid>    string: the session's record (JSON), expires after 30 idle days
 *   <p>user:<userId>    sorted set: session id → last seen (epoch ms)
 *   <p>login:<digest>   string: the user id last signed in with that name (SHA-256), 30 days
 * See docs/decisions/009-session-revocation-and-store.md.
 */
import { createRequire } from "node:module";
import type * as NodeRedis from "@redis/client";
import {
  isUserId,
  LAST_SEEN_INTERVAL_MS,
  loginDigest,
  MAX_SESSIONS_PER_USER,
  RECORD_IDLE_TTL_MS,
  type RegistryHealth,
  RegistryUnavailableError,
  type SessionRecord,
  type SessionRegistry,
  type WriteResult,
} from "./registry.server";
import { type RevocationEvent, RevocationSet } from "./revocations.server";
import { isSessionId } from "./session-id.server";

type RedisClient = ReturnType<typeof NodeRedis.createClient>;

/**
 * node-redis, loaded when the first Redis registry is made rather than when this module is
 * imported. The server build imports every module it bundles at start-up, and node-redis is about
 * 480 files: a third of the app's start-up time, which an app without `REDIS_URL` never needs.
 */
let nodeRedis: typeof NodeRedis | undefined;
function loadNodeRedis(): typeof NodeRedis {
  nodeRedis ??= createRequire(import.meta.url)("@redis/client") as typeof NodeRedis;
  return nodeRedis;
}

export interface RedisRegistryOptions {
  /** `redis://[user:password@]host:port[/db]` or `rediss://…` (TLS). */
  url: string;
  /** Prefix of every key and channel. Default "remix-cognito:". */
  keyPrefix?: string;
  /** How long `openRedisRegistry` waits for the first load before carrying on degraded. Default 5 s. */
  startupTimeoutMs?: number;
  /** Per-command timeout; a command over it counts as a failure (and is retried). Default 2 s. */
  commandTimeoutMs?: number;
  /** Safety-net full reload of the revocations. Default 5 minutes. */
  reloadIntervalMs?: number;
  /** Longest wait between reconnect attempts, and between write retries. Default 1 s. */
  maxRetryDelayMs?: number;
  /** Where the registry reports outages and recoveries. Default: console. */
  log?: Pick<Console, "info" | "warn">;
}

/** Registry writes (not revocations: those are never dropped) queued while Redis is down. */
const MAX_PENDING_OPS = 10_000;
/** Revocations written back per command after a reconnect. */
const WRITE_BACK_BATCH = 500;
/** A write refused by Redis itself (not a connection problem) is given up after this many tries. */
const MAX_REFUSED_ATTEMPTS = 5;

type Op =
  | { kind: "register"; record: SessionRecord; attempts: number }
  | { kind: "forget"; userId: string; sids: readonly string[]; attempts: number }
  | { kind: "forget-user"; userId: string; attempts: number }
  | { kind: "link-login"; digest: string; userId: string; attempts: number };

/**
 * A revocation as it travels: "s <sid>" or "u <userId> <before>", plus its expiry. The key is
 * also the pub/sub message without the expiry, and (for cut-offs) the sorted-set member.
 */
type Revocation = { key: string; expiresAt: number };
const sessionRevocation = (sid: string, expiresAt: number): Revocation => ({ key: `s ${sid}`, expiresAt });
const userCutoff = (userId: string, before: number, expiresAt: number): Revocation => ({
  key: `u ${userId} ${before}`,
  expiresAt,
});

interface PendingSeen {
  record: Omit<SessionRecord, "lastSeenAt">;
  at: number;
}

/** Storable part of a record: everything but lastSeenAt, which is the user set's score. */
type StoredRecord = Omit<SessionRecord, "lastSeenAt">;

/**
 * Creates the registry, connects, and waits up to `startupTimeoutMs` for the revocations to
 * load. Never throws for an unreachable Redis: it returns a degraded registry that keeps
 * reconnecting (and says so loudly), so a Redis outage cannot turn into a crash loop.
 */
export async function openRedisRegistry(options: RedisRegistryOptions): Promise<RedisSessionRegistry> {
  const registry = new RedisSessionRegistry(options);
  const loaded = await registry.whenLoaded(options.startupTimeoutMs ?? 5_000);
  if (!loaded) registry.warnDegradedStart();
  return registry;
}

export class RedisSessionRegistry implements SessionRegistry {
  readonly kind = "redis" as const;
  /** The command connection (offline queue off: a command while disconnected fails at once). */
  readonly client: RedisClient;
  readonly #subscriber: RedisClient;
  readonly #keys: {
    revoked: string;
    cutoffs: string;
    channel: string;
    session(sid: string): string;
    user(userId: string): string;
    login(digest: string): string;
  };
  readonly #revocations = new RevocationSet();
  readonly #log: Pick<Console, "info" | "warn">;
  readonly #where: string;
  readonly #maxRetryDelayMs: number;

  #replicaLoaded = false;
  #loadedWaiters: (() => void)[] = [];
  #lastError: string | undefined;
  #outageLogged = false;
  #closed = false;

  /** Revocation key → expiry, waiting to be written and published. */
  readonly #pendingRevocations = new Map<string, number>();
  #pendingOps: Op[] = [];
  readonly #pendingSeen = new Map<string, PendingSeen>();
  /** sid → when `seen` last wrote it, for the once-a-minute throttle. */
  readonly #lastSeenWrite = new Map<string, number>();

  #syncing: Promise<void> | undefined;
  #syncAgain = false;
  #flushing = false;
  #flushAgain = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelayMs = 100;
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(options: RedisRegistryOptions) {
    const prefix = options.keyPrefix ?? "remix-cognito:";
    this.#keys = {
      revoked: `${prefix}revoked`,
      cutoffs: `${prefix}cutoffs`,
      channel: `${prefix}revocations`,
      session: (sid) => `${prefix}session:${sid}`,
      user: (userId) => `${prefix}user:${userId}`,
      login: (digest) => `${prefix}login:${digest}`,
    };
    this.#log = options.log ?? console;
    this.#where = redactUrl(options.url);
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 1_000;
    const maxDelay = this.#maxRetryDelayMs;
    this.client = loadNodeRedis().createClient({
      url: options.url,
      disableOfflineQueue: true,
      commandOptions: { timeout: options.commandTimeoutMs ?? 2_000 },
      // Detects a connection that died without closing (a partition) within seconds.
      pingInterval: 5_000,
      socket: {
        connectTimeout: 2_000,
        // Keep trying forever, backing off to at most a second: Redis coming back is picked up fast.
        reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, maxDelay),
      },
    });
    this.#subscriber = this.client.duplicate();

    for (const connection of [this.client, this.#subscriber]) {
      // Without an 'error' listener a connection error would crash the process.
      connection.on("error", (error: Error) => this.#onConnectionError(error));
      connection.on("ready", () => this.#requestSync());
    }

    const reload = setInterval(() => this.#requestSync(), options.reloadIntervalMs ?? 5 * 60_000);
    const prune = setInterval(() => this.#prune(), 60_000);
    reload.unref();
    prune.unref();
    this.#timers.push(reload, prune);

    // connect() resolves on the first successful connection and keeps retrying until then.
    void this.client.connect().catch(() => {});
    void this.#subscriber.connect().catch(() => {});
  }

  isRevoked(sid: string, now = Date.now()): boolean {
    return this.#revocations.has(sid, now);
  }

  isCutOff(userId: string, since: number, now = Date.now()): boolean {
    return this.#revocations.isCutOff(userId, since, now);
  }

  onRevoked(listener: (event: RevocationEvent) => void): () => void {
    return this.#revocations.onAdd(listener);
  }

  async revoke(sid: string, expiresAt: number): Promise<WriteResult> {
    this.#revocations.add(sid, expiresAt);
    return this.#shareRevocations([sessionRevocation(sid, expiresAt)], []);
  }

  async end(userId: string, sids: readonly string[], revokeUntil: number): Promise<WriteResult> {
    for (const sid of sids) this.#revocations.add(sid, revokeUntil);
    return this.#shareRevocations(
      sids.map((sid) => sessionRevocation(sid, revokeUntil)),
      [{ kind: "forget", userId, sids, attempts: 0 }],
    );
  }

  async endAllBefore(userId: string, before: number, expiresAt: number): Promise<WriteResult> {
    this.#revocations.addCutoff(userId, before, expiresAt);
    return this.#shareRevocations(
      [userCutoff(userId, before, expiresAt)],
      [{ kind: "forget-user", userId, attempts: 0 }],
    );
  }

  linkLogin(login: string, userId: string): void {
    this.#queue({ kind: "link-login", digest: loginDigest(login), userId, attempts: 0 });
    this.#scheduleFlush(0);
  }

  async userIdForLogin(login: string): Promise<string | null> {
    try {
      const userId = await this.client.get(this.#keys.login(loginDigest(login)));
      return isUserId(userId) ? userId : null;
    } catch (error) {
      this.#failed(error);
      return null;
    }
  }

  async register(record: SessionRecord): Promise<WriteResult> {
    this.#lastSeenWrite.set(record.sid, record.lastSeenAt);
    const op: Op = { kind: "register", record, attempts: 0 };
    if (this.#hasPending()) {
      this.#queue(op);
      return { shared: false };
    }
    try {
      await this.#apply(op);
      return { shared: true };
    } catch (error) {
      this.#failed(error);
      this.#queue(op);
      return { shared: false };
    }
  }

  seen(sid: string, describe: () => Omit<SessionRecord, "lastSeenAt">, now = Date.now()): void {
    const last = this.#lastSeenWrite.get(sid);
    if (last !== undefined && now - last < LAST_SEEN_INTERVAL_MS) return;
    this.#lastSeenWrite.set(sid, now);
    this.#pendingSeen.set(sid, { record: { ...describe(), sid }, at: now });
    // In the background: the request that triggered it does not wait for Redis.
    this.#scheduleFlush(0);
  }

  async list(userId: string): Promise<SessionRecord[]> {
    let entries: { value: string; score: number }[];
    let stored: (string | null)[];
    try {
      entries = await this.client.zRangeWithScores(this.#keys.user(userId), 0, MAX_SESSIONS_PER_USER - 1, {
        REV: true,
      });
      if (entries.length === 0) return [];
      stored = await this.client.mGet(entries.map((e) => this.#keys.session(e.value)));
    } catch (error) {
      this.#failed(error);
      throw new RegistryUnavailableError(error);
    }
    const now = Date.now();
    const sessions: SessionRecord[] = [];
    const gone: string[] = [];
    entries.forEach((entry, i) => {
      const record = parseRecord(stored[i] ?? null);
      if (!record || record.sid !== entry.value || record.userId !== userId) gone.push(entry.value);
      else if (!this.isRevoked(record.sid, now)) sessions.push({ ...record, lastSeenAt: entry.score });
    });
    // Records expire on their own; drop their ids from the user's set as we notice them.
    if (gone.length > 0) void this.client.zRem(this.#keys.user(userId), gone).catch(() => {});
    return sessions;
  }

  health(): RegistryHealth {
    const pendingWrites = this.#pendingRevocations.size + this.#pendingOps.length + this.#pendingSeen.size;
    const connected = this.client.isReady && this.#subscriber.isReady;
    return {
      kind: "redis",
      connected,
      replicaLoaded: this.#replicaLoaded,
      revocations: this.#revocations.size,
      pendingWrites,
      ...(connected ? {} : { lastError: this.#lastError ?? "connecting" }),
    };
  }

  /** Resolves true once the revocations have been loaded from Redis, false after `timeoutMs`. */
  whenLoaded(timeoutMs: number): Promise<boolean> {
    if (this.#replicaLoaded) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#loadedWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Resolves once nothing is waiting to be written (tests; graceful shutdown). */
  async whenFlushed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#hasPending() || this.#pendingSeen.size > 0 || this.#syncing || this.#flushing) {
      if (Date.now() > deadline) return false;
      await new Promise((r) => setTimeout(r, 20));
    }
    return true;
  }

  /** The loud start-up message when Redis could not be reached in time (see openRedisRegistry). */
  warnDegradedStart(): void {
    this.#outageLogged = true;
    this.#log.warn(
      `[sessions] WARNING: REDIS_URL (${this.#where}) is not reachable (${this.#lastError ?? "no answer"}). ` +
        "Starting anyway, degraded: sign-in and signed-in pages work, but this instance does not know " +
        "revocations recorded by other instances until Redis answers (each revoked session's refresh token " +
        "is revoked at Cognito, so a copied cookie still dies when its access token expires). " +
        "Reconnecting in the background; /healthz shows sessions.replicaLoaded=false until then.",
    );
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const timer of this.#timers) clearInterval(timer);
    clearTimeout(this.#retryTimer);
    await Promise.allSettled([closeClient(this.client), closeClient(this.#subscriber)]);
  }

  // --- Writes -------------------------------------------------------------------------------

  /** Writes revocations (and optional registry ops) now, or queues them for retry. */
  async #shareRevocations(revocations: Revocation[], ops: Op[]): Promise<WriteResult> {
    if (this.#hasPending()) {
      // Keep order: while older writes wait, newer ones wait behind them.
      for (const r of revocations) this.#queueRevocation(r);
      for (const op of ops) this.#queue(op);
      this.#scheduleFlush(0);
      return { shared: false };
    }
    try {
      await this.#writeRevocations(revocations);
      for (const op of ops) await this.#apply(op);
      return { shared: true };
    } catch (error) {
      this.#failed(error);
      for (const r of revocations) this.#queueRevocation(r);
      for (const op of ops) this.#queue(op);
      return { shared: false };
    }
  }

  async #writeRevocations(revocations: Revocation[], publish = true): Promise<void> {
    if (revocations.length === 0) return;
    const sessions = revocations.filter((r) => r.key.startsWith("s "));
    const cutoffs = revocations.filter((r) => r.key.startsWith("u "));
    const multi = this.client.multi();
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
    if (publish) for (const r of revocations) multi.publish(this.#keys.channel, `${r.key} ${r.expiresAt}`);
    // Expired revocations are trimmed as we go, so the sets never outgrow the live ones.
    multi.zRemRangeByScore(this.#keys.revoked, "-inf", Date.now());
    multi.zRemRangeByScore(this.#keys.cutoffs, "-inf", Date.now());
    await multi.exec();
  }

  async #apply(op: Op): Promise<void> {
    switch (op.kind) {
      case "register": {
        const { lastSeenAt, ...record } = op.record;
        await this.#writeRecord(record, lastSeenAt, "create");
        return;
      }
      case "forget": {
        const multi = this.client.multi();
        for (const sid of op.sids) multi.del(this.#keys.session(sid));
        multi.zRem(this.#keys.user(op.userId), [...op.sids]);
        await multi.exec();
        return;
      }
      case "forget-user":
        // The records themselves expire on their own; without the user's set they are not listed.
        await this.client.del(this.#keys.user(op.userId));
        return;
      case "link-login":
        await this.client.set(this.#keys.login(op.digest), op.userId, {
          expiration: { type: "PX", value: RECORD_IDLE_TTL_MS },
        });
        return;
    }
  }

  /**
   * "create" (sign-in) writes the record; "touch" (`seen`) only re-creates a record that is
   * missing, then extends its idle expiry and moves its last-seen time forward (never back).
   */
  async #writeRecord(record: StoredRecord, at: number, mode: "create" | "touch"): Promise<void> {
    const sessionKey = this.#keys.session(record.sid);
    const userKey = this.#keys.user(record.userId);
    const expiresAt = at + RECORD_IDLE_TTL_MS;
    const multi = this.client.multi();
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

  #hasPending(): boolean {
    return this.#pendingRevocations.size > 0 || this.#pendingOps.length > 0;
  }

  #queueRevocation({ key, expiresAt }: Revocation): void {
    const current = this.#pendingRevocations.get(key);
    if (current === undefined || expiresAt > current) this.#pendingRevocations.set(key, expiresAt);
    this.#scheduleFlush();
  }

  #queue(op: Op): void {
    // The device list is cosmetic next to revocations (which have their own, uncapped queue):
    // when Redis is down for long, the oldest list updates go first.
    if (this.#pendingOps.length >= MAX_PENDING_OPS) this.#pendingOps.shift();
    this.#pendingOps.push(op);
    this.#scheduleFlush();
  }

  #scheduleFlush(delayMs = this.#retryDelayMs): void {
    if (this.#closed || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#flush();
    }, delayMs);
    this.#retryTimer.unref();
  }

  /** Writes what is queued, oldest first: revocations, then registry ops, then last-seen times. */
  async #flush(): Promise<void> {
    if (this.#closed) return;
    if (this.#flushing) {
      this.#flushAgain = true;
      return;
    }
    this.#flushing = true;
    try {
      await this.#flushOnce();
    } finally {
      this.#flushing = false;
    }
    if (this.#flushAgain) {
      this.#flushAgain = false;
      void this.#flush();
    }
  }

  async #flushOnce(): Promise<void> {
    if (!this.client.isReady) {
      // The 'ready' event flushes; this timer is only a safety net.
      this.#scheduleFlush(this.#maxRetryDelayMs);
      return;
    }
    try {
      if (this.#pendingRevocations.size > 0) {
        const batch = [...this.#pendingRevocations].slice(0, WRITE_BACK_BATCH);
        await this.#writeRevocations(batch.map(([key, expiresAt]) => ({ key, expiresAt })));
        for (const [key, exp] of batch) {
          if (this.#pendingRevocations.get(key) === exp) this.#pendingRevocations.delete(key);
        }
      }
      while (this.#pendingOps.length > 0) {
        const op = this.#pendingOps[0]!;
        try {
          await this.#apply(op);
        } catch (error) {
          if (!(error instanceof loadNodeRedis().ErrorReply) || ++op.attempts < MAX_REFUSED_ATTEMPTS) throw error;
          this.#log.warn(`[sessions] Redis refused a session-list write ${MAX_REFUSED_ATTEMPTS} times; dropped it`);
        }
        this.#pendingOps.shift();
      }
      for (const [sid, { record, at }] of this.#pendingSeen) {
        this.#pendingSeen.delete(sid);
        try {
          await this.#writeRecord(record, at, "touch");
        } catch (error) {
          if (!this.#pendingSeen.has(sid)) this.#pendingSeen.set(sid, { record, at });
          throw error;
        }
      }
      this.#retryDelayMs = 100;
      if (this.#pendingRevocations.size > 0) this.#scheduleFlush(0);
    } catch (error) {
      this.#failed(error);
      this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, this.#maxRetryDelayMs);
      this.#scheduleFlush();
    }
  }

  // --- Replica ------------------------------------------------------------------------------

  #requestSync(): void {
    if (this.#closed) return;
    if (this.#syncing) {
      this.#syncAgain = true;
      return;
    }
    this.#syncing = this.#sync().finally(() => {
      this.#syncing = undefined;
      if (this.#syncAgain) {
        this.#syncAgain = false;
        this.#requestSync();
      }
    });
  }

  /**
   * Subscribes (first time only: the client resubscribes after reconnects), loads every live
   * revocation, writes back the ones Redis lacks, then flushes queued writes.
   */
  async #sync(): Promise<void> {
    if (!this.client.isReady || !this.#subscriber.isReady) return;
    try {
      await this.#subscribe();
      const now = Date.now();
      const [revoked, cutoffs] = await Promise.all([
        this.client.zRangeByScoreWithScores(this.#keys.revoked, `(${now}`, "+inf"),
        this.client.zRangeByScoreWithScores(this.#keys.cutoffs, `(${now}`, "+inf"),
      ]);
      const known = new Map<string, number>();
      for (const { value, score } of revoked) {
        if (!isSessionId(value)) continue;
        known.set(`s ${value}`, score);
        this.#revocations.add(value, score, now);
      }
      for (const { value, score } of cutoffs) {
        const [userId, before] = value.split(" ");
        if (!isUserId(userId) || !Number.isSafeInteger(Number(before))) continue;
        known.set(`u ${value}`, score);
        this.#revocations.addCutoff(userId, Number(before), score, now);
      }
      // Write back what Redis lacks (it restarted empty, or lost a write): new instances learn it.
      const missing: Revocation[] = [];
      for (const [sid, exp] of this.#revocations.sessions(now)) {
        const key = `s ${sid}`;
        if ((known.get(key) ?? 0) < exp && !this.#pendingRevocations.has(key)) missing.push({ key, expiresAt: exp });
      }
      for (const [userId, before, exp] of this.#revocations.cutoffs(now)) {
        const key = `u ${userId} ${before}`;
        if ((known.get(key) ?? 0) < exp && !this.#pendingRevocations.has(key)) missing.push({ key, expiresAt: exp });
      }
      for (let i = 0; i < missing.length; i += WRITE_BACK_BATCH) {
        await this.#writeRevocations(missing.slice(i, i + WRITE_BACK_BATCH), false);
      }
      this.#markLoaded();
      clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
      this.#retryDelayMs = 100;
      void this.#flush();
    } catch (error) {
      this.#failed(error);
    }
  }

  #subscribed = false;
  async #subscribe(): Promise<void> {
    if (this.#subscribed) return;
    await this.#subscriber.subscribe(this.#keys.channel, (message) => this.#onMessage(message));
    this.#subscribed = true;
  }

  #onMessage(message: string): void {
    const parts = message.split(" ");
    if (parts[0] === "s" && parts.length === 3) {
      const expiresAt = Number(parts[2]);
      if (isSessionId(parts[1]) && Number.isSafeInteger(expiresAt)) this.#revocations.add(parts[1], expiresAt);
    } else if (parts[0] === "u" && parts.length === 4) {
      const before = Number(parts[2]);
      const expiresAt = Number(parts[3]);
      if (isUserId(parts[1]) && Number.isSafeInteger(before) && Number.isSafeInteger(expiresAt)) {
        this.#revocations.addCutoff(parts[1], before, expiresAt);
      }
    }
  }

  #markLoaded(): void {
    if (this.#outageLogged) {
      this.#log.info(`[sessions] Redis (${this.#where}) reachable again; revocations reloaded`);
      this.#outageLogged = false;
    }
    this.#lastError = undefined;
    if (this.#replicaLoaded) return;
    this.#replicaLoaded = true;
    for (const resolve of this.#loadedWaiters.splice(0)) resolve();
  }

  // --- Faults -------------------------------------------------------------------------------

  #onConnectionError(error: Error): void {
    this.#lastError = shortMessage(error);
    // One line per outage, not one per reconnect attempt (and none before start-up decides).
    if (!this.#outageLogged && this.#replicaLoaded) {
      this.#outageLogged = true;
      this.#log.warn(
        `[sessions] Redis (${this.#where}) unreachable: ${this.#lastError}. Serving with the revocations ` +
          "already known; writes are queued and retried; reconnecting.",
      );
    }
  }

  #failed(error: unknown): void {
    this.#lastError = shortMessage(error);
  }

  #prune(): void {
    const now = Date.now();
    this.#revocations.prune(now);
    for (const [sid, at] of this.#lastSeenWrite) if (now - at >= LAST_SEEN_INTERVAL_MS) this.#lastSeenWrite.delete(sid);
  }
}

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

function shortMessage(error: unknown): string {
  const message = error instanceof Error ? error.message || error.name : String(error);
  return message.slice(0, 200);
}

/** The URL without its password, for logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = "***";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(unparsable URL)";
  }
}

async function closeClient(client: RedisClient): Promise<void> {
  if (!client.isOpen) return;
  if (client.isReady) {
    try {
      await client.close();
      return;
    } catch {
      // fall through: the connection is gone anyway
    }
  }
  client.destroy();
}
