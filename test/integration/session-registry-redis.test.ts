/**
 * The Redis session registry against a real redis-server (test/support/redis.ts): the contract
 * every registry meets (test/support/session-registry-contract.ts), and what only a shared store
 * has: replicas kept in sync by pub/sub across two registries (as two app instances would hold),
 * loading at start, expiry in Redis, outages (Redis killed, restarted EMPTY), writes retried, an
 * unreachable URL at start-up, and one device list for every instance. Nothing of Redis is mocked.
 */
import { createClient } from "@redis/client";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openRedisRegistry, type RedisSessionRegistry } from "~/sessions/redis-registry.server";
import { LAST_SEEN_INTERVAL_MS, RegistryUnavailableError, type SessionRecord } from "~/sessions/registry.server";
import { newSessionId } from "~/sessions/session-id.server";
import { freePort } from "../../cognito-local/free-port.ts";
import { startRedis, type TestRedis } from "../support/redis";
import { sessionRecord, sessionRegistryContract } from "../support/session-registry-contract.ts";

let redis: TestRedis;
const open: RedisSessionRegistry[] = [];

/** A quiet logger that remembers what it was told. */
function recordingLog() {
  const lines: string[] = [];
  return { lines, log: { info: (m: string) => void lines.push(m), warn: (m: string) => void lines.push(m) } };
}

async function openRegistry(prefix: string, extra: Partial<Parameters<typeof openRedisRegistry>[0]> = {}) {
  const r = await openRedisRegistry({
    url: redis.url,
    keyPrefix: prefix,
    startupTimeoutMs: 5_000,
    log: recordingLog().log,
    ...extra,
  });
  open.push(r);
  return r;
}

