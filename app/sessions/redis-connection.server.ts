/**
 * The Redis connections of the session registry: how they are made (node-redis,
 * loaded on first use), closed, and named in logs.
 */
import { createRequire } from "node:module";
import type * as NodeRedis from "@redis/client";

export type RedisClient = ReturnType<typeof NodeRedis.createClient>;

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

export interface ConnectionOptions {
  url: string;
  /** Per-command timeout; a command over it counts as a failure. */
  commandTimeoutMs: number;
  /** Longest wait between reconnect attempts. */
  maxRetryDelayMs: number;
}

/**
 * A connection that fails commands at once while disconnected (offline queue off) and
 * reconnects by itself, forever.
 */
export function createRedisClient(options: ConnectionOptions): RedisClient {
  const maxDelay = options.maxRetryDelayMs;
  return loadNodeRedis().createClient({
    url: options.url,
    disableOfflineQueue: true,
    commandOptions: { timeout: options.commandTimeoutMs },
    // Detects a connection that died without closing (a partition) within seconds.
    pingInterval: 5_000,
    socket: {
      connectTimeout: 2_000,
      // Keep trying forever, backing off to at most a second: Redis coming back is picked up fast.
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, maxDelay),
    },
  });
}

/** Redis itself refused the command (not a connection problem): retrying will not help for long. */
export function isRefusedByRedis(error: unknown): boolean {
  return error instanceof loadNodeRedis().ErrorReply;
}

export async function closeClient(client: RedisClient): Promise<void> {
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

/** An error as one short line for logs and /healthz. */
export function shortMessage(error: unknown): string {
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
