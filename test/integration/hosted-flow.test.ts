import { describe, expect, inject, it } from "vitest";
import { expectRefreshRefused } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { hostedAuthorize, hostedSignIn } from "../support/hosted.ts";
import { CookieJar, expectRedirect } from "../support/http.ts";

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };

describe("Hosted UI sign-in (AUTH_FLOW=auto with COGNITO_DOMAIN)", () => {
  const app = suiteApp({ env: { COGNITO_DOMAIN: inject("emulatorUrl") } });

  it("GET /login goes to the Hosted UI, keeping redirectTo", async () => {
    expectRedirect(
      await fetch(`${app.url}/login?redirectTo=%2Fadmin`, { redirect: "manual" }),
      "/auth/hosted?redirectTo=%2Fadmin",
    );
  });

  it("starts the flow with state, PKCE S256 and the OpenID scopes", async () => {
    const jar = new CookieJar();
    const res = await jar.fetch(`${app.url}/auth/hosted?redirectTo=%2Fdashboard`);
    const location = new URL(expectRedirect(res, /\/oauth2\/authorize\?/));
    expect(location.origin + location.pathname).toBe(`${inject("emulatorUrl")}/oauth2/authorize`);
    const q = location.searchParams;
    expect(q.get("response_type")).toBe("code");
    expect(q.get("client_id")).toBe(app.clientId);
    expect(q.get("redirect_uri")).toBe(`${app.url}/auth/callback`);
    expect(q.get("code_challenge_method")).toBe("S256");
    expect(q.get("code_challenge")).toMatch(/^[\w-]{43}$/);
    expect(q.get("state")).toMatch(/^[\w-]{20,}$/);
    // aws.cognito.signin.user.admin too: without it Cognito refuses the access token on the account pages' calls.
    expect(q.get("scope")?.split(" ").sort()).toEqual(["aws.cognito.signin.user.admin", "email", "openid", "profile"]);
    // state + verifier in a short-lived httpOnly cookie
    const stateCookie = res.headers.getSetCookie().find((c) => c.startsWith("__Host-oauth_state"));
    expect(stateCookie).toMatch(/HttpOnly/i);
    expect(stateCookie).toMatch(/Max-Age=300/i);
  });

  it("signs in end to end, clears the state cookie, lands on redirectTo", async () => {
    const { jar, callback } = await hostedSignIn(app.url, DEMO.username, DEMO.password, "/dashboard?from=hosted");
    expectRedirect(callback, "/dashboard?from=hosted");
    expect(jar.names().some((n) => n.startsWith("__Host-oauth"))).toBe(false);
    expect(jar.session()?.flow).toBe("hosted");
    const dashboard = await jar.fetch(`${app.url}/dashboard`);
    expect(dashboard.status).toBe(200);
    const html = await dashboard.text();
    expect(html).toContain('data-testid="email">demo@example.com<');
    expect(html).toContain('data-testid="flow">Cognito Hosted UI<');
  });

  it("refuses a state that does not match: no session, a 4xx error on the login page", async () => {
    const { jar, callbackUrl } = await hostedAuthorize(app.url, DEMO.username, DEMO.password);
    const forged = new URL(callbackUrl);
    forged.searchParams.set("state", "forged-state-value-0123456789");
    const res = await jar.fetch(forged.toString());
    const location = expectRedirect(res, "/login?error=state");
    expect(jar.session()).toBeNull();
    const page = await jar.fetch(`${app.url}${location}`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("did not match");
  });

  it("refuses a callback without the state cookie (e.g. another browser)", async () => {
    const { callbackUrl } = await hostedAuthorize(app.url, DEMO.username, DEMO.password);
    const stranger = new CookieJar();
    expectRedirect(await stranger.fetch(callbackUrl), "/login?error=state");
    expect(stranger.session()).toBeNull();
  });

  it("reports an error= from Cognito clearly", async () => {
    const jar = new CookieJar();
    const start = await jar.fetch(`${app.url}/auth/hosted`);
    const state = new URL(start.headers.get("Location")!).searchParams.get("state")!;
    const res = await jar.fetch(`${app.url}/auth/callback?error=access_denied&state=${state}`);
    expectRedirect(res, "/login?error=denied");
    expect(jar.session()).toBeNull();
    const page = await fetch(`${app.url}/login?error=denied`);
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("cancelled or refused");
  });

  it("refuses a replayed code", async () => {
    const { jar, callbackUrl } = await hostedAuthorize(app.url, DEMO.username, DEMO.password);
    const replayJar = jar.clone();
    expectRedirect(await jar.fetch(callbackUrl), "/dashboard");
    const replay = await replayJar.fetch(callbackUrl);
    expectRedirect(replay, "/login?error=code");
    expect(replayJar.session()).toBeNull();
  });

  it("refuses a made-up code", async () => {
    const { jar, callbackUrl } = await hostedAuthorize(app.url, DEMO.username, DEMO.password);
    const bad = new URL(callbackUrl);
    bad.searchParams.set("code", "not-a-real-code");
    expectRedirect(await jar.fetch(bad.toString()), "/login?error=code");
    expect(jar.session()).toBeNull();
  });

  it("logs out through the Hosted UI logout endpoint and revokes the refresh token", async () => {
    const { jar } = await hostedSignIn(app.url, DEMO.username, DEMO.password);
    const refreshToken = jar.session()!.refresh!;
    const res = await jar.post(`${app.url}/logout`, {});
    const location = new URL(expectRedirect(res, /\/logout\?/));
    expect(location.origin + location.pathname).toBe(`${inject("emulatorUrl")}/logout`);
    expect(location.searchParams.get("client_id")).toBe(app.clientId);
    expect(location.searchParams.get("logout_uri")).toBe(`${app.url}/`);
    expect(jar.session()).toBeNull();
    await expectRefreshRefused(app.clientId, refreshToken);
  });

  it("offers the form with ?flow=custom, plus the Hosted UI button", async () => {
    const res = await fetch(`${app.url}/login?flow=custom`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="password"');
    expect(html).toContain("Continue with Cognito Hosted UI");
  });

  it("logs the chosen flow and why", () => {
    expect(app.output()).toContain("[auth] sign-in flow: hosted (AUTH_FLOW=auto and COGNITO_DOMAIN set)");
    expect(app.output()).toMatch(
      /sign-in flow=hosted reason="AUTH_FLOW=auto and COGNITO_DOMAIN set" outcome=success user=sub:/,
    );
  });
});

describe("AUTH_FLOW=hosted", () => {
  const app = suiteApp({ env: { AUTH_FLOW: "hosted", COGNITO_DOMAIN: inject("emulatorUrl") } });

  it("always redirects /login to the Hosted UI, even with ?flow=custom", async () => {
    expectRedirect(await fetch(`${app.url}/login`, { redirect: "manual" }), "/auth/hosted?redirectTo=%2Fdashboard");
    expectRedirect(await fetch(`${app.url}/login?flow=custom`, { redirect: "manual" }), /^\/auth\/hosted/);
  });

  it("sends the app's own sign-up and reset pages to the Hosted UI", async () => {
    for (const path of ["/signup", "/confirm", "/forgot-password", "/reset-password"]) {
      expectRedirect(await fetch(`${app.url}${path}`, { redirect: "manual" }), "/login");
    }
  });

  it("refuses POST /login with 403", async () => {
    const res = await new CookieJar().post(`${app.url}/login`, DEMO);
    expect(res.status).toBe(403);
    expect(await res.text()).not.toContain("DemoPassw0rd!");
  });

  it("shows an error from the callback instead of looping back to Cognito", async () => {
    const res = await fetch(`${app.url}/login?error=state`, { redirect: "manual" });
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain('name="password"');
  });
});

describe("AUTH_FLOW=custom with a Hosted UI domain configured", () => {
  const app = suiteApp({ env: { AUTH_FLOW: "custom", COGNITO_DOMAIN: inject("emulatorUrl") } });

  it("renders the form and never offers or starts the Hosted UI", async () => {
    const html = await (await fetch(`${app.url}/login`)).text();
    expect(html).toContain('name="password"');
    expect(html).not.toContain("Continue with Cognito Hosted UI");
    expectRedirect(await fetch(`${app.url}/auth/hosted`, { redirect: "manual" }), "/login?flow=custom");
  });
});
