import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createSealedCookieStore, type SealedCookieOptions, setCookieBytes } from "../../app/auth/sealed-cookie.server";

interface Session {
  idToken: string;
  accessToken: string;
  refreshToken: string;
  claims: { sub: string; email: string; groups: string[] };
}

const SECRET_A = "secret-a-0123456789abcdef0123456789abcdef";
const SECRET_B = "secret-b-fedcba9876543210fedcba9876543210";
const DAY = 24 * 60 * 60;

function store(overrides: Partial<SealedCookieOptions> = {}) {
  return createSealedCookieStore<Session>({
    name: "__session",
    secrets: [SECRET_A],
    secure: true,
    maxAgeSeconds: 30 * DAY,
    ...overrides,
  });
}

/**
 * AWS-size tokens, worst case: base64url of random bytes. (Deflate still saves
 * ~25% on it, since base64 carries only 6 bits per 8-bit character.)
 */
function bigSession(): Session {
  const token = () => randomBytes(1536).toString("base64url"); // 2048 chars
  return {
    idToken: token(),
    accessToken: token(),
    refreshToken: token(),
    claims: {
      sub: "6f1c2d3e-aaaa-bbbb-cccc-0123456789ab",
      email: "someone@example.com",
      groups: ["admins", "users"],
    },
  };
}

const smallSession: Session = {
  idToken: "id",
  accessToken: "access",
  refreshToken: "refresh",
  claims: { sub: "u1", email: "u1@example.com", groups: [] },
};

/** What the browser would send back: the name=value of each live Set-Cookie. */
function cookiePairs(setCookies: string[]): [string, string][] {
  return setCookies
    .filter((c) => !/;\s*Max-Age=0(?:;|$)/.test(c))
    .map((c) => {
      const pair = c.slice(0, c.indexOf(";"));
      const eq = pair.indexOf("=");
      return [pair.slice(0, eq), pair.slice(eq + 1)];
    });
}

const header = (pairs: [string, string][]) => pairs.map(([n, v]) => `${n}=${v}`).join("; ");
const toHeader = (setCookies: string[]) => header(cookiePairs(setCookies));
const namesOf = (setCookies: string[]) => setCookies.map((c) => c.slice(0, c.indexOf("=")));
const deletedNames = (setCookies: string[]) => namesOf(setCookies.filter((c) => /;\s*Max-Age=0(?:;|$)/.test(c)));

/**
 * A store with a smaller cookie budget, so that a big session spans ≥ 3 chunks
 * and chunks 1 and 2 can be swapped or replaced without touching chunk 0.
 */
const chunkyStore = () => store({ maxCookieBytes: 2048 });

