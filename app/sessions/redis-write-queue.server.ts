/**
 * The session registry's writes to Redis while Redis may be away: written at once when nothing
 * older waits, otherwise queued and retried, oldest first — revocations (never dropped), then
 * device-list and sign-in-name writes (the oldest dropped past MAX_PENDING_OPS), then last-seen
 * times — backing off to `maxRetryDelayMs` between tries.
 */

import type { Op, RedisStore, Revocation, StoredRecord } from "./redis-store.server";
import type { WriteResult } from "./registry.server";

/** Registry writes (not revocations: those are never dropped) queued while Redis is down. */
const MAX_PENDING_OPS = 10_000;
/** Revocations written back per command after a reconnect. */
export const WRITE_BACK_BATCH = 500;
/** A write refused by Redis itself (not a connection problem) is given up after this many tries. */
const MAX_REFUSED_ATTEMPTS = 5;
/** The first retry's delay; it doubles up to `maxRetryDelayMs` while writes keep failing. */
const FIRST_RETRY_DELAY_MS = 100;

export interface WriteQueueOptions {
  store: RedisStore;
  /** Whether the command connection is up (writes are only tried then). */
  isReady(): boolean;
  /** Whether Redis itself refused the command (see MAX_REFUSED_ATTEMPTS). */
  isRefused(error: unknown): boolean;
  /** Told of every failed write (the registry reports the last one). */
  onFailure(error: unknown): void;
  maxRetryDelayMs: number;
  log: Pick<Console, "warn">;
}

interface PendingSeen {
  record: StoredRecord;
  at: number;
}

export class WriteQueue {
  readonly #options: WriteQueueOptions;
  /** Revocation key → expiry, waiting to be written and published. */
  readonly #revocations = new Map<string, number>();
  #ops: Op[] = [];
  readonly #seen = new Map<string, PendingSeen>();

  #flushing = false;
  #flushAgain = false;
  #retryTimer: NodeJS.Timeout | undefined;
  #retryDelayMs = FIRST_RETRY_DELAY_MS;
  #closed = false;

  constructor(options: WriteQueueOptions) {
    this.#options = options;
  }

  /** Writes waiting to be retried. */
  get size(): number {
    return this.#revocations.size + this.#ops.length + this.#seen.size;
  }

  /** Whether revocations or registry writes wait (last-seen times do not hold anything up). */
  hasPending(): boolean {
    return this.#revocations.size > 0 || this.#ops.length > 0;
  }

  /** Whether this revocation is waiting to be written. */
  hasRevocation(key: string): boolean {
    return this.#revocations.has(key);
  }

  /** Whether a flush is running or anything waits for one. */
  get busy(): boolean {
    return this.hasPending() || this.#seen.size > 0 || this.#flushing;
  }

  /** Writes revocations (and registry ops after them) now, or queues them for retry. */
  async share(revocations: Revocation[], ops: Op[]): Promise<WriteResult> {
    const { store } = this.#options;
    if (this.hasPending()) {
      // Keep order: while older writes wait, newer ones wait behind them.
      for (const r of revocations) this.#queueRevocation(r);
      for (const op of ops) this.add(op);
      this.schedule(0);
      return { shared: false };
    }
    try {
      await store.writeRevocations(revocations);
      for (const op of ops) await store.apply(op);
      return { shared: true };
    } catch (error) {
      this.#options.onFailure(error);
      for (const r of revocations) this.#queueRevocation(r);
      for (const op of ops) this.add(op);
      return { shared: false };
    }
  }

  /** Writes one registry op now unless older writes wait, else (or when it fails) queues it. */
  async write(op: Op): Promise<WriteResult> {
    if (this.hasPending()) {
      this.add(op);
      return { shared: false };
    }
    try {
      await this.#options.store.apply(op);
      return { shared: true };
    } catch (error) {
      this.#options.onFailure(error);
      this.add(op);
      return { shared: false };
    }
  }

  /** Queues a registry op, dropping the oldest one when the queue is full. */
  add(op: Op): void {
    // The device list is cosmetic next to revocations (which have their own, uncapped queue):
    // when Redis is down for long, the oldest list updates go first.
    if (this.#ops.length >= MAX_PENDING_OPS) this.#ops.shift();
    this.#ops.push(op);
    this.schedule();
  }

  /** Queues a session's last-seen time (the latest one per session wins), written in the background. */
  seen(record: StoredRecord, at: number): void {
    this.#seen.set(record.sid, { record, at });
    this.schedule(0);
  }

  /** A flush after `delayMs` (the current back-off by default), unless one is scheduled already. */
  schedule(delayMs = this.#retryDelayMs): void {
    if (this.#closed || this.#retryTimer) return;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#flush();
    }, delayMs);
    this.#retryTimer.unref();
  }

  /** Flushes now with the back-off reset (Redis has just answered: connected and loaded). */
  flushNow(): void {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#retryDelayMs = FIRST_RETRY_DELAY_MS;
    void this.#flush();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
  }

  #queueRevocation({ key, expiresAt }: Revocation): void {
    const current = this.#revocations.get(key);
    if (current === undefined || expiresAt > current) this.#revocations.set(key, expiresAt);
    this.schedule();
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
    const { store, maxRetryDelayMs } = this.#options;
    if (!this.#options.isReady()) {
      // The connection's 'ready' event flushes (through the sync); this timer is only a safety net.
      this.schedule(maxRetryDelayMs);
      return;
    }
    try {
      if (this.#revocations.size > 0) {
        const batch = [...this.#revocations].slice(0, WRITE_BACK_BATCH);
        await store.writeRevocations(batch.map(([key, expiresAt]) => ({ key, expiresAt })));
        for (const [key, exp] of batch) {
          if (this.#revocations.get(key) === exp) this.#revocations.delete(key);
        }
      }
      while (this.#ops.length > 0) {
        const op = this.#ops[0]!;
        try {
          await store.apply(op);
        } catch (error) {
          if (!this.#options.isRefused(error) || ++op.attempts < MAX_REFUSED_ATTEMPTS) throw error;
          this.#options.log.warn(
            `[sessions] Redis refused a session-list write ${MAX_REFUSED_ATTEMPTS} times; dropped it`,
          );
        }
        this.#ops.shift();
      }
      for (const [sid, { record, at }] of this.#seen) {
        this.#seen.delete(sid);
        try {
          await store.writeRecord(record, at, "touch");
        } catch (error) {
          if (!this.#seen.has(sid)) this.#seen.set(sid, { record, at });
          throw error;
        }
      }
      this.#retryDelayMs = FIRST_RETRY_DELAY_MS;
      if (this.#revocations.size > 0) this.schedule(0);
    } catch (error) {
      this.#options.onFailure(error);
      this.#retryDelayMs = Math.min(this.#retryDelayMs * 2, maxRetryDelayMs);
      this.schedule();
    }
  }
}
