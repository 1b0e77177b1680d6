import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { VerifiedSessionCache } from "../../app/auth/verified-session-cache.server";

const SECRET_A = "secret-a-0123456789abcdef0123456789abcdef";
const SECRET_B = "secret-b-fedcba9876543210fedcba9876543210";

/** A sealed-looking cookie value (base64url, like the store writes). */
const sealed = () => `v1.${randomBytes(1800).toString("base64url")}`;

function cache(overrides: Partial<ConstructorParameters<typeof VerifiedSessionCache<string>>[0]> = {}) {
  let now = 1_000_000;
  const revoked = new Set<string>();
  const c = new VerifiedSessionCache<string>({
    secrets: [SECRET_A],
    maxEntries: 100,
    isRevoked: (sid) => revoked.has(sid),
    now: () => now,
    ...overrides,
  });
  return {
    c,
    revoked,
    advance: (ms: number) => {
      now += ms;
    },
    now: () => now,
  };
}

describe("VerifiedSessionCache", () => {
  it("answers only for the exact bytes that were stored: every one-byte change misses", () => {
    const { c, now } = cache();
    const value = sealed();
    c.set(c.digest(value), "session", now() + 60_000, "sid-1");
    expect(c.get(c.digest(value))).toBe("session");
    // Every position, one character changed to another base64url character.
    for (let i = 0; i < value.length; i += 1) {
      const ch = value[i] === "A" ? "B" : "A";
      const tampered = value.slice(0, i) + ch + value.slice(i + 1);
      expect(c.get(c.digest(tampered))).toBeUndefined();
    }
    // Truncated and extended.
    expect(c.get(c.digest(value.slice(0, -1)))).toBeUndefined();
    expect(c.get(c.digest(`${value}A`))).toBeUndefined();
    expect(c.get(c.digest(value))).toBe("session");
  });

  it("stops answering at expiresAt, and never stores an entry that is already due", () => {
    const { c, advance, now } = cache();
    const value = sealed();
    const d = c.digest(value);
    c.set(d, "session", now() + 5_000);
    advance(4_999);
    expect(c.get(d)).toBe("session");
    advance(1);
    expect(c.get(d)).toBeUndefined();
    expect(c.size).toBe(0); // dropped when found dead

    c.set(d, "session", now()); // due now
    c.set(d, "session", now() - 1);
    c.set(d, "session", Number.NaN);
    expect(c.size).toBe(0);
  });

  it("drops a revoked session at once, refuses a hit while it is revoked, and refuses to store it", () => {
    const { c, revoked, now } = cache();
    const a1 = sealed();
    const a2 = sealed(); // the same session after a refresh: new bytes, same id
    const b = sealed();
    c.set(c.digest(a1), "a1", now() + 60_000, "sid-a");
    c.set(c.digest(a2), "a2", now() + 60_000, "sid-a");
    c.set(c.digest(b), "b", now() + 60_000, "sid-b");
    c.revoke("sid-a");
    expect(c.get(c.digest(a1))).toBeUndefined();
    expect(c.get(c.digest(a2))).toBeUndefined();
    expect(c.get(c.digest(b))).toBe("b");
    expect(c.size).toBe(1);

    // Revoked while an entry was being verified: the replica says so, the hit is refused.
    c.set(c.digest(b), "b", now() + 60_000, "sid-b");
    revoked.add("sid-b");
    expect(c.get(c.digest(b))).toBeUndefined();
    c.set(c.digest(b), "b", now() + 60_000, "sid-b");
    expect(c.size).toBe(0);
  });

  it("derives its key from every secret: a different secret list never matches an earlier digest", () => {
    const value = sealed();
    const digests = [[SECRET_A], [SECRET_B, SECRET_A], [SECRET_B], [SECRET_A, SECRET_B]].map((secrets) =>
      cache({ secrets }).c.digest(value),
    );
    expect(new Set(digests).size).toBe(digests.length);
    // List boundaries count: ["ab", "c"] is not ["a", "bc"].
    expect(cache({ secrets: ["ab", "c"] }).c.digest(value)).not.toBe(cache({ secrets: ["a", "bc"] }).c.digest(value));
    // The digest is not a plain hash of the cookie: the same bytes, the same secrets, the same digest.
    expect(cache().c.digest(value)).toBe(cache().c.digest(value));
  });

  it("holds at most maxEntries, dropping the least recently used first", () => {
    const { c, now } = cache({ maxEntries: 3 });
    const values = [sealed(), sealed(), sealed(), sealed()];
    const [d0, d1, d2, d3] = values.map((v) => c.digest(v)) as [string, string, string, string];
    c.set(d0, "0", now() + 60_000);
    c.set(d1, "1", now() + 60_000);
    c.set(d2, "2", now() + 60_000);
    expect(c.get(d0)).toBe("0"); // 0 is now the most recently used
    c.set(d3, "3", now() + 60_000);
    expect(c.size).toBe(3);
    expect(c.get(d1)).toBeUndefined(); // 1 was the least recently used
    expect([c.get(d0), c.get(d2), c.get(d3)]).toEqual(["0", "2", "3"]);

    for (let i = 0; i < 1000; i++) c.set(c.digest(sealed()), "x", now() + 60_000, `sid-${i}`);
    expect(c.size).toBe(3);
  });

  it("stores nothing with maxEntries 0", () => {
    const { c, now } = cache({ maxEntries: 0 });
    const d = c.digest(sealed());
    c.set(d, "session", now() + 60_000);
    expect(c.get(d)).toBeUndefined();
    expect(c.size).toBe(0);
  });

  it("refuses bad options", () => {
    expect(() => cache({ maxEntries: -1 })).toThrow(/maxEntries/);
    expect(() => cache({ maxEntries: 1.5 })).toThrow(/maxEntries/);
    expect(() => cache({ secrets: [] })).toThrow(/secret/);
    expect(() => cache({ secrets: [""] })).toThrow(/secret/);
  });
});
