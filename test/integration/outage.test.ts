/**
 * Failure and recovery: Cognito goes away mid-session and comes back.
 *
 * A private emulator (its own data directory and port) is stopped and
 * restarted by this test; the app uses an app client with 30-second access
 * tokens, so every request is inside the 60 s refresh window and tries to
 * refresh — during the outage that refresh fails, and the still-valid access
 * token (verified locally against the cached JWKS) must carry the user on.
 * A second app, with 2-second access tokens, has its token expire during the
 * outage: it must answer 503 and keep the cookie, never sign the person out.
 */

import { RevokeTokenCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../support/app.ts";
import { CookieJar, expectRedirect, jwtClaims, signInWithForm } from "../support/http.ts";
import { type OwnEmulator, startOwnEmulator } from "../support/own-emulator.ts";

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };

interface Health {
  ok: boolean;
  cognito: { reachable: boolean; endpoint: string };
  jwks: { reachable: boolean; fetches: number };
}

async function health(app: RunningApp): Promise<Health> {
  const res = await fetch(`${app.url}/healthz`);
  expect(res.status).toBe(200);
  return (await res.json()) as Health;
}

/** /healthz caches its probe for a few seconds: poll until it says what we wait for. */
async function healthUntil(app: RunningApp, reachable: boolean, timeoutMs = 10_000): Promise<Health> {
  const deadline = Date.now() + timeoutMs;
  let last = await health(app);
  while (last.cognito.reachable !== reachable && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    last = await health(app);
  }
  return last;
}

const emailOf = (html: string) => html.match(/data-testid="email">([^<]*)</)?.[1];

/** Waits (polling, with a deadline) until the session's access token has expired. */
async function untilAccessTokenExpired(jar: CookieJar, timeoutMs = 10_000): Promise<void> {
  const exp = jwtClaims(jar.session()!.access).exp as number;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() <= exp * 1000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  expect(Date.now(), "the access token should have expired").toBeGreaterThan(exp * 1000);
}

/** Asserts a response neither deletes nor replaces the session cookie. */
function expectCookieUntouched(res: Response): void {
  expect(res.headers.getSetCookie().filter((c) => c.startsWith("__Host-session."))).toEqual([]);
}

