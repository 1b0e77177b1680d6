/**
 * What every session registry does, whatever it stores in (app/sessions/registry.server.ts): one
 * suite, run against the in-process registry (test/unit/session-registry-memory.test.ts) and the
 * Redis one on a real redis-server (test/integration/session-registry-redis.test.ts). Behaviour
 * only one of them has (several instances, outages) is tested beside it, in the Redis file.
 */
import { describe, expect, it } from "vitest";
import { LAST_SEEN_INTERVAL_MS, type SessionRecord, type SessionRegistry } from "~/sessions/registry.server";
import { newSessionId } from "~/sessions/session-id.server";

export interface RegistryUnderTest {
  registry: SessionRegistry;
  /** Resolves once writes made in the background (last-seen times, sign-in names) are stored. */
  settle(): Promise<void>;
}

/** A session record of `userId`, signed in and seen now unless `overrides` say otherwise. */
export function sessionRecord(userId: string, overrides: Partial<SessionRecord> = {}): SessionRecord {
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

/**
 * Registers the contract's tests for the registry `open` gives (a fresh one per test, with no
 * sessions; the caller closes it after each test).
 */
export function sessionRegistryContract(kind: SessionRegistry["kind"], open: () => Promise<RegistryUnderTest>) {
  describe(`every session registry (${kind})`, () => {
    it("revokes at once, tells its listeners once, and says the write is shared", async () => {
      const { registry: r } = await open();
      const sid = newSessionId();
      const heard: string[] = [];
      r.onRevoked((event) => heard.push(event.kind === "session" ? event.sid : `user ${event.userId}`));
      expect(r.isRevoked(sid)).toBe(false);
      expect(await r.revoke(sid, Date.now() + 60_000)).toEqual({ shared: true });
      expect(r.isRevoked(sid)).toBe(true);
      expect(heard).toEqual([sid]);
      expect(r.health()).toEqual({ kind, connected: true, replicaLoaded: true, revocations: 1, pendingWrites: 0 });
    });

    it("lists a user's sessions, most recently seen first, without revoked or other users' sessions", async () => {
      const { registry: r } = await open();
      const older = sessionRecord("u1", { lastSeenAt: Date.now() - 10_000 });
      const newer = sessionRecord("u1", {
        method: "hosted",
        device: { browser: "Chrome 140", os: "Android 15", type: "mobile" },
      });
      const revoked = sessionRecord("u1");
      for (const s of [older, newer, revoked, sessionRecord("u2")]) await r.register(s);
      await r.revoke(revoked.sid, Date.now() + 60_000);
      const listed = await r.list("u1");
      expect(listed.map((s) => s.sid)).toEqual([newer.sid, older.sid]);
      expect(listed[0]).toEqual(newer);
      expect(await r.list("nobody")).toEqual([]);
    });

    it("`seen` writes the last-seen time at most once a minute per session", async () => {
      const { registry: r, settle } = await open();
      const t0 = Date.now();
      const session = sessionRecord("u3", { signedInAt: t0, lastSeenAt: t0 });
      await r.register(session);
      const { lastSeenAt: _, ...base } = session;

      r.seen(base.sid, () => base, t0 + 30_000);
      await settle();
      expect((await r.list("u3"))[0]!.lastSeenAt).toBe(t0);

      r.seen(base.sid, () => base, t0 + LAST_SEEN_INTERVAL_MS + 1);
      await settle();
      expect((await r.list("u3"))[0]!.lastSeenAt).toBe(t0 + LAST_SEEN_INTERVAL_MS + 1);
    });

    it("`seen` re-creates a record it does not have (live sessions reappear in the list)", async () => {
      const { registry: r, settle } = await open();
      const t0 = Date.now();
      const { lastSeenAt: _, ...base } = sessionRecord("u9", { lastSeenAt: t0 });
      r.seen(base.sid, () => base, t0 + 1_000);
      await settle();
      expect((await r.list("u9")).map((x) => x.sid)).toEqual([base.sid]);
      expect((await r.list("u9"))[0]!.lastSeenAt).toBe(t0 + 1_000);
      r.seen(base.sid, () => base, t0 + 30_000);
      await settle();
      expect((await r.list("u9"))[0]!.lastSeenAt).toBe(t0 + 1_000);
      r.seen(base.sid, () => base, t0 + 1_000 + LAST_SEEN_INTERVAL_MS);
      await settle();
      expect((await r.list("u9"))[0]!.lastSeenAt).toBe(t0 + 1_000 + LAST_SEEN_INTERVAL_MS);
    });

    it("ending sessions revokes them and takes them off the list", async () => {
      const { registry: r } = await open();
      const keep = sessionRecord("u4");
      const drop1 = sessionRecord("u4");
      const drop2 = sessionRecord("u4");
      for (const s of [keep, drop1, drop2]) await r.register(s);
      expect(await r.end("u4", [drop1.sid, drop2.sid], Date.now() + 60_000)).toEqual({ shared: true });
      expect(r.isRevoked(drop1.sid)).toBe(true);
      expect(r.isRevoked(drop2.sid)).toBe(true);
      expect(r.isRevoked(keep.sid)).toBe(false);
      expect((await r.list("u4")).map((s) => s.sid)).toEqual([keep.sid]);
    });

    it("ending all of a user's sessions before a moment refuses older ones, keeps newer ones, empties the list", async () => {
      const { registry: r } = await open();
      const heard: string[] = [];
      r.onRevoked((event) => heard.push(event.kind === "user" ? `${event.userId}<${event.before}` : event.sid));
      const t0 = Date.now();
      await r.register(sessionRecord("u6", { signedInAt: t0 - 5_000 }));
      await r.register(sessionRecord("u7"));
      expect(await r.endAllBefore("u6", t0, t0 + 60_000)).toEqual({ shared: true });
      expect(r.isCutOff("u6", t0 - 1)).toBe(true);
      expect(r.isCutOff("u6", t0)).toBe(false);
      expect(r.isCutOff("u7", t0 - 1)).toBe(false);
      expect(heard).toEqual([`u6<${t0}`]);
      expect(await r.list("u6")).toEqual([]);
      expect(await r.list("u7")).toHaveLength(1);
    });

    it("remembers which user signed in with a name (case-insensitively)", async () => {
      const { registry: r, settle } = await open();
      r.linkLogin("Demo@Example.com ", "u8");
      await settle();
      expect(await r.userIdForLogin("demo@example.com")).toBe("u8");
      expect(await r.userIdForLogin("other@example.com")).toBeNull();
    });

    it("returns copies: callers cannot change what is stored", async () => {
      const { registry: r } = await open();
      await r.register(sessionRecord("u5"));
      const [listed] = await r.list("u5");
      listed!.device.browser = "changed";
      expect((await r.list("u5"))[0]!.device.browser).toBe("Safari 18");
    });
  });
}
