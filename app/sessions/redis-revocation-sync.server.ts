/**
 * Keeps this instance's in-memory revocations (revocations.server.ts) in step with Redis, so the
 * per-request check never talks to Redis: on every (re)connect, and every few minutes as a safety
 * net for a message missed in between, it loads every live revocation and writes back the ones
 * Redis lacks (a Redis restarted empty is refilled, so new instances learn them again); between
 * loads, pub/sub brings each new revocation within milliseconds.
 */

import type { RedisClient } from "./redis-connection.server";
import { parseRevocationMessage, type RedisStore, type Revocation } from "./redis-store.server";
import { WRITE_BACK_BATCH, type WriteQueue } from "./redis-write-queue.server";
import { isUserId } from "./registry.server";
import type { RevocationSet } from "./revocations.server";
import { isSessionId } from "./session-id.server";

export interface RevocationSyncOptions {
  store: RedisStore;
  /** The connection for commands, and the one that subscribes (a subscribed connection takes no other commands). */
  client: RedisClient;
  subscriber: RedisClient;
  revocations: RevocationSet;
  /** Revocations waiting there are not written back; its writes go out after each load. */
  queue: WriteQueue;
  /** Each successful load, before anyone waiting for the first one hears of it. */
  onLoaded(): void;
  onFailure(error: unknown): void;
}

export class RevocationSync {
  readonly #options: RevocationSyncOptions;
  #loaded = false;
  #loadedWaiters: (() => void)[] = [];
  #subscribed = false;
  #syncing: Promise<void> | undefined;
  #syncAgain = false;
  #closed = false;

  constructor(options: RevocationSyncOptions) {
    this.#options = options;
  }

  /** The revocations have been loaded from Redis at least once. */
  get loaded(): boolean {
    return this.#loaded;
  }

  /** A load is running. */
  get busy(): boolean {
    return this.#syncing !== undefined;
  }

  /** Resolves true once the revocations have been loaded from Redis, false after `timeoutMs`. */
  whenLoaded(timeoutMs: number): Promise<boolean> {
    if (this.#loaded) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => resolve(false), timeoutMs);
      this.#loadedWaiters.push(() => {
        clearTimeout(timer);
        resolve(true);
      });
    });
  }

  /** Loads now, or once more after the load that is running. */
  request(): void {
    if (this.#closed) return;
    if (this.#syncing) {
      this.#syncAgain = true;
      return;
    }
    this.#syncing = this.#sync().finally(() => {
      this.#syncing = undefined;
      if (this.#syncAgain) {
        this.#syncAgain = false;
        this.request();
      }
    });
  }

  close(): void {
    this.#closed = true;
  }

  /**
   * Subscribes (first time only: the client resubscribes after reconnects), loads every live
   * revocation, writes back the ones Redis lacks, then flushes queued writes.
   */
  async #sync(): Promise<void> {
    const { store, client, subscriber, revocations, queue } = this.#options;
    if (!client.isReady || !subscriber.isReady) return;
    try {
      await this.#subscribe();
      const now = Date.now();
      const live = await store.liveRevocations(now);
      const known = new Map<string, number>();
      for (const { value, score } of live.sessions) {
        if (!isSessionId(value)) continue;
        known.set(`s ${value}`, score);
        revocations.add(value, score, now);
      }
      for (const { value, score } of live.cutoffs) {
        const [userId, before] = value.split(" ");
        if (!isUserId(userId) || !Number.isSafeInteger(Number(before))) continue;
        known.set(`u ${value}`, score);
        revocations.addCutoff(userId, Number(before), score, now);
      }
      // Write back what Redis lacks (it restarted empty, or lost a write): new instances learn it.
      const missing: Revocation[] = [];
      for (const [sid, exp] of revocations.sessions(now)) {
        const key = `s ${sid}`;
        if ((known.get(key) ?? 0) < exp && !queue.hasRevocation(key)) missing.push({ key, expiresAt: exp });
      }
      for (const [userId, before, exp] of revocations.cutoffs(now)) {
        const key = `u ${userId} ${before}`;
        if ((known.get(key) ?? 0) < exp && !queue.hasRevocation(key)) missing.push({ key, expiresAt: exp });
      }
      for (let i = 0; i < missing.length; i += WRITE_BACK_BATCH) {
        await store.writeRevocations(missing.slice(i, i + WRITE_BACK_BATCH), false);
      }
      this.#markLoaded();
      queue.flushNow();
    } catch (error) {
      this.#options.onFailure(error);
    }
  }

  async #subscribe(): Promise<void> {
    if (this.#subscribed) return;
    await this.#options.subscriber.subscribe(this.#options.store.channel, (message) => this.#onMessage(message));
    this.#subscribed = true;
  }

  #onMessage(message: string): void {
    const parsed = parseRevocationMessage(message);
    if (parsed?.kind === "session") this.#options.revocations.add(parsed.sid, parsed.expiresAt);
    else if (parsed?.kind === "user")
      this.#options.revocations.addCutoff(parsed.userId, parsed.before, parsed.expiresAt);
  }

  #markLoaded(): void {
    this.#options.onLoaded();
    if (this.#loaded) return;
    this.#loaded = true;
    for (const resolve of this.#loadedWaiters.splice(0)) resolve();
  }
}
