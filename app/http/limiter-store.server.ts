/**
 * Where the rate limits keep their counters: this process's memory (the
 * default) or Redis/Valkey, shared by every instance. Both are
 * rate-limiter-flexible limiters, so the counting code is the same on either.
 *
 * Memory is bounded without ever evicting a live counter: the store counts
 * the keys it holds, and once it holds `maxKeys` it says so (`isFull`); the
 * limiters then stop adding keys for new sources and charge them to one
 * shared overflow counter instead (see limiters.server.ts). Nothing an
 * attacker sends can push an existing counter out.
 *
 * No Remix imports: the app picks the store in rate-limit.server.ts.
 */
import { type RateLimiterAbstract, RateLimiterMemory, RateLimiterRedis } from "rate-limiter-flexible";

/** About 700 bytes of heap per key (measured): 50 000 keys ≈ 35 MB. */
export const DEFAULT_MAX_KEYS = 50_000;

export interface CounterOptions {
  /** Names this table of counters; keys of different tables never collide. */
  keyPrefix: string;
  /** Points the counter may reach within `duration` (what "over the limit" means is the caller's). */
  points: number;
  /** Seconds from a key's first point until it expires (at most 24 days in memory). */
  duration: number;
}

export interface LimiterStore {
  /** One table of counters in this store. */
  counter(options: CounterOptions): RateLimiterAbstract;
  /** Counters held in this process's memory reached `maxKeys`: new sources must not add keys. */
  isFull(): boolean;
  /** Keys held in this process's memory (for Redis: by the fallback used while Redis is down). */
  size(): number;
}

export interface MemoryStoreOptions {
  /** Bound on keys held in memory. Default DEFAULT_MAX_KEYS (RATE_LIMIT_MAX_KEYS). */
  maxKeys?: number;
}

/** Counters in this process's memory: one instance only, forgotten on restart. */
export function memoryStore(options: MemoryStoreOptions = {}): LimiterStore {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const tables: RateLimiterMemory[] = [];
  const size = () => tables.reduce((sum, table) => sum + memoryKeyCount(table), 0);
  return {
    counter(counterOptions) {
      const table = new RateLimiterMemory(counterOptions);
      memoryKeyCount(table); // fails fast if the library's internals moved
      tables.push(table);
      return table;
    },
    isFull: () => size() >= maxKeys,
    size,
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
 * Counters in Redis or Valkey, shared by every instance (entry.server.tsx
 * passes its client here when `REDIS_URL` is set). While Redis is not ready, each table
 * falls back at once to an in-memory twin (rate-limiter-flexible's
 * insurance limiter, bounded like `memoryStore`), so an outage neither blocks
 * sign-in nor switches the limits off; counts made meanwhile stay local.
 * Configure Redis with `maxmemory-policy noeviction`: an evicted counter is a
 * reset block.
 */
export function redisStore(client: RedisLikeClient, options: RedisStoreOptions = {}): LimiterStore {
  const fallback = memoryStore(options);
  const prefix = options.keyPrefix ?? "";
  return {
    counter(counterOptions) {
      return new RateLimiterRedis({
        ...counterOptions,
        keyPrefix: `${prefix}rl:${counterOptions.keyPrefix}`,
        storeClient: client,
        useRedisPackage: true,
        rejectIfRedisNotReady: true,
        insuranceLimiter: fallback.counter(counterOptions),
      });
    },
    // Redis bounds itself (maxmemory); only the in-memory fallback counts here.
    isFull: fallback.isFull,
    size: fallback.size,
  };
}

/**
 * Keys a RateLimiterMemory holds. The library does not expose this, so it is
 * read from its storage map (rate-limiter-flexible is pinned; a unit test
 * checks this still counts after an upgrade).
 */
function memoryKeyCount(table: RateLimiterMemory): number {
  const storage = (table as unknown as { _memoryStorage?: { _storage?: Map<string, unknown> } })._memoryStorage
    ?._storage;
  if (!(storage instanceof Map)) {
    throw new Error("rate-limiter-flexible: RateLimiterMemory no longer keeps a Map of keys; update memoryKeyCount");
  }
  return storage.size;
}