/** Polls `check` until it is true or the deadline passes; returns how long it took. */
async function waitFor(check: () => boolean | Promise<boolean>, deadlineMs: number, what: string): Promise<number> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > deadlineMs) throw new Error(`timed out after ${deadlineMs} ms waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return Date.now() - start;
}

let prefixCount = 0;
/** Each test gets its own key space in the shared server. */
const freshPrefix = () => `t${++prefixCount}-${Date.now()}:`;

function record(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return sessionRecord(userId, {
    device: { browser: "Firefox 128", os: "Linux", type: "desktop" },
    ip: "203.0.113.0/24",
    ...overrides,
  });
}

beforeAll(async () => {
  redis = await startRedis();
});

afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
  if (!redis.running) await redis.start();
});

afterAll(async () => {
  await redis?.dispose();
});

sessionRegistryContract("redis", async () => {
  const registry = await openRegistry(freshPrefix());
  return { registry, settle: async () => void (await registry.whenFlushed(2_000)) };
});

describe("revocations across instances", () => {
  it("a revocation on A reaches B's in-memory replica within a second, and B's listeners hear it once", async () => {
    const prefix = freshPrefix();
    const a = await openRegistry(prefix);
    const b = await openRegistry(prefix);
    const heard: string[] = [];
    b.onRevoked((event) => heard.push(event.kind === "session" ? event.sid : `user ${event.userId}`));
    const sid = newSessionId();

    expect(b.isRevoked(sid)).toBe(false);
    const result = await a.revoke(sid, Date.now() + 60_000);
    expect(result).toEqual({ shared: true });
    expect(a.isRevoked(sid)).toBe(true);
    const took = await waitFor(() => b.isRevoked(sid), 1_000, "B to learn the revocation");
    expect(took).toBeLessThan(1_000);
    // A duplicate message (e.g. a reload after the pub/sub delivery) does not repeat the event.
    await a.revoke(sid, Date.now() + 60_000);
    await a.whenFlushed(2_000);
    await new Promise((r) => setTimeout(r, 50));
    expect(heard).toEqual([sid]);
  });

  it("a new instance loads the live revocations at start, before it serves", async () => {
    const prefix = freshPrefix();
    const a = await openRegistry(prefix);
    const sid = newSessionId();
    await a.revoke(sid, Date.now() + 60_000);
    const c = await openRegistry(prefix);
    expect(c.health()).toMatchObject({ kind: "redis", connected: true, replicaLoaded: true, revocations: 1 });
    expect(c.isRevoked(sid)).toBe(true);
  });

  it("revocations expire: in memory at their expiry, and in Redis they are trimmed", async () => {
    const prefix = freshPrefix();
    const a = await openRegistry(prefix);
    const b = await openRegistry(prefix);
    const sid = newSessionId();
    const expiresAt = Date.now() + 400;
    await a.revoke(sid, expiresAt);
    await waitFor(() => b.isRevoked(sid), 1_000, "B to learn the revocation");
    await waitFor(() => !a.isRevoked(sid) && !b.isRevoked(sid), 2_000, "the revocation to expire");
    expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);

    // The next write trims expired members from the shared set; a new instance never sees them.
    await a.revoke(newSessionId(), Date.now() + 60_000);
    const probe = createClient({ url: redis.url });
    await probe.connect();
    try {
      expect(await probe.zScore(`${prefix}revoked`, sid)).toBeNull();
    } finally {
      await probe.close();
    }
    const c = await openRegistry(prefix);
    expect(c.isRevoked(sid)).toBe(false);
  });

  it("ignores malformed pub/sub messages", async () => {
    const prefix = freshPrefix();
    const b = await openRegistry(prefix);
    const heard: string[] = [];
    b.onRevoked((event) => heard.push(event.kind === "session" ? event.sid : `user ${event.userId}`));
    const probe = createClient({ url: redis.url });
    await probe.connect();
    try {
      const later = Date.now() + 60_000;
      const malformed = [
        "",
        "x",
        `${newSessionId()} ${later}`,
        `s ${newSessionId()}`,
        `s not-an-id ${later}`,
        `s ${newSessionId()} soon`,
        `s ${newSessionId()} ${later} extra`,
        `u user ${later}`,
        `u bad/user ${Date.now()} ${later}`,
        `x ${newSessionId()} ${later}`,
      ];
      for (const message of malformed) await probe.publish(`${prefix}revocations`, message);
      const good = newSessionId();
      await probe.publish(`${prefix}revocations`, `s ${good} ${later}`);
      await waitFor(() => b.isRevoked(good), 1_000, "the well-formed message");
      expect(heard).toEqual([good]);
    } finally {
      await probe.close();
    }
  });
});

describe("user cut-offs and sign-in names", () => {
  it("ending all of a user's sessions before a moment reaches every instance and new ones, and empties the list", async () => {
    const prefix = freshPrefix();
    const a = await openRegistry(prefix);
    const b = await openRegistry(prefix);
    const heard: string[] = [];
    b.onRevoked((event) => heard.push(event.kind === "user" ? `${event.userId}<${event.before}` : event.sid));
    const t0 = Date.now();
    await a.register(record("cut-1", { signedInAt: t0 - 1_000 }));
    expect(await a.endAllBefore("cut-1", t0, t0 + 60_000)).toEqual({ shared: true });
    await waitFor(() => b.isCutOff("cut-1", t0 - 1), 1_000, "B to learn the cut-off");
    expect(b.isCutOff("cut-1", t0)).toBe(false);
    expect(b.isCutOff("cut-2", t0 - 1)).toBe(false);
    expect(heard).toEqual([`cut-1<${t0}`]);
    expect(await b.list("cut-1")).toEqual([]);
    const c = await openRegistry(prefix);
    expect(c.isCutOff("cut-1", t0 - 1)).toBe(true);
  });

  it("links a sign-in name to its user across instances, storing only a digest", async () => {
    const prefix = freshPrefix();
    const a = await openRegistry(prefix);
    const b = await openRegistry(prefix);
    a.linkLogin("Someone@Example.com", "user-link");
    await a.whenFlushed(2_000);
    expect(await b.userIdForLogin(" someone@example.com")).toBe("user-link");
    expect(await b.userIdForLogin("nobody@example.com")).toBeNull();
    const probe = createClient({ url: redis.url });
    await probe.connect();
    try {
      const keys = await probe.keys(`${prefix}*`);
      expect(keys.join(" ")).not.toMatch(/someone/i);
    } finally {
      await probe.close();
    }
  });
});

describe("faults", () => {
  it("Redis killed: known revocations hold, new ones apply locally and are queued; after a restart (empty) the queue is written, published, and the old ones written back", async () => {
    const prefix = freshPrefix();
    const a = await openRegistry(prefix, { log: recordingLog().log });
    const b = await openRegistry(prefix);
    const old = newSessionId();
    await a.revoke(old, Date.now() + 60_000);
    await waitFor(() => b.isRevoked(old), 1_000, "B to learn the old revocation");

    await redis.stop("SIGKILL");
    await waitFor(() => !a.health().connected && !b.health().connected, 10_000, "both to notice the outage");
    expect(a.isRevoked(old)).toBe(true);
    expect(b.isRevoked(old)).toBe(true);

    const during = newSessionId();
    expect(await a.revoke(during, Date.now() + 60_000)).toEqual({ shared: false });
    const cutAt = Date.now();
    expect(await a.endAllBefore("user-during", cutAt, cutAt + 60_000)).toEqual({ shared: false });
    expect(a.isRevoked(during)).toBe(true);
    expect(a.health()).toMatchObject({ connected: false, pendingWrites: 3 });
    expect(a.health().lastError).toBeTruthy();
    await expect(a.list("someone")).rejects.toBeInstanceOf(RegistryUnavailableError);

    // Restarted without persistence: Redis comes back empty.
    await redis.start();
    await waitFor(() => b.isRevoked(during), 10_000, "the queued revocation to reach B after the restart");
    await waitFor(() => b.isCutOff("user-during", cutAt - 1), 2_000, "the queued cut-off to reach B");
    await waitFor(() => a.health().pendingWrites === 0, 5_000, "A's queue to drain");
    expect(a.health()).toMatchObject({ connected: true, replicaLoaded: true });

    // Both revocations are in Redis again, so an instance started now refuses both.
    await a.whenFlushed(5_000);
    await b.whenFlushed(5_000);
    const c = await openRegistry(prefix);
    expect(c.isRevoked(old)).toBe(true);
    expect(c.isRevoked(during)).toBe(true);
    expect(c.isCutOff("user-during", cutAt - 1)).toBe(true);
  });

  it("an unreachable REDIS_URL at start-up: starts degraded with one loud warning, then connects by itself", async () => {
    const port = await freePort();
    const later = await startRedis({ port, deferStart: true });
    const { lines, log } = recordingLog();
    try {
      const started = Date.now();
      const r = await openRedisRegistry({ url: later.url, keyPrefix: freshPrefix(), startupTimeoutMs: 500, log });
      open.push(r);
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(r.health()).toMatchObject({ kind: "redis", connected: false, replicaLoaded: false });
      expect(lines.filter((l) => l.includes("WARNING"))).toHaveLength(1);
      expect(lines[0]).toMatch(/REDIS_URL \(redis:\/\/127\.0\.0\.1:\d+\) is not reachable/);
      expect(lines[0]).toMatch(/Starting anyway, degraded/);

      // Serving meanwhile: checks answer from memory, writes are queued.
      const sid = newSessionId();
      expect(r.isRevoked(sid)).toBe(false);
      expect(await r.revoke(sid, Date.now() + 60_000)).toEqual({ shared: false });

      await later.start();
      await waitFor(() => r.health().replicaLoaded && r.health().pendingWrites === 0, 10_000, "connect and flush");
      expect(lines.some((l) => /reachable again/.test(l))).toBe(true);
    } finally {
      await later.dispose();
    }
  });

  it("never logs the password of REDIS_URL", async () => {
    const port = await freePort();
    const { lines, log } = recordingLog();
    const r = await openRedisRegistry({
      url: `redis://app:s3cret-pass@127.0.0.1:${port}`,
      startupTimeoutMs: 300,
      log,
    });
    open.push(r);
    expect(lines.join("\n")).toContain("redis://app:***@127.0.0.1");
    expect(lines.join("\n")).not.toContain("s3cret-pass");
    expect(JSON.stringify(r.health())).not.toContain("s3cret-pass");
  });
});

