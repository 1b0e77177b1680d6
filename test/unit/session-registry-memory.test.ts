/**
 * The in-process session registry and the revocation set both implementations keep in memory.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MemorySessionRegistry } from "~/sessions/memory-registry.server";
import { LAST_SEEN_INTERVAL_MS, type SessionRecord } from "~/sessions/registry.server";
import { RevocationSet } from "~/sessions/revocations.server";
import { isSessionId, newSessionId } from "~/sessions/session-id.server";

const open: MemorySessionRegistry[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});
function registry() {
  const r = new MemorySessionRegistry();
  open.push(r);
  return r;
}

function record(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
  const now = Date.now();
  return {
    sid: newSessionId(),
    userId,
    method: "custom",
    device: { browser: "Safari 18", os: "iOS 18.1", type: "mobile" },
    ip: "198.51.100.0/24",
    signedInAt: now,
    lastSeenAt: now,
    ...overrides,
  };
}

describe("session ids", () => {
  it("are 128 random bits in base64url, and only that shape is accepted", () => {
    const ids = new Set(Array.from({ length: 1000 }, newSessionId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isSessionId(id)).toBe(true);
    for (const bad of ["", "a".repeat(21), "a".repeat(23), `${"a".repeat(21)}=`, `${"a".repeat(21)} `, 42, null]) {
      expect(isSessionId(bad)).toBe(false);
    }
  });
});

describe("RevocationSet", () => {
  it("holds a revocation until it expires, then forgets it on prune", () => {
    const set = new RevocationSet();
    expect(set.add("s1", 2_000, 1_000)).toBe(true);
    expect(set.has("s1", 1_999)).toBe(true);
    expect(set.has("s1", 2_000)).toBe(false);
    expect(set.prune(2_000)).toBe(1);
    expect(set.size).toBe(0);
  });

  it("ignores revocations that have already expired", () => {
    const set = new RevocationSet();
    expect(set.add("s1", 1_000, 1_000)).toBe(false);
    expect(set.size).toBe(0);
  });

  it("extends but never shortens a revocation, and tells listeners once per new revocation", () => {
    const set = new RevocationSet();
    const heard: string[] = [];
    const stop = set.onAdd((event) => heard.push(event.kind === "session" ? event.sid : `user ${event.userId}`));
    set.add("s1", 5_000, 0);
    set.add("s1", 3_000, 0);
    expect(set.has("s1", 4_000)).toBe(true);
    set.add("s1", 9_000, 0);
    expect(set.has("s1", 8_000)).toBe(true);
    expect(heard).toEqual(["s1"]);
    // Once expired, the same id revoked again is news again.
    set.add("s1", 12_000, 10_000);
    expect(heard).toEqual(["s1", "s1"]);
    stop();
    set.add("s2", 20_000, 10_000);
    expect(heard).toEqual(["s1", "s1"]);
  });

  it("a user cut-off refuses sessions that began before it, until it expires; a later cut-off replaces it", () => {
    const set = new RevocationSet();
    const heard: string[] = [];
    set.onAdd((event) => heard.push(event.kind === "user" ? `${event.userId}<${event.before}` : event.sid));
    expect(set.addCutoff("u1", 1_000, 50_000, 0)).toBe(true);
    expect(set.isCutOff("u1", 999, 10)).toBe(true);
    expect(set.isCutOff("u1", 1_000, 10)).toBe(false);
    expect(set.isCutOff("u2", 0, 10)).toBe(false);
    // An earlier cut-off is covered by the one we have: no news.
    expect(set.addCutoff("u1", 500, 60_000, 0)).toBe(false);
    expect(set.isCutOff("u1", 999, 55_000)).toBe(true);
    expect(set.addCutoff("u1", 2_000, 40_000, 0)).toBe(true);
    expect(set.isCutOff("u1", 1_500, 10)).toBe(true);
    expect(heard).toEqual(["u1<1000", "u1<2000"]);
    expect(set.isCutOff("u1", 1_500, 60_000)).toBe(false);
    expect(set.prune(60_000)).toBe(1);
    expect(set.size).toBe(0);
  });

  it("a throwing listener does not stop the revocation or the other listeners", () => {
    const set = new RevocationSet();
    const heard: string[] = [];
    const original = console.error;
    const logged: unknown[][] = [];
    console.error = (...args: unknown[]) => void logged.push(args);
    try {
      set.onAdd(() => {
        throw new Error("bug");
      });
      set.onAdd((event) => heard.push(event.kind === "session" ? event.sid : `user ${event.userId}`));
      set.add("s1", 5_000, 0);
    } finally {
      console.error = original;
    }
    expect(set.has("s1", 1)).toBe(true);
    expect(heard).toEqual(["s1"]);
    expect(logged).toHaveLength(1);
  });
});

describe("MemorySessionRegistry", () => {
  it("revokes at once, and says the write is shared (there is nothing else to share with)", async () => {
    const r = registry();
    const sid = newSessionId();
    const heard: string[] = [];
    r.onRevoked((event) => heard.push(event.kind === "session" ? event.sid : `user ${event.userId}`));
    expect(r.isRevoked(sid)).toBe(false);
    expect(await r.revoke(sid, Date.now() + 60_000)).toEqual({ shared: true });
    expect(r.isRevoked(sid)).toBe(true);
    expect(heard).toEqual([sid]);
    expect(r.health()).toEqual({
      kind: "memory",
      connected: true,
      replicaLoaded: true,
      revocations: 1,
      pendingWrites: 0,
    });
  });

  it("lists a user's sessions, most recently seen first, without revoked or other users' sessions", async () => {
    const r = registry();
    const older = record("u1", { lastSeenAt: Date.now() - 10_000 });
    const newer = record("u1");
    const revoked = record("u1");
    for (const s of [older, newer, revoked, record("u2")]) await r.register(s);
    await r.revoke(revoked.sid, Date.now() + 60_000);
    expect((await r.list("u1")).map((s) => s.sid)).toEqual([newer.sid, older.sid]);
    expect(await r.list("nobody")).toEqual([]);
  });

  it("`seen` moves last-seen forward at most once a minute, and re-creates a forgotten record", async () => {
    const r = registry();
    const t0 = Date.now();
    const s = record("u3", { lastSeenAt: t0 });
    const { lastSeenAt: _, ...base } = s;
    r.seen(base.sid, () => base, t0 + 1_000);
    expect((await r.list("u3")).map((x) => x.sid)).toEqual([s.sid]);
    expect((await r.list("u3"))[0]!.lastSeenAt).toBe(t0 + 1_000);
    r.seen(base.sid, () => base, t0 + 30_000);
    expect((await r.list("u3"))[0]!.lastSeenAt).toBe(t0 + 1_000);
    r.seen(base.sid, () => base, t0 + 1_000 + LAST_SEEN_INTERVAL_MS);
    expect((await r.list("u3"))[0]!.lastSeenAt).toBe(t0 + 1_000 + LAST_SEEN_INTERVAL_MS);
  });

  it("ending sessions revokes them and takes them off the list", async () => {
    const r = registry();
    const keep = record("u4");
    const end = record("u4");
    await r.register(keep);
    await r.register(end);
    await r.end("u4", [end.sid], Date.now() + 60_000);
    expect(r.isRevoked(end.sid)).toBe(true);
    expect(r.isRevoked(keep.sid)).toBe(false);
    expect((await r.list("u4")).map((s) => s.sid)).toEqual([keep.sid]);
  });

  it("ending all of a user's sessions before a moment refuses older ones, keeps newer ones, empties the list", async () => {
    const r = registry();
    const t0 = Date.now();
    await r.register(record("u6", { signedInAt: t0 - 5_000 }));
    await r.register(record("u7"));
    await r.endAllBefore("u6", t0, t0 + 60_000);
    expect(r.isCutOff("u6", t0 - 1)).toBe(true);
    expect(r.isCutOff("u6", t0)).toBe(false);
    expect(r.isCutOff("u7", t0 - 1)).toBe(false);
    expect(await r.list("u6")).toEqual([]);
    expect(await r.list("u7")).toHaveLength(1);
  });

  it("remembers which user signed in with a name (case-insensitively), by digest only", async () => {
    const r = registry();
    r.linkLogin("Demo@Example.com ", "u8");
    expect(await r.userIdForLogin("demo@example.com")).toBe("u8");
    expect(await r.userIdForLogin("other@example.com")).toBeNull();
  });

  it("returns copies: callers cannot change what is stored", async () => {
    const r = registry();
    const s = record("u5");
    await r.register(s);
    const [listed] = await r.list("u5");
    listed!.device.browser = "changed";
    expect((await r.list("u5"))[0]!.device.browser).toBe("Safari 18");
  });
});