/** Writes a big session and checks it spans at least `minChunks` cookies. */
function writeBig(s = store(), minChunks = 2, data = bigSession()) {
  const setCookies = s.write(data, null);
  expect(setCookies.length).toBeGreaterThanOrEqual(minChunks);
  return { data, setCookies, pairs: cookiePairs(setCookies) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe("round trip", () => {
  it("stores and reads back a small object in a single chunk", () => {
    const s = store();
    const setCookies = s.write(smallSession, null);
    expect(namesOf(setCookies)).toEqual(["__session.0"]);
    expect(s.read(toHeader(setCookies))).toEqual(smallSession);
  });

  it("splits AWS-size tokens over several cookies, each ≤ 4096 bytes", () => {
    const s = store();
    const { data, setCookies } = writeBig(s);
    expect(namesOf(setCookies)).toEqual(setCookies.map((_, i) => `__session.${i}`));
    for (const c of setCookies) expect(setCookieBytes(c)).toBeLessThanOrEqual(4096);
    // Chunks are filled, not tiny: all but the last one use nearly the whole budget.
    for (const c of setCookies.slice(0, -1)) expect(setCookieBytes(c)).toBeGreaterThan(4000);
    expect(s.read(toHeader(setCookies))).toEqual(data);
  });

  it("honours a custom maxCookieBytes", () => {
    const s = store({ maxCookieBytes: 1500 });
    const data = { ...smallSession, idToken: randomBytes(3000).toString("base64url") };
    const setCookies = s.write(data, null);
    expect(setCookies.length).toBeGreaterThan(2);
    for (const c of setCookies) expect(setCookieBytes(c)).toBeLessThanOrEqual(1500);
    expect(s.read(toHeader(setCookies))).toEqual(data);
  });

  it("reads its cookies among unrelated cookies in any header order", () => {
    const s = store();
    const { data, pairs } = writeBig(s);
    const mixed = header([["theme", "dark"], ...[...pairs].reverse(), ["_ga", "GA1.2.3=4"]]);
    expect(s.read(mixed)).toEqual(data);
  });

  it("compresses the payload", () => {
    // JWT-like content: base64url of repetitive JSON, as real token bodies are.
    const claims = JSON.stringify({ iss: "https://cognito-idp.eu-west-1.amazonaws.com/x", aud: "y", token_use: "id" });
    const jwtish = Buffer.from(claims.repeat(20)).toString("base64url");
    const data = { ...smallSession, idToken: jwtish };
    const stored = cookiePairs(store().write(data, null))
      .map(([, v]) => v)
      .join("");
    expect(stored.length).toBeLessThan(JSON.stringify(data).length / 2);
  });

  it("uses a fresh IV per write", () => {
    const s = store();
    expect(s.write(smallSession, null)[0]).not.toEqual(s.write(smallSession, null)[0]);
  });
});

describe("secret rotation", () => {
  it("reads a session written with an older secret that is still listed", () => {
    const written = store({ secrets: [SECRET_A] }).write(smallSession, null);
    expect(store({ secrets: [SECRET_B, SECRET_A] }).read(toHeader(written))).toEqual(smallSession);
  });

  it("rejects a session whose secret was removed", () => {
    const written = store({ secrets: [SECRET_B, SECRET_A] }).write(smallSession, null);
    // Sanity: readable while B is still configured.
    expect(store({ secrets: [SECRET_B] }).read(toHeader(written))).toEqual(smallSession);
    expect(store({ secrets: [SECRET_A] }).read(toHeader(written))).toBeNull();
  });

  it("does not accept a session sealed for another cookie name", () => {
    const written = store({ name: "__other" }).write(smallSession, null);
    const renamed = toHeader(written).replaceAll("__other.", "__session.");
    expect(store({ name: "__other" }).read(toHeader(written))).toEqual(smallSession);
    expect(store().read(renamed)).toBeNull();
  });
});

describe("integrity", () => {
  it("rejects a flipped character in a middle chunk", () => {
    const s = chunkyStore();
    const { pairs } = writeBig(s, 3);
    const [n, v] = pairs[1]!;
    const at = Math.floor(v.length / 2);
    const flipped = v.slice(0, at) + (v[at] === "A" ? "B" : "A") + v.slice(at + 1);
    const tampered = pairs.map((p, i): [string, string] => (i === 1 ? [n, flipped] : p));
    expect(s.read(header(pairs))).not.toBeNull();
    expect(s.read(header(tampered))).toBeNull();
  });

  it("rejects a truncated session (last chunk missing)", () => {
    const s = chunkyStore();
    const { pairs } = writeBig(s, 3);
    expect(s.read(header(pairs.slice(0, -1)))).toBeNull();
  });

  it("rejects swapped chunk order", () => {
    const s = chunkyStore();
    const { pairs } = writeBig(s, 3);
    const swapped = pairs.map((p, i): [string, string] =>
      i === 1 ? [p[0], pairs[2]![1]] : i === 2 ? [p[0], pairs[1]![1]] : p,
    );
    expect(s.read(header(swapped))).toBeNull();
  });

  it("rejects a chunk taken from another session sealed with the same key", () => {
    const s = chunkyStore();
    const one = writeBig(s, 3);
    const two = writeBig(s, 3);
    expect(s.read(header(two.pairs))).toEqual(two.data);
    const mixed = one.pairs.map((p, i): [string, string] => (i === 1 ? two.pairs[1]! : p));
    expect(mixed[1]![0]).toBe("__session.1");
    expect(s.read(header(mixed))).toBeNull();
  });

  it("rejects a tampered chunk count", () => {
    const s = chunkyStore();
    const { pairs } = writeBig(s, 3);
    const [n, v] = pairs[0]!;
    const fewer = pairs.map((p, i): [string, string] =>
      i === 0 ? [n, v.replace(/^\d+\./, `${pairs.length - 1}.`)] : p,
    );
    expect(s.read(header(fewer))).toBeNull();
  });

  it("ignores stale chunks beyond the declared count", () => {
    const s = chunkyStore();
    const big = writeBig(s, 3);
    const small = s.write(smallSession, null);
    // A browser that missed the deletions still sends the old chunks 1, 2, ….
    const withStale = header([...cookiePairs(small), ...big.pairs.slice(1)]);
    expect(s.read(withStale)).toEqual(smallSession);
  });

  it("treats a repeated chunk name as invalid (possible cookie injection)", () => {
    const s = store();
    const good = cookiePairs(s.write(smallSession, null));
    expect(s.read(header(good))).toEqual(smallSession);
    expect(s.read(header([...good, ...good]))).toBeNull();
    const other = cookiePairs(s.write({ ...smallSession, claims: { ...smallSession.claims, sub: "attacker" } }, null));
    expect(s.read(header([...other, ...good]))).toBeNull();
  });

  it.each([
    ["null", null],
    ["empty header", ""],
    ["unrelated cookies only", "theme=dark; lang=en"],
    ["no count prefix", "__session.0=abc"],
    ["zero count", "__session.0=0.v1.AAAA"],
    ["absurd count", "__session.0=999999.v1.AAAA"],
    ["wrong version", "__session.0=1.v9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["short ciphertext", "__session.0=1.v1.AAAA"],
    ["random ciphertext", `__session.0=1.v1.${randomBytes(200).toString("base64url")}`],
    ["invalid characters", "__session.0=1.v1.%%%%; __session.1=$$"],
    ["missing chunk 1", `__session.0=2.v1.${randomBytes(100).toString("base64url")}`],
    ["separators only", ";;; =; ==; __session.0"],
  ])("returns null for garbage: %s", (_label, input) => {
    expect(store().read(input)).toBeNull();
  });

  it("never throws on arbitrary input", () => {
    const s = store();
    for (let i = 0; i < 200; i++) {
      const junk = randomBytes(64).toString("latin1");
      expect(() => s.read(`__session.0=${junk}; __session.1=${junk}`)).not.toThrow();
    }
  });
});

describe("expiry", () => {
  it("rejects a session after maxAgeSeconds", () => {
    vi.useFakeTimers();
    vi.setSystemTime(new Date("2025-01-01T00:00:00Z"));
    const s = store({ maxAgeSeconds: 60 });
    const cookie = toHeader(s.write(smallSession, null));

    vi.setSystemTime(new Date("2025-01-01T00:00:59Z"));
    expect(s.read(cookie)).toEqual(smallSession);

    vi.setSystemTime(new Date("2025-01-01T00:01:01Z"));
    expect(s.read(cookie)).toBeNull();
  });
});

describe("shrink and destroy", () => {
  it("deletes stale higher-numbered chunks when the session shrinks", () => {
    const s = store();
    const big = writeBig(s);
    const small = s.write(smallSession, header(big.pairs));
    const staleNames = big.pairs.slice(1).map(([n]) => n);
    expect(deletedNames(small).sort()).toEqual(staleNames.sort());
    // The surviving chunk is still written and readable.
    expect(s.read(toHeader(small))).toEqual(smallSession);
  });

  it("emits no deletions when the session does not shrink", () => {
    const s = store();
    const big = writeBig(s);
    expect(deletedNames(s.write(bigSession(), header(big.pairs)))).toEqual([]);
    expect(deletedNames(s.write(smallSession, null))).toEqual([]);
  });

  it("destroy deletes every chunk present", () => {
    const s = store();
    const big = writeBig(s);
    const deletions = s.destroy(header([["theme", "dark"], ...big.pairs]));
    expect(namesOf(deletions).sort()).toEqual(big.pairs.map(([n]) => n).sort());
    for (const c of deletions) {
      expect(c).toMatch(/^__session\.\d+=;/);
      expect(c).toMatch(/; Max-Age=0(?:;|$)/);
      expect(c).toContain("; Path=/");
    }
  });

  it("destroy deletes at least chunk 0 when no cookie is present", () => {
    expect(namesOf(store().destroy(null))).toEqual(["__session.0"]);
  });
});

describe("cookie attributes", () => {
  it.each([true, false])("secure: %s", (secure) => {
    const s = store({ secure, path: "/app" });
    const { setCookies } = writeBig(s);
    const all = [...setCookies, ...s.destroy(header(cookiePairs(setCookies)))];
    for (const c of all) {
      const attributes = c
        .split(";")
        .slice(1)
        .map((a) => a.trim());
      expect(attributes).toContain("HttpOnly");
      expect(attributes).toContain("SameSite=Lax");
      expect(attributes).toContain("Path=/app");
      expect(attributes.includes("Secure")).toBe(secure);
    }
    for (const c of setCookies) expect(c).toContain(`; Max-Age=${30 * DAY}`);
  });

  it("uses only cookie-safe characters in values", () => {
    const { pairs } = writeBig();
    for (const [, v] of pairs) expect(v).toMatch(/^[A-Za-z0-9_.-]+$/);
  });
});

describe("options validation", () => {
  it.each<[string, Partial<SealedCookieOptions>]>([
    ["no secrets", { secrets: [] }],
    ["empty secret", { secrets: [""] }],
    ["bad name", { name: "a b" }],
    ["bad path", { path: "/; Domain=evil.example" }],
    ["non-integer max age", { maxAgeSeconds: 1.5 }],
    ["tiny cookie budget", { maxCookieBytes: 100 }],
    ["__Host- without secure", { name: "__Host-session", secure: false }],
  ])("throws for %s", (_label, overrides) => {
    expect(() => store(overrides)).toThrow(TypeError);
  });

  it("refuses to write a session too large for the cookie jar", () => {
    const s = store();
    const huge = { ...smallSession, idToken: randomBytes(40_000).toString("base64url") };
    expect(() => s.write(huge, null)).toThrow(RangeError);
  });
});
