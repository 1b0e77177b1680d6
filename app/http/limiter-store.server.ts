/**
 * Where the rate limits keep their counters: this process's memory (the
 * default) or Redis/Valkey, shared by every instance. The limiters see one
 * small interface (`CounterTable`) either way
 * (docs/decisions/017-limits-that-hold.md).
 *
 * Memory is bounded, and a full store still counts newcomers: the store holds
 * at most `maxKeys` counters across all its tables; to add one more it drops
 * expired counters and the least recently written ones still under their
 * limit (a hundredth of the bound at a time). A counter at or over its limit —
 * a live block — is never dropped. So a flood of new addresses or names pushes out only
 * partial counts (never a block), and every new address gets a counter of
 * its own: a right password from it signs in. Only if every counter held is a
 * live block does a new source go uncounted until the first block ends
 * (logged; reaching it takes at least ten failures per counter, see the ADR).
 *
 * No Remix imports: the app picks the store in rate-limit.server.ts.
 */
import { RateLimiterRedis } from "rate-limiter-flexible";

/** About 300 bytes of heap per counter (measured on Node 20 with 150 000 counters of failures from new addresses): 50 000 ≈ 15 MB. */
export const DEFAULT_MAX_KEYS = 50_000;

export interface CounterOptions {
  /** Names this table of counters; keys of different tables never collide. */
  keyPrefix: string;
  /**
   * The counter's limit: at or over it the counter is a live block, which the
   * memory store never drops (`Number.MAX_SAFE_INTEGER` for counters that
   * never block).
   */
  points: number;
  /** Seconds from a key's first point until it expires (a block sets its own end). */
  duration: number;
}

/** A counter's state: its points, and how long until it expires (or its block ends). */
export interface CounterState {
  consumedPoints: number;
  msBeforeNext: number;
}

/** One table of counters. */
export interface CounterTable {
  /** The counter, or null when there is none (never counted, expired, or dropped). */
  get(key: string): Promise<CounterState | null>;
  /** Adds one point, creating the counter for `duration` if there is none; returns its state after. */
  penalty(key: string): Promise<CounterState>;
  /** Holds the counter at its limit for `seconds` from now: a live block. */
  block(key: string, seconds: number): Promise<void>;
  delete(key: string): Promise<void>;
}

export interface LimiterStore {
  /** One table of counters in this store. */
  counter(options: CounterOptions): CounterTable;
  /** Counters held in this process's memory (for Redis: by the fallback used when a Redis call fails). */
  size(): number;
}

export interface MemoryStoreOptions {
  /** Bound on counters held in memory, all tables together. Default DEFAULT_MAX_KEYS (RATE_LIMIT_MAX_KEYS). */
  maxKeys?: number;
}

interface Entry {
  consumed: number;
  /** The table's limit: at or over it the entry is a live block and is never dropped. */
  limit: number;
  /** Epoch ms. */
  expiresAt: number;
}

/** How often, at most, a store that cannot take a new counter says so. */
const WARN_EVERY_MS = 60_000;

/**
 * The counters of one process, in one Map: insertion order is the order of
 * last writes (a write moves its key to the end), so the front holds the
 * least recently written. Expiry is lazy: nothing runs in the background.
 */
class MemoryCounters {
  private readonly entries = new Map<string, Entry>();
  /** Every entry was a live block at the last look: no room before this time (epoch ms). */
  private noRoomUntil = 0;
  private lastWarning = 0;

  constructor(private readonly maxKeys: number) {}

  get size() {
    return this.entries.size;
  }

  read(key: string, now: number): Entry | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return null;
    }
    return entry;
  }

  /**
   * The live entry for `key`, moved to the end (most recently written), or a
   * new one made from `create` if room can be found; null when none can.
   */
  write(key: string, now: number, create: () => Entry): Entry | null {
    let entry = this.read(key, now);
    if (entry) {
      this.entries.delete(key);
    } else {
      if (this.entries.size >= this.maxKeys && !this.makeRoom(now)) return null;
      entry = create();
    }
    this.entries.set(key, entry);
    return entry;
  }

  delete(key: string) {
    this.entries.delete(key);
  }

  /**
   * Drops entries from the least recently written that have expired or are
   * under their limit — a hundredth of the bound at a time, since every walk
   * from the front of a Map passes the holes earlier deletions left there.
   * Live blocks met on the way move to the end, so the next walk does not meet
   * them again. False when every entry is a live block.
   */
  private makeRoom(now: number): boolean {
    if (now < this.noRoomUntil) return false;
    const batch = Math.max(1, Math.floor(this.maxKeys / 100));
    let dropped = 0;
    let earliestEnd = Number.POSITIVE_INFINITY;
    let left = this.entries.size;
    for (const [key, entry] of this.entries) {
      if (left-- <= 0 || dropped >= batch) break;
      this.entries.delete(key);
      if (entry.expiresAt <= now || entry.consumed < entry.limit) {
        dropped++;
      } else {
        this.entries.set(key, entry);
        earliestEnd = Math.min(earliestEnd, entry.expiresAt);
      }
    }
    if (dropped > 0) return true;
    this.noRoomUntil = earliestEnd;
    if (now - this.lastWarning >= WARN_EVERY_MS) {
      this.lastWarning = now;
      console.warn(
        `[rate-limit] all ${this.entries.size} counters in memory are live blocks (RATE_LIMIT_MAX_KEYS): new sources are not counted until the first block ends`,
      );
    }
    return false;
  }
}

class MemoryTable implements CounterTable {
  private readonly durationMs: number;

