/**
 * Attacks on the session cookie itself: tampering, truncation, reordering and
 * mixing of chunks, planted duplicates, expiry, and secret rotation. The
 * session belongs to a user in ~40 randomly named groups, so its tokens are
 * AWS-sized and the sealed session spans at least two cookies — the chunking
 * is under attack too. Anything but an intact cookie sealed under a current
 * secret must read as signed out (login redirect, cookie cleared), never 500.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { StoredSession } from "../../app/auth/stored-session.server.ts";
import { type RunningApp, startApp, TEST_SESSION_SECRET } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";
import { openSession, putCookies, sealSession } from "../support/tokens.ts";
import { createLargeTokenUser, type TestUser } from "../support/users.ts";

const SIGNED_OUT = "/login?redirectTo=%2Fdashboard";
let BIG: TestUser;

const chunkNames = (jar: CookieJar) =>
  jar
    .names()
    .filter((n) => /^__Host-session\.\d+$/.test(n))
    .sort();

/** Splits chunk 0's value into its count prefix and its part of the sealed session. */
function chunk0(jar: CookieJar): { count: string; part: string } {
  const value = jar.get("__Host-session.0")!;
  const dot = value.indexOf(".");
  return { count: value.slice(0, dot), part: value.slice(dot + 1) };
}

/** Changes one base64url character in the middle of `value` (offset from its middle). */
function flipChar(value: string, offset = 0): string {
  const i = Math.floor(value.length / 2) + offset;
  return value.slice(0, i) + (value[i] === "A" ? "B" : "A") + value.slice(i + 1);
}

describe("session cookie attacks (a two-chunk session)", () => {
  const app = suiteApp();
  /** A signed-in jar of BIG; each test works on a clone. */
  let signedIn: CookieJar;
  /** A second, independent session of the same user. */
  let otherSession: CookieJar;

  beforeAll(async () => {
    BIG = await createLargeTokenUser("cookies");
    signedIn = await signInWithForm(app.url, BIG.username, BIG.password);
    otherSession = await signInWithForm(app.url, BIG.username, BIG.password);
  });

  async function expectSignedIn(jar: CookieJar, what: string) {
    const res = await jar.fetch(`${app.url}/dashboard`);
    expect(res.status, what).toBe(200);
    expect(await res.text(), what).toContain(`data-testid="email">${BIG.username}<`);
  }

  async function expectSignedOut(jar: CookieJar, what: string) {
    const home = await fetch(`${app.url}/`, { headers: { Cookie: jar.header() } });
    expect(home.status, `${what}: GET /`).toBe(200);
    expect(await home.text(), `${what}: GET /`).toMatch(/data-testid="auth-state">\s*You are not signed in\./);
    const res = await jar.fetch(`${app.url}/dashboard`);
    expect(res.status, `${what}: GET /dashboard`).not.toBe(500);
    expectRedirect(res, SIGNED_OUT);
    expect(chunkNames(jar), `${what}: every chunk cleared`).toEqual([]);
  }

  it("control: the session spans at least two cookies and is signed in", async () => {
    expect(chunkNames(signedIn).length).toBeGreaterThanOrEqual(2);
    expect(chunk0(signedIn).count).toBe(String(chunkNames(signedIn).length));
    expect(chunkNames(otherSession)).toEqual(chunkNames(signedIn));
    await expectSignedIn(signedIn.clone(), "untouched session");
    await expectSignedIn(otherSession.clone(), "the other session");
  });

  it("tampered: one character changed in any chunk, or in the chunk count", async () => {
    for (const [name, offset] of [
      ["__Host-session.0", 0],
      ["__Host-session.0", 37],
      ["__Host-session.1", 0],
      ["__Host-session.1", -11],
    ] as const) {
      const jar = signedIn.clone();
      const value = jar.get(name)!;
      jar.set(name, flipChar(value, offset));
      await expectSignedOut(jar, `${name} tampered at +${offset}`);
    }
    const count = Number(chunk0(signedIn).count);
    for (const claimed of [count - 1, count + 1, 9, 0]) {
      const jar = signedIn.clone();
      jar.set("__Host-session.0", `${claimed}.${chunk0(signedIn).part}`);
      await expectSignedOut(jar, `count changed from ${count} to ${claimed}`);
    }
  });

  it("truncated: a chunk dropped, emptied or cut short", async () => {
    const last = chunkNames(signedIn).at(-1)!;
    const dropped = signedIn.clone();
    dropped.delete(last);
    await expectSignedOut(dropped, `${last} dropped`);

    const emptied = signedIn.clone();
    emptied.set(last, "");
    await expectSignedOut(emptied, `${last} emptied`);

    const cutLast = signedIn.clone();
    cutLast.set(last, signedIn.get(last)!.slice(0, -100));
    await expectSignedOut(cutLast, `${last} cut short`);

    const cutFirst = signedIn.clone();
    cutFirst.set("__Host-session.0", signedIn.get("__Host-session.0")!.slice(0, 1000));
    await expectSignedOut(cutFirst, "__Host-session.0 cut short");

    const onlyFirst = signedIn.clone();
    onlyFirst.delete("__Host-session.0");
    await expectSignedOut(onlyFirst, "__Host-session.0 dropped");
  });

  it("swapped: chunks in the wrong order", async () => {
    const { count, part } = chunk0(signedIn);
    const second = signedIn.get("__Host-session.1")!;
    const swappedParts = signedIn.clone();
    swappedParts.set("__Host-session.0", `${count}.${second}`);
    swappedParts.set("__Host-session.1", part);
    await expectSignedOut(swappedParts, "parts swapped, count kept in chunk 0");

    const swappedValues = signedIn.clone();
    swappedValues.set("__Host-session.0", second);
    swappedValues.set("__Host-session.1", signedIn.get("__Host-session.0")!);
    await expectSignedOut(swappedValues, "cookie values swapped");
  });

  it("mixed: a chunk from another session of the same user", async () => {
    const a = signedIn.clone();
    a.set("__Host-session.1", otherSession.get("__Host-session.1")!);
    await expectSignedOut(a, "chunk 1 from the other session");

    const b = signedIn.clone();
    b.set("__Host-session.0", otherSession.get("__Host-session.0")!);
    await expectSignedOut(b, "chunk 0 from the other session");
  });

  it("planted: a second cookie with a chunk's name (e.g. from a sibling subdomain) is not trusted", async () => {
    for (const planted of [otherSession.get("__Host-session.0")!, signedIn.get("__Host-session.0")!]) {
      const header = `${signedIn.header()}; __Host-session.0=${planted}`;
      const res = await fetch(`${app.url}/dashboard`, { headers: { Cookie: header }, redirect: "manual" });
      expectRedirect(res, SIGNED_OUT);
      expect(res.headers.getSetCookie().some((c) => /^__Host-session\.0=;.*Max-Age=0/i.test(c))).toBe(true);
    }
  });

  it("garbage in the cookie: malformed, non-base64, oversized — signed out, never a 500", async () => {
    const values = [
      "garbage",
      "1.",
      "2.v1.",
      "1.v1.!!!!",
      `1.v2.${randomBytes(300).toString("base64url")}`,
      `1.v1.${randomBytes(300).toString("base64url")}`,
      `1.v1.${randomBytes(6000).toString("base64url")}`,
      `00001.${chunk0(signedIn).part}`,
      `-1.${chunk0(signedIn).part}`,
      `"1.${chunk0(signedIn).part}"`,
      "%00%ff",
    ];
    for (const value of values) {
      const jar = new CookieJar();
      jar.set("__Host-session.0", value);
      await expectSignedOut(jar, `__Host-session.0=${value.slice(0, 24)}…`);
    }
  });

  it("expired: a session sealed longer ago than its lifetime is refused even with valid tokens", async () => {
    const stored = signedIn.session() as StoredSession;
    expect(stored).not.toBeNull();
    // Control: the same session re-sealed now (two chunks again) is accepted.
    const fresh = putCookies(new CookieJar(), sealSession(stored));
    expect(chunkNames(fresh).length).toBeGreaterThanOrEqual(2);
    await expectSignedIn(fresh, "re-sealed now");
    // Sealed two hours ago with a one-hour lifetime.
    let old: CookieJar;
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() - 2 * 3600 * 1000);
      old = putCookies(new CookieJar(), sealSession(stored));
    } finally {
      vi.useRealTimers();
    }
    await expectSignedOut(old, "sealed two hours ago");
  });
});

