/**
 * Failure and recovery: Cognito goes away mid-session and comes back.
 *
 * A private emulator (its own data directory and port) is stopped and
 * restarted by this test; the app uses an app client with 30-second access
 * tokens, so every request is inside the 60 s refresh window and tries to
 * refresh — during the outage that refresh fails, and the still-valid access
 * token (verified locally against the cached JWKS) must carry the user on.
 */
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

describe("Cognito outage and restart (private emulator, 30-second access tokens)", () => {
  let own: OwnEmulator;
  let app: RunningApp;
  let jar: CookieJar;
  let refreshToken: string;
  let fetchesBeforeOutage: number;

  beforeAll(async () => {
    own = await startOwnEmulator();
    const { clientId } = await own.createAppClient({ accessTokenSeconds: 30 });
    app = await startApp({
      env: { COGNITO_ENDPOINT: own.url, COGNITO_USER_POOL_ID: own.userPoolId, COGNITO_CLIENT_ID: clientId },
    });
  });
  afterAll(async () => {
    await app?.stop();
    await own?.dispose();
  });

  it("signs in and reports Cognito reachable while it is up", async () => {
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

  it("after the restart, /healthz recovers and new sign-ins work", async () => {
    const h = await healthUntil(app, true);
    expect(h).toMatchObject({ ok: true, cognito: { reachable: true }, jwks: { reachable: true } });
    const fresh = new CookieJar();
    expectRedirect(await fresh.post(`${app.url}/login`, DEMO), "/dashboard");
    expect((await fresh.fetch(`${app.url}/dashboard`)).status).toBe(200);
    const page = await fetch(`${app.url}/login`);
    expect(page.status).toBe(200);
  });
});
