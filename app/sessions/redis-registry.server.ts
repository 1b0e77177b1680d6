/**
 * The session registry on Redis or Valkey (`REDIS_URL`), shared by every app instance.
 *
 * Hot path: `isRevoked` never talks to Redis. Each instance keeps every live revocation in memory
 * (revocations.server.ts), kept current by redis-revocation-sync.server.ts: loaded when it
 * connects, then pub/sub (a revocation made on one instance reaches the others in milliseconds),
 * and reloaded after every reconnect and every few minutes.
 *
 * Faults: while Redis is down the instance serves with the revocations it already knows. Writes
 * (revocations first) are queued and retried until Redis answers (redis-write-queue.server.ts);
 * the client reconnects by itself. What is stored where: redis-store.server.ts.
 * See docs/decisions/009-session-revocation-and-store.md.
 */

import {
  closeClient,
  createRedisClient,
  isRefusedByRedis,
  type RedisClient,
  redactUrl,
  shortMessage,
} from "./redis-connection.server";
import { RevocationSync } from "./redis-revocation-sync.server";
import { RedisStore, sessionRevocation, userCutoff } from "./redis-store.server";
import { WriteQueue } from "./redis-write-queue.server";
import {
  LAST_SEEN_INTERVAL_MS,
  loginDigest,
  type RegistryHealth,
  RegistryUnavailableError,
  type SessionRecord,
  type SessionRegistry,
  type WriteResult,
} from "./registry.server";
import { type RevocationEvent, RevocationSet } from "./revocations.server";

export { redactUrl } from "./redis-connection.server";

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
  readonly #store: RedisStore;
  readonly #queue: WriteQueue;
  readonly #sync: RevocationSync;
  readonly #revocations = new RevocationSet();
  readonly #log: Pick<Console, "info" | "warn">;
  readonly #where: string;

  #lastError: string | undefined;
  #outageLogged = false;
  /** sid → when `seen` last wrote it, for the once-a-minute throttle. */
  readonly #lastSeenWrite = new Map<string, number>();
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(options: RedisRegistryOptions) {
    this.#log = options.log ?? console;
    this.#where = redactUrl(options.url);
    const maxRetryDelayMs = options.maxRetryDelayMs ?? 1_000;
    this.client = createRedisClient({
      url: options.url,
      commandTimeoutMs: options.commandTimeoutMs ?? 2_000,
      maxRetryDelayMs,
    });
    this.#subscriber = this.client.duplicate();
    this.#store = new RedisStore(this.client, options.keyPrefix ?? "remix-cognito:");
    const onFailure = (error: unknown) => this.#failed(error);
    this.#queue = new WriteQueue({
      store: this.#store,
      isReady: () => this.client.isReady,
      isRefused: isRefusedByRedis,
      onFailure,
      maxRetryDelayMs,
      log: this.#log,
    });
    this.#sync = new RevocationSync({
      store: this.#store,
      client: this.client,
      subscriber: this.#subscriber,
      revocations: this.#revocations,
      queue: this.#queue,
      onLoaded: () => this.#recovered(),
      onFailure,
    });

    for (const connection of [this.client, this.#subscriber]) {
      // Without an 'error' listener a connection error would crash the process.
      connection.on("error", (error: Error) => this.#onConnectionError(error));
      connection.on("ready", () => this.#sync.request());
    }

    const reload = setInterval(() => this.#sync.request(), options.reloadIntervalMs ?? 5 * 60_000);
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
    return this.#queue.share([sessionRevocation(sid, expiresAt)], []);
  }

  async end(userId: string, sids: readonly string[], revokeUntil: number): Promise<WriteResult> {
    for (const sid of sids) this.#revocations.add(sid, revokeUntil);
    return this.#queue.share(
      sids.map((sid) => sessionRevocation(sid, revokeUntil)),
      [{ kind: "forget", userId, sids, attempts: 0 }],
    );
  }

  async endAllBefore(userId: string, before: number, expiresAt: number): Promise<WriteResult> {
    this.#revocations.addCutoff(userId, before, expiresAt);
    return this.#queue.share([userCutoff(userId, before, expiresAt)], [{ kind: "forget-user", userId, attempts: 0 }]);
  }

  linkLogin(login: string, userId: string): void {
    this.#queue.add({ kind: "link-login", digest: loginDigest(login), userId, attempts: 0 });
    this.#queue.schedule(0);
  }

  async userIdForLogin(login: string): Promise<string | null> {
    try {
      return await this.#store.userIdForLogin(login);
    } catch (error) {
      this.#failed(error);
      return null;
    }
  }

  async register(record: SessionRecord): Promise<WriteResult> {
    this.#lastSeenWrite.set(record.sid, record.lastSeenAt);
    return this.#queue.write({ kind: "register", record, attempts: 0 });
  }

  seen(sid: string, describe: () => Omit<SessionRecord, "lastSeenAt">, now = Date.now()): void {
    const last = this.#lastSeenWrite.get(sid);
    if (last !== undefined && now - last < LAST_SEEN_INTERVAL_MS) return;
    this.#lastSeenWrite.set(sid, now);
    // In the background: the request that triggered it does not wait for Redis.
    this.#queue.seen({ ...describe(), sid }, now);
  }

  async list(userId: string): Promise<SessionRecord[]> {
    try {
      return await this.#store.list(userId, (sid, now) => this.isRevoked(sid, now));
    } catch (error) {
      this.#failed(error);
      throw new RegistryUnavailableError(error);
    }
  }

  health(): RegistryHealth {
    const connected = this.client.isReady && this.#subscriber.isReady;
    return {
      kind: "redis",
      connected,
      replicaLoaded: this.#sync.loaded,
      revocations: this.#revocations.size,
      pendingWrites: this.#queue.size,
      ...(connected ? {} : { lastError: this.#lastError ?? "connecting" }),
    };
  }

  /** Resolves true once the revocations have been loaded from Redis, false after `timeoutMs`. */
  whenLoaded(timeoutMs: number): Promise<boolean> {
    return this.#sync.whenLoaded(timeoutMs);
  }

  /** Resolves once nothing is waiting to be written (tests; graceful shutdown). */
  async whenFlushed(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.busy || this.#sync.busy) {
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
    this.#sync.close();
    this.#queue.close();
    for (const timer of this.#timers) clearInterval(timer);
    await Promise.allSettled([closeClient(this.client), closeClient(this.#subscriber)]);
  }

  // --- Faults -------------------------------------------------------------------------------

  #onConnectionError(error: Error): void {
    this.#lastError = shortMessage(error);
    // One line per outage, not one per reconnect attempt (and none before start-up decides).
    if (!this.#outageLogged && this.#sync.loaded) {
      this.#outageLogged = true;
      this.#log.warn(
        `[sessions] Redis (${this.#where}) unreachable: ${this.#lastError}. Serving with the revocations ` +
          "already known; writes are queued and retried; reconnecting.",
      );
    }
  }

  /** A load from Redis went through: say so once after an outage. */
  #recovered(): void {
    if (this.#outageLogged) {
      this.#log.info(`[sessions] Redis (${this.#where}) reachable again; revocations reloaded`);
      this.#outageLogged = false;
    }
    this.#lastError = undefined;
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