describe("one device list for every instance", () => {
  it("lists a user's sessions registered on either instance, most recently seen first, and never another user's", async () => {
    const prefix = freshPrefix();
    const a = await openRegistry(prefix);
    const b = await openRegistry(prefix);
    const first = record("user-1", { lastSeenAt: Date.now() - 5_000 });
    const second = record("user-1", {
      method: "hosted",
      device: { browser: "Chrome 140", os: "Android 15", type: "mobile" },
    });
    await a.register(first);
    await b.register(second);
    await a.register(record("user-2"));
    const listed = await b.list("user-1");
    expect(listed.map((s) => s.sid)).toEqual([second.sid, first.sid]);
    expect(listed[0]).toEqual(second);
  });

  it("ending sessions on one instance removes them from the list and revokes them on every instance", async () => {
    const prefix = freshPrefix();
    const a = await openRegistry(prefix);
    const b = await openRegistry(prefix);
    const keep = record("user-4");
    const drop1 = record("user-4");
    const drop2 = record("user-4");
    for (const s of [keep, drop1, drop2]) await a.register(s);
    expect(await a.end("user-4", [drop1.sid, drop2.sid], Date.now() + 60_000)).toEqual({ shared: true });
    await waitFor(() => b.isRevoked(drop1.sid) && b.isRevoked(drop2.sid), 1_000, "B to learn both");
    expect((await b.list("user-4")).map((s) => s.sid)).toEqual([keep.sid]);
    expect(b.isRevoked(keep.sid)).toBe(false);
  });

  it("a live session reappears in the list after Redis restarted empty (its next `seen`)", async () => {
    const prefix = freshPrefix();
    const a = await openRegistry(prefix);
    const session = record("user-5");
    await a.register(session);
    await redis.stop("SIGKILL");
    await redis.start();
    await waitFor(() => a.health().connected && a.health().replicaLoaded, 10_000, "reconnect");
    expect(await a.list("user-5")).toEqual([]);
    const { lastSeenAt: _, ...base } = session;
    const later = Date.now() + LAST_SEEN_INTERVAL_MS + 1;
    a.seen(base.sid, () => base, later);
    await a.whenFlushed(5_000);
    expect(await a.list("user-5")).toEqual([{ ...session, lastSeenAt: later }]);
  });
});
