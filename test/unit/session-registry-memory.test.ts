/**
 * The in-process session registry (the contract every registry meets, test/support/
 * session-registry-contract.ts), the revocation set both implementations keep in memory, and
 * session ids.
 */
import { afterEach, describe, expect, it } from "vitest";
import { MemorySessionRegistry } from "~/sessions/memory-registry.server";
import { RevocationSet } from "~/sessions/revocations.server";
import { isSessionId, newSessionId } from "~/sessions/session-id.server";
import { sessionRegistryContract } from "../support/session-registry-contract.ts";

const open: MemorySessionRegistry[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});
function registry() {
  const r = new MemorySessionRegistry();
  open.push(r);
  return r;
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

sessionRegistryContract("memory", async () => ({ registry: registry(), settle: async () => {} }));