describe("SESSION_SECRET rotation", () => {
  const OLD = `old-${randomBytes(24).toString("hex")}`;
  const NEW = `new-${randomBytes(24).toString("hex")}`;
  const UNKNOWN = `unknown-${randomBytes(24).toString("hex")}`;
  let rotated: RunningApp;
  let removed: RunningApp;
  let stored: StoredSession;

  beforeAll(async () => {
    // "<new>,<old>": new cookies under NEW, old ones still read. Then "<new>": OLD is gone.
    // Both apps share one app client, so the same tokens are valid on both.
    rotated = await startApp({ env: { SESSION_SECRET: `${NEW},${OLD}` } });
    removed = await startApp({ env: { SESSION_SECRET: NEW, COGNITO_CLIENT_ID: rotated.clientId } });
    const jar = new CookieJar();
    expectRedirect(
      await jar.post(`${rotated.url}/login`, { username: "demo@example.com", password: "DemoPassw0rd!" }),
      "/dashboard",
    );
    stored = openSession(jar, [NEW])!;
    expect(stored, "a new session is sealed with the first secret").not.toBeNull();
    expect(openSession(jar, [OLD]), "…and not with the old one").toBeNull();
    expect(openSession(jar, [TEST_SESSION_SECRET])).toBeNull();
  });
  afterAll(async () => {
    await rotated?.stop();
    await removed?.stop();
  });

  const dashboard = (app: RunningApp, setCookies: string[]) =>
    putCookies(new CookieJar(), setCookies).fetch(`${app.url}/dashboard`);

  it("still accepts a cookie sealed with the old secret while it is listed", async () => {
    const res = await dashboard(rotated, sealSession(stored, [OLD]));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('data-testid="email">demo@example.com<');
    expect((await dashboard(rotated, sealSession(stored, [NEW]))).status).toBe(200);
  });

  it("signs out a cookie sealed with a secret that was removed (or never configured), never a 500", async () => {
    for (const [secret, app, what] of [
      [OLD, removed, "old secret, removed"],
      [UNKNOWN, rotated, "a secret never configured"],
      [UNKNOWN, removed, "a secret never configured"],
    ] as const) {
      const jar = putCookies(new CookieJar(), sealSession(stored, [secret]));
      const res = await jar.fetch(`${app.url}/dashboard`);
      expect(res.status, what).not.toBe(500);
      expectRedirect(res, SIGNED_OUT);
      expect(chunkNames(jar), `${what}: cleared`).toEqual([]);
    }
    // Control: the current secret still works on the app that dropped OLD.
    expect((await dashboard(removed, sealSession(stored, [NEW]))).status).toBe(200);
  });
});
