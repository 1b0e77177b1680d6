/**
 * The rate limits on Redis (app/http/limiter-store.server.ts `redisStore`) against a real
 * redis-server: two limiters on two clients stand for two app instances. Their counts add up;
 * while Redis is down, or full (maxmemory with noeviction), each falls back to its own memory
 * at once (no hang, limits still on); when Redis is back, counting goes to Redis again and what
 * was counted in memory meanwhile still counts. Nothing of Redis is mocked.
 */
import { createClient } from "@redis/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { redisStore } from "~/http/limiter-store.server";
import { type CredentialKey, CredentialLimiter, type Outcome, RateLimitedError } from "~/http/limiters.server";
import { startRedis, type TestRedis } from "../support/redis";

function newClient(url: string) {
  return createClient({
    url,
    disableOfflineQueue: true,
    socket: { connectTimeout: 2_000, reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, 500) },
  });
}
type Client = ReturnType<typeof newClient>;

const WRONG = new Error("wrong password");
const classify = (error: unknown): Outcome => (error === WRONG ? "failure" : "neutral");

async function tryOnce(limiter: CredentialLimiter, key: CredentialKey, right = false): Promise<string> {
  try {
    await limiter.attempt(
      key,
      async () => {
        if (!right) throw WRONG;
      },
      classify,
    );
    return "ok";
  } catch (error) {
    if (error instanceof RateLimitedError) return "refused";
    if (error === WRONG) return "wrong";
    throw error;
  }
}

describe("rate limits shared through Redis", () => {
  let redis: TestRedis;
  const clients: Client[] = [];

  async function connect(): Promise<Client> {
    const client = newClient(redis.url);
    client.on("error", () => {}); // outages are the point of one test; the store falls back
    await client.connect();
    clients.push(client);
    return client;
  }

  let prefixes = 0;
  /** Two "instances" on one Redis, in a key space of their own. */
  async function twoInstances() {
    const keyPrefix = `t${++prefixes}-${Date.now()}:`;
    const a = new CredentialLimiter(redisStore(await connect(), { keyPrefix }));
    const b = new CredentialLimiter(redisStore(await connect(), { keyPrefix }));
    return { a, b };
  }

  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    for (const client of clients) client.destroy();
    await redis?.dispose();
  });

  it("failures on two instances add up; a success on one clears the pair on both", async () => {
    const { a, b } = await twoInstances();
    const victim = { scope: "login", subject: "victim@example.com", ip: "198.51.100.1" };
    for (let i = 0; i < 5; i++) expect(await tryOnce(a, victim)).toBe("wrong");
    for (let i = 0; i < 5; i++) expect(await tryOnce(b, victim)).toBe("wrong");
    expect(await tryOnce(a, victim, true)).toBe("refused");
    expect(await tryOnce(b, victim, true)).toBe("refused");

    const typo = { scope: "login", subject: "typo@example.com", ip: "198.51.100.2" };
    for (let i = 0; i < 9; i++) await tryOnce(a, typo);
    expect(await tryOnce(b, typo, true)).toBe("ok");
    for (let i = 0; i < 9; i++) expect(await tryOnce(a, typo)).toBe("wrong");
  });

  it("keeps no e-mail address in Redis: accounts are hashed", async () => {
    const { a } = await twoInstances();
    await tryOnce(a, { scope: "login", subject: "private.person@example.com", ip: "198.51.100.3" });
    const keys = await clients[0]!.keys("*");
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.join(" ")).not.toContain("private.person");
  });

  it("while Redis is down, each instance limits on its own at once; when it is back, Redis counts again", async () => {
    const { a, b } = await twoInstances();
    const key = { scope: "login", subject: "outage@example.com", ip: "198.51.100.4" };
    await redis.stop("SIGKILL");
    // No hang, and the limit still holds (in this instance's memory).
    for (let i = 0; i < 10; i++) expect(await tryOnce(a, key)).toBe("wrong");
    expect(await tryOnce(a, key, true)).toBe("refused");
    await redis.start();
    const deadline = Date.now() + 10_000;
    while (!clients.every((c) => c.isReady) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(
      clients.every((c) => c.isReady),
      "clients reconnected",
    ).toBe(true);
    const fresh = { scope: "login", subject: "after@example.com", ip: "198.51.100.5" };
    for (let i = 0; i < 5; i++) expect(await tryOnce(a, fresh)).toBe("wrong");
    for (let i = 0; i < 5; i++) expect(await tryOnce(b, fresh)).toBe("wrong");
    expect(await tryOnce(b, fresh, true)).toBe("refused");
    // The block made in memory during the outage is not lifted by Redis coming back (empty).
    expect(await tryOnce(a, key, true)).toBe("refused");
  });

  it("a full Redis (maxmemory, noeviction) neither lifts a limit nor refuses a right password from a new address", async () => {
    const { a, b } = await twoInstances();
    const admin = await connect();
    const info = await admin.info("memory");
    const used = Number(/used_memory:(\d+)/.exec(info)?.[1]);
    await admin.configSet({ maxmemory: String(used + 256 * 1024), "maxmemory-policy": "noeviction" });
    try {
      // Fill it with someone else's data, in smaller and smaller values, until Redis refuses even a
      // small scripted write of a new key (the limiter writes through scripts).
      let filled = 0;
      const fill = (size: number) =>
        admin.set(`filler:${filled++}`, "x".repeat(size)).then(
          () => true,
          () => false,
        );
      for (const size of [16 * 1024, 1024, 64, 1]) while (await fill(size));
      const full = await admin.eval("return redis.call('incr', KEYS[1])", { keys: ["probe"] }).then(
        () => false,
        (error: Error) => /OOM/.test(error.message),
      );
      expect(full, "Redis refuses writes").toBe(true);

      const victim = { scope: "login", subject: "full-redis@example.com", ip: "198.51.100.6" };
      for (let i = 0; i < 10; i++) expect(await tryOnce(a, victim)).toBe("wrong");
      expect(await tryOnce(a, victim, true), "10 in a row still block the pair").toBe("refused");
      expect(
        await tryOnce(b, { scope: "login", subject: "someone@example.com", ip: "203.0.113.66" }, true),
        "a new address signs in",
      ).toBe("ok");
    } finally {
      await admin.configSet("maxmemory", "0");
      for (const key of await admin.keys("filler:*")) await admin.del(key);
    }
  });
});