  constructor(
    private readonly counters: MemoryCounters,
    private readonly options: CounterOptions,
  ) {
    this.durationMs = options.duration * 1000;
  }

  private key(key: string) {
    return `${this.options.keyPrefix}:${key}`;
  }

  async get(key: string): Promise<CounterState | null> {
    const now = Date.now();
    const entry = this.counters.read(this.key(key), now);
    return entry ? state(entry, now) : null;
  }

  async penalty(key: string): Promise<CounterState> {
    const now = Date.now();
    const entry = this.counters.write(this.key(key), now, () => this.fresh(now, 0));
    // No room (every counter is a live block): counted as a first point, and not kept.
    if (!entry) return { consumedPoints: 1, msBeforeNext: this.durationMs };
    entry.consumed += 1;
    return state(entry, now);
  }

  async block(key: string, seconds: number): Promise<void> {
    const now = Date.now();
    const entry = this.counters.write(this.key(key), now, () => this.fresh(now, this.options.points));
    if (!entry) return;
    entry.consumed = Math.max(entry.consumed, this.options.points);
    entry.expiresAt = now + seconds * 1000;
  }

  async delete(key: string): Promise<void> {
    this.counters.delete(this.key(key));
  }

  private fresh(now: number, consumed: number): Entry {
    return { consumed, limit: this.options.points, expiresAt: now + this.durationMs };
  }
}

function state(entry: Entry, now: number): CounterState {
  return { consumedPoints: entry.consumed, msBeforeNext: entry.expiresAt - now };
}

/** Counters in this process's memory: one instance only, forgotten on restart. */
export function memoryStore(options: MemoryStoreOptions = {}): LimiterStore {
  const counters = new MemoryCounters(options.maxKeys ?? DEFAULT_MAX_KEYS);
  return {
    counter: (counterOptions) => new MemoryTable(counters, counterOptions),
    size: () => counters.size,
  };
}

/**
 * The subset of a node-redis (`@redis/client`) client this needs: connected,
 * with `isReady`. rate-limiter-flexible drives it (`useRedisPackage`).
 */
export interface RedisLikeClient {
  readonly isReady: boolean;
}

export interface RedisStoreOptions extends MemoryStoreOptions {
  /** Prefix of every key, e.g. REDIS_KEY_PREFIX ("remix-cognito:"). */
  keyPrefix?: string;
}

/**
 * Counters in Redis or Valkey, shared by every instance (with `REDIS_URL`).
 * A write Redis refuses — not connected, or out of memory under
 * `maxmemory-policy noeviction` — goes to this process's memory instead
 * (bounded like `memoryStore`), so neither an outage nor a full Redis blocks
 * sign-in or switches the limits off. Every read adds the two together: a
 * count or block made in memory while Redis could not take it keeps counting
 * after Redis is back. Configure Redis with `noeviction`: an evicted counter is
 * a lifted block.
 */
export function redisStore(client: RedisLikeClient, options: RedisStoreOptions = {}): LimiterStore {
  const fallback = memoryStore(options);
  const prefix = options.keyPrefix ?? "";
  return {
    counter(counterOptions) {
      const redis = new RateLimiterRedis({
        ...counterOptions,
        keyPrefix: `${prefix}rl:${counterOptions.keyPrefix}`,
        storeClient: client,
        useRedisPackage: true,
        rejectIfRedisNotReady: true,
      });
      return new RedisTable(redis, fallback.counter(counterOptions), counterOptions.points);
    },
    size: fallback.size,
  };
}

class RedisTable implements CounterTable {
  constructor(
    private readonly redis: RateLimiterRedis,
    private readonly local: CounterTable,
    private readonly limit: number,
  ) {}

  async get(key: string): Promise<CounterState | null> {
    const [shared, local] = await Promise.all([this.sharedGet(key), this.local.get(key)]);
    return add(shared, local, this.limit);
  }

  async penalty(key: string): Promise<CounterState> {
    let shared: CounterState | null;
    let local: CounterState | null;
    try {
      shared = await this.redis.penalty(key);
      local = await this.local.get(key);
    } catch {
      local = await this.local.penalty(key);
      shared = await this.sharedGet(key);
    }
    return add(shared, local, this.limit) ?? { consumedPoints: 1, msBeforeNext: 0 };
  }

  async block(key: string, seconds: number): Promise<void> {
    try {
      await this.redis.block(key, seconds);
    } catch {
      await this.local.block(key, seconds);
    }
  }

  async delete(key: string): Promise<void> {
    await Promise.all([this.redis.delete(key).catch(() => undefined), this.local.delete(key)]);
  }

  private sharedGet(key: string): Promise<CounterState | null> {
    return this.redis.get(key).catch(() => null);
  }
}

/**
 * Redis's count and this process's together. Over the limit, the wait is
 * until the sum drops back under it: when one part alone is over, until that
 * part ends; when only both together are, until the first of them ends.
 */
function add(a: CounterState | null, b: CounterState | null, limit: number): CounterState | null {
  if (!a || !b) return a ?? b;
  const consumedPoints = a.consumedPoints + b.consumedPoints;
  const aOver = a.consumedPoints >= limit;
  const bOver = b.consumedPoints >= limit;
  const msBeforeNext =
    aOver && bOver
      ? Math.max(a.msBeforeNext, b.msBeforeNext)
      : aOver
        ? a.msBeforeNext
        : bOver
          ? b.msBeforeNext
          : Math.min(a.msBeforeNext, b.msBeforeNext);
  return { consumedPoints, msBeforeNext };
}
