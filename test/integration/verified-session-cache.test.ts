/**
 * The verified-session cache (docs/decisions/010-verified-session-cache.md),
 * through the running app: a cookie whose exact bytes were verified a moment
 * ago is served from the cache, and everything else still goes through the
 * full check — a cookie one character away from a cached one, a cached
 * session whose access token has become due for refresh or that has been
 * signed out, garbage that would only fill the cache. /bench/stats (BENCH_ROUTES=1) shows hits and misses,
 * so each test can tell that its request really went through the cache.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";
import { decodeJwt, emulatorSigningKey, putCookies, sealSession, signJwt } from "../support/tokens.ts";

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };
const SIGNED_OUT = "/login?redirectTo=%2Fdashboard";

interface CacheStats {
  entries: number;
  hits: number;
  misses: number;
}

describe("the verified-session cache", () => {
  const app = suiteApp({ env: { BENCH_ROUTES: "1" } });
  let signedIn: CookieJar;
  beforeAll(async () => {
    signedIn = await signInWithForm(app.url, DEMO.username, DEMO.password);
  });

  async function stats(): Promise<CacheStats> {
    const res = await fetch(`${app.url}/bench/stats`);
    expect(res.status).toBe(200);
    return ((await res.json()) as { sessionCache: CacheStats }).sessionCache;
  }

  async function dashboard(jar: CookieJar) {
    const res = await jar.fetch(`${app.url}/dashboard`);
    const html = res.status === 200 ? await res.text() : "";
    return { res, html };
  }

  /** GET /dashboard, and how the cache counters moved while it ran. */
  async function dashboardCounted(jar: CookieJar) {
    const before = await stats();
    const page = await dashboard(jar);
    const after = await stats();
    return { ...page, hits: after.hits - before.hits, misses: after.misses - before.misses };
  }

  it("serves the same cookie again from the cache, with no new cookie and the same page", async () => {
    const first = await dashboardCounted(signedIn.clone());
    expect(first.res.status).toBe(200);
    const again = await dashboardCounted(signedIn.clone());
    expect(again.res.status).toBe(200);
    expect(again.hits).toBe(1);
    expect(again.misses).toBe(0);
    expect(again.res.headers.getSetCookie()).toEqual([]);
    expect(again.html).toContain(`data-testid="email">${DEMO.username}<`);
  });

  it("refuses a cookie one character away from a cached one, wherever the character is", async () => {
    const jar = signedIn.clone();
    expect((await dashboardCounted(jar)).hits).toBe(1); // cached
    const value = jar.get("__Host-session.0")!;
    const dot = value.indexOf(".");
    // Positions across the sealed value (after the chunk count): the IV, the GCM tag, the ciphertext.
    const sealedLength = value.length - dot - 1;
    for (const at of [2, 20, 40, Math.floor(sealedLength / 2), sealedLength - 10]) {
      const i = dot + 1 + at;
      const tampered = jar.clone();
      tampered.set("__Host-session.0", value.slice(0, i) + (value[i] === "A" ? "B" : "A") + value.slice(i + 1));
      const { res, misses, hits } = await dashboardCounted(tampered);
      expect(hits, `character ${at}`).toBe(0);
      expect(misses, `character ${at}: looked up, not found`).toBe(1);
      expectRedirect(res, SIGNED_OUT);
    }
    // The intact cookie is still served from the cache.
    const intact = await dashboardCounted(jar.clone());
    expect(intact.res.status).toBe(200);
    expect(intact.hits).toBe(1);
  });

  it("stops serving a cached session once its access token is due for refresh", async () => {
    // A session whose access token (properly signed, with the emulator's key)
    // expires 66 s from now: verified and cached for the ~6 s until it is
    // within the 60 s refresh window. It has no refresh token, so once it is
    // due the full check signs it out — unless a stale entry answers instead.
    const real = signedIn.session()!;
    const exp = Math.floor(Date.now() / 1000) + 66;
    const access = signJwt({ ...decodeJwt(real.access).payload, exp }, emulatorSigningKey());
    const jar = putCookies(
      new CookieJar(),
      sealSession({ flow: "custom", id: real.id, access, at: real.at, sid: real.sid, from: real.from }),
    );

    const verified = await dashboardCounted(jar);
    expect(verified.res.status).toBe(200);
    expect(verified.misses).toBe(1);
    const cached = await dashboardCounted(jar);
    expect(cached.res.status).toBe(200);
    expect(cached.hits).toBe(1);

    // Wait for the clock (not for the app) to pass the moment the token becomes due.
    while (Date.now() < (exp - 60) * 1000 + 50) await new Promise((r) => setTimeout(r, 100));
    const due = await dashboardCounted(jar);
    expect(due.hits).toBe(0);
    expectRedirect(due.res, SIGNED_OUT);
  });

  it("refuses a cached session the moment it is signed out (a copy of the cookie was cached)", async () => {
    const jar = await signInWithForm(app.url, DEMO.username, DEMO.password);
    const copy = jar.clone();
    expect((await dashboardCounted(copy)).res.status).toBe(200);
    const cached = await dashboardCounted(copy);
    expect(cached.res.status).toBe(200);
    expect(cached.hits).toBe(1); // the copy is served from the cache

    // Sign-out (with the same cookie) revokes the session id: the cached entry must not answer.
    expectRedirect(await jar.post(`${app.url}/logout`, {}, { headers: { Origin: app.url } }), "/");
    const after = await dashboardCounted(copy);
    expect(after.hits).toBe(0);
    expectRedirect(after.res, SIGNED_OUT);
  });

  it("keeps only cookies that verified: garbage and tampered cookies add nothing", async () => {
    const before = await stats();
    const value = signedIn.get("__Host-session.0")!;
    for (let i = 0; i < 40; i++) {
      const jar = new CookieJar();
      const at = 10 + i * 7;
      jar.set("__Host-session.0", value.slice(0, at) + (value[at] === "A" ? "B" : "A") + value.slice(at + 1));
      expectRedirect((await dashboard(jar)).res, SIGNED_OUT);
    }
    const after = await stats();
    expect(after.entries).toBe(before.entries);
    expect(after.misses - before.misses).toBe(40);
  });
});