describe("Cognito outage and restart (private emulator, 30-second access tokens)", () => {
  let own: OwnEmulator;
  let app: RunningApp;
  let jar: CookieJar;
  let refreshToken: string;
  let fetchesBeforeOutage: number;
  /** The app whose access tokens last 2 seconds, and a session on it. */
  let shortApp: RunningApp;
  let shortJar: CookieJar;

  beforeAll(async () => {
    own = await startOwnEmulator();
    // Both at once: the emulator's data file survives concurrent writes (ADR 015) and the restart below.
    const [{ clientId }, short] = await Promise.all([
      own.createAppClient({ accessTokenSeconds: 30 }),
      own.createAppClient({ accessTokenSeconds: 2 }),
    ]);
    const env = { COGNITO_ENDPOINT: own.url, COGNITO_USER_POOL_ID: own.userPoolId };
    [app, shortApp] = await Promise.all([
      startApp({ env: { ...env, COGNITO_CLIENT_ID: clientId } }),
      startApp({ env: { ...env, COGNITO_CLIENT_ID: short.clientId } }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([app?.stop(), shortApp?.stop()]);
    await own?.dispose();
  });

  it("signs in and reports Cognito reachable while it is up", async () => {
    shortJar = await signInWithForm(shortApp.url, DEMO.username, DEMO.password);
    jar = await signInWithForm(app.url, DEMO.username, DEMO.password);
    refreshToken = jar.session()!.refresh!;
    expect(refreshToken).toBeTruthy();
    const dashboard = await jar.fetch(`${app.url}/dashboard`);
    expect(dashboard.status).toBe(200);
    expect(emailOf(await dashboard.text())).toBe(DEMO.username);
    const h = await health(app);
    expect(h).toMatchObject({ ok: true, cognito: { reachable: true, endpoint: own.url }, jwks: { reachable: true } });
    expect(h.jwks.fetches).toBeGreaterThanOrEqual(1);
    fetchesBeforeOutage = h.jwks.fetches;
  });

  it("with Cognito down, POST /login answers 503 with an 'unavailable' message and no session", async () => {
    await own.stop();
    const attempt = new CookieJar();
    const res = await attempt.post(`${app.url}/login`, DEMO);
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toMatch(/authentication service is unavailable/i);
    expect(html).not.toContain(DEMO.password);
    expect(attempt.names().filter((n) => n.startsWith("__Host-session"))).toEqual([]);
    expect(attempt.session()).toBeNull();
  });

  it("with Cognito down, GET /login answers 503 with the page and a clear message (within the 5 s health cache)", async () => {
    let res = await fetch(`${app.url}/login`);
    for (let i = 0; i < 30 && res.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      res = await fetch(`${app.url}/login`);
    }
    expect(res.status).toBe(503);
    const html = await res.text();
    expect(html).toContain("<h1>Sign in</h1>");
    expect(html).toMatch(/authentication service is unavailable/i);
  });

  it("with Cognito down, the signed-in user keeps using /dashboard (local verification, cached JWKS)", async () => {
    for (let i = 0; i < 3; i++) {
      const res = await jar.fetch(`${app.url}/dashboard`);
      expect(res.status, `request ${i + 1} during the outage`).toBe(200);
      expect(emailOf(await res.text())).toBe(DEMO.username);
    }
    // The refresh could not happen: the cookie still holds the same session.
    expect(jar.session()!.refresh).toBe(refreshToken);
    expect((await health(app)).jwks.fetches).toBe(fetchesBeforeOutage);
  });

  it("with Cognito down and the access token expired, protected pages answer 503 and keep the cookie", async () => {
    const before = shortJar.session()!;
    await untilAccessTokenExpired(shortJar);
    for (const path of ["/dashboard", "/account"]) {
      const res = await shortJar.fetch(`${shortApp.url}${path}`);
      expect(res.status, path).toBe(503);
      expect(res.headers.get("Retry-After"), path).toMatch(/^\d+$/);
      expect(await res.text(), path).toMatch(/can(?:'|&#x27;|&#39;|’)t confirm your session right now/);
      expectCookieUntouched(res);
    }
    // An action too: nothing done, nothing signed out.
    const post = await shortJar.post(`${shortApp.url}/account?index`, { intent: "update-name", name: "Outage" });
    expect(post.status).toBe(503);
    expectCookieUntouched(post);
    expect(shortJar.session()).toEqual(before);
  });

  it("with Cognito down and the access token expired, public pages still render (200) and keep the cookie", async () => {
    const before = shortJar.session()!;
    for (const path of ["/", "/login"]) {
      const res = await shortJar.fetch(`${shortApp.url}${path}`);
      expect([200, 503], `${path} answered ${res.status}`).toContain(res.status);
      const html = await res.text();
      expect(html, path).not.toMatch(/unexpected error/i);
      expectCookieUntouched(res);
    }
    expect((await shortJar.fetch(`${shortApp.url}/`)).status).toBe(200);
    expect(shortJar.session()).toEqual(before);
  });

  it("with Cognito down, /healthz reports it unreachable (and still answers 200)", async () => {
    const h = await healthUntil(app, false);
    expect(h).toMatchObject({ ok: true, cognito: { reachable: false, endpoint: own.url }, jwks: { reachable: false } });
  });

  it("after a restart with the same data directory, the session survives and its refresh token still refreshes", async () => {
    await own.start();
    const before = jar.session()!;
    await new Promise((r) => setTimeout(r, 1100)); // a later iat for the refreshed token
    const res = await jar.fetch(`${app.url}/dashboard`);
    expect(res.status).toBe(200);
    expect(emailOf(await res.text())).toBe(DEMO.username);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__Host-session.0="))).toBe(true);
    const after = jar.session()!;
    expect(after.access).not.toBe(before.access);
    expect(jwtClaims(after.access).iat as number).toBeGreaterThan(jwtClaims(before.access).iat as number);
    expect(jwtClaims(after.access).sub).toBe(jwtClaims(before.access).sub);
    expect(after.refresh).toBe(refreshToken);
  });

  it("after the restart, the session whose access token expired during the outage refreshes and opens /dashboard", async () => {
    const before = shortJar.session()!;
    const res = await shortJar.fetch(`${shortApp.url}/dashboard`);
    expect(res.status).toBe(200);
    expect(emailOf(await res.text())).toBe(DEMO.username);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__Host-session.0="))).toBe(true);
    const after = shortJar.session()!;
    expect(after.access).not.toBe(before.access);
    expect(jwtClaims(after.access).sub).toBe(jwtClaims(before.access).sub);
    expect(after.refresh).toBe(before.refresh);
    expect(after.at).toBe(before.at);
  });

  it("after the restart, /healthz recovers and new sign-ins work", async () => {
    const h = await healthUntil(app, true);
    expect(h).toMatchObject({ ok: true, cognito: { reachable: true }, jwks: { reachable: true } });
    const fresh = new CookieJar();
    expectRedirect(await fresh.post(`${app.url}/login`, DEMO), "/dashboard");
    expect((await fresh.fetch(`${app.url}/dashboard`)).status).toBe(200);
    const page = await fetch(`${app.url}/login`);
    expect(page.status).toBe(200);
  });

  it("Cognito throttling the refresh (AWS's TooManyRequestsException) is an outage too: 503, cookie kept, then refreshed", async () => {
    const before = shortJar.session()!;
    await untilAccessTokenExpired(shortJar);
    const throttled = await own.throttle();
    try {
      const res = await shortJar.fetch(`${shortApp.url}/dashboard`);
      expect(res.status).toBe(503);
      expect(await res.text()).toMatch(/can(?:'|&#x27;|&#39;|’)t confirm your session right now/);
      expectCookieUntouched(res);
      expect(throttled).toContain("InitiateAuth"); // the refresh was tried, and throttled
      expect(shortJar.session()).toEqual(before);
    } finally {
      await own.start();
    }
    const res = await shortJar.fetch(`${shortApp.url}/dashboard`);
    expect(res.status).toBe(200);
    expect(emailOf(await res.text())).toBe(DEMO.username);
    expect(shortJar.session()!.access).not.toBe(before.access);
    expect(shortJar.session()!.refresh).toBe(before.refresh);
  });

  it("a refresh token Cognito refuses (revoked) still ends the session: redirect to sign in, cookie cleared", async () => {
    const fresh = await signInWithForm(shortApp.url, DEMO.username, DEMO.password);
    await own.admin.send(new RevokeTokenCommand({ ClientId: shortApp.clientId, Token: fresh.session()!.refresh! }));
    await untilAccessTokenExpired(fresh);
    const res = await fresh.fetch(`${shortApp.url}/dashboard`);
    expectRedirect(res, "/login?redirectTo=%2Fdashboard");
    expect(res.headers.getSetCookie().some((c) => /^__Host-session\.0=;.*Max-Age=0/i.test(c))).toBe(true);
    expect(fresh.session()).toBeNull();
  });
});
