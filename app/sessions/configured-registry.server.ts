/**
 * The process's one session registry, chosen by configuration: Redis/Valkey when `REDIS_URL` is
 * set, otherwise in-process. Created on first use; `startSessionRegistry` (called at start-up)
 * also waits, briefly, for a Redis registry to load the revocations and logs the choice.
 */
import { getEnv } from "~/env.server";
import { MemorySessionRegistry } from "./memory-registry.server";
import { RedisSessionRegistry, redactUrl } from "./redis-registry.server";
import type { SessionRegistry } from "./registry.server";

// On globalThis: `remix dev` re-imports the server build after each change, and the registry (its
// revocations, its Redis connections) must outlive those reloads rather than multiply.
const HOLDER = Symbol.for("remix-cognito.session-registry");
const holder = globalThis as { [HOLDER]?: SessionRegistry };

/** The registry of this process (synchronous: the per-request revocation check needs no await). */
export function getSessionRegistry(): SessionRegistry {
  let registry = holder[HOLDER];
  if (!registry) {
    const { redis } = getEnv();
    registry = redis
      ? new RedisSessionRegistry({ url: redis.url, keyPrefix: redis.keyPrefix })
      : new MemorySessionRegistry();
    holder[HOLDER] = registry;
  }
  return registry;
}

/**
 * Start-up: creates the registry and, for Redis, waits up to `timeoutMs` for the revocations to
 * load. An unreachable Redis does not stop the app (that would be a crash loop under an
 * orchestrator): it starts degraded, says so loudly, and keeps reconnecting (ADR 009).
 */
export async function startSessionRegistry(timeoutMs = 5_000): Promise<SessionRegistry> {
  const current = getSessionRegistry();
  const { redis } = getEnv();
  if (current.kind === "redis" && redis) {
    const registry = current as RedisSessionRegistry;
    console.info(`[sessions] store: Redis at ${redactUrl(redis.url)} (key prefix "${redis.keyPrefix}")`);
    if (!(await registry.whenLoaded(timeoutMs))) registry.warnDegradedStart();
  } else {
    console.info(
      "[sessions] store: in-process (REDIS_URL not set): for one instance; revocations and the device list " +
        "are forgotten on restart",
    );
  }
  return current;
}

/** Closes the registry (tests, shutdown); the next `getSessionRegistry` makes a new one. */
export async function closeSessionRegistry(): Promise<void> {
  const current = holder[HOLDER];
  holder[HOLDER] = undefined;
  await current?.close();
}
