import { AdminCreateUserCommand, SignUpCommand } from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, inject, it } from "vitest";
import { adminClient, expectRefreshRefused, startApp } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };
const ADMIN = { username: "admin@example.com", password: "AdminPassw0rd!" };

describe("custom form sign-in (AUTH_FLOW=auto, no Hosted UI domain)", () => {
  const app = suiteApp();

  it("renders the form on GET /login and keeps redirectTo", async () => {
    const res = await fetch(`${app.url}/login?redirectTo=%2Fadmin`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="username"');
    expect(html).toContain('name="password"');
    expect(html).toContain('name="redirectTo" value="/admin"');
    expect(html).not.toContain("Continue with Cognito Hosted UI");
  });

  it("signs in, lands on the redirect target with a session, and shows the user", async () => {
    const jar = new CookieJar();
    const res = await jar.post(`${app.url}/login`, { ...DEMO, redirectTo: "/dashboard?tab=1" });
    expectRedirect(res, "/dashboard?tab=1");
    const cookies = res.headers.getSetCookie();
    expect(cookies.some((c) => c.startsWith("__Host-session.0="))).toBe(true);
    for (const c of cookies) {
      expect(c).toMatch(/HttpOnly/);
      expect(c).toMatch(/SameSite=Lax/);
      expect(c).toMatch(/Secure/); // production build
    }
    const dashboard = await jar.fetch(`${app.url}/dashboard`);
    expect(dashboard.status).toBe(200);
    const html = await dashboard.text();
    expect(html).toContain('data-testid="email">demo@example.com<');
    expect(html).toMatch(/data-testid="sub">[0-9a-f-]{36}</);
    expect(html).toContain('data-testid="groups">users<');
    expect(html).toContain("the app&#x27;s sign-in form");
    expect(html).toMatch(/data-testid="access-exp">\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC</);
    // Tokens are never rendered.
    expect(html).not.toContain(jar.session()!.access);
    expect(html).not.toContain(jar.session()!.id.slice(0, 40));
  });

  it("answers a wrong password and an unknown user with the same message, no session, no password echo", async () => {
    for (const attempt of [
      { username: DEMO.username, password: "Wrong-Passw0rd!" },
      { username: "nobody@example.com", password: "Wrong-Passw0rd!" },
    ]) {
      const jar = new CookieJar();
      const res = await jar.post(`${app.url}/login`, attempt);
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).toContain("Incorrect username or password.");
      expect(html).not.toContain("Wrong-Passw0rd!");
      expect(jar.names().filter((n) => n.startsWith("__Host-session"))).toEqual([]);
    }
  });

  it("tells an unconfirmed user specifically, without a session", async () => {
    await adminClient().send(
      new SignUpCommand({
        ClientId: inject("webClientId"),
        Username: "unconfirmed@example.com",
        Password: "Unconf1rmed!",
        UserAttributes: [{ Name: "email", Value: "unconfirmed@example.com" }],
      }),
    );
    const jar = new CookieJar();
    const res = await jar.post(`${app.url}/login`, { username: "unconfirmed@example.com", password: "Unconf1rmed!" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("not confirmed");
    expect(jar.session()).toBeNull();
  });

  it("sends a NEW_PASSWORD_REQUIRED challenge to its own page, without a session", async () => {
    await adminClient().send(
      new AdminCreateUserCommand({
        UserPoolId: inject("userPoolId"),
        Username: "challenge@example.com",
        TemporaryPassword: "TempPassw0rd!",
        MessageAction: "SUPPRESS",
      }),
    );
    const jar = new CookieJar();
    const res = await jar.post(`${app.url}/login`, { username: "challenge@example.com", password: "TempPassw0rd!" });
    expectRedirect(res, "/login/new-password");
    expect(jar.session()).toBeNull();
    expect(await (await jar.fetch(`${app.url}/login/new-password`)).text()).toContain("Choose a new password");
  });

  it("answers missing or oversized fields with 400 and field messages", async () => {
    const missing = await new CookieJar().post(`${app.url}/login`, { username: DEMO.username });
    expect(missing.status).toBe(400);
    expect(await missing.text()).toContain("Enter your password.");
    const long = await new CookieJar().post(`${app.url}/login`, { username: `${"a".repeat(130)}@x.io`, password: "x" });
    expect(long.status).toBe(400);
    expect(await long.text()).toContain("too long");
  });

  it("ignores a hostile redirectTo", async () => {
    const jar = new CookieJar();
    const res = await jar.post(`${app.url}/login`, { ...DEMO, redirectTo: "//evil.example/steal" });
    expectRedirect(res, "/dashboard");
  });

  it("protects /dashboard: no session → login with redirectTo", async () => {
    expectRedirect(await fetch(`${app.url}/dashboard`, { redirect: "manual" }), "/login?redirectTo=%2Fdashboard");
  });

  it("guards /admin by group: 302 signed out, 403 for users, 200 for admins", async () => {
    expectRedirect(await fetch(`${app.url}/admin`, { redirect: "manual" }), "/login?redirectTo=%2Fadmin");
    const demo = await signInWithForm(app.url, DEMO.username, DEMO.password);
    const denied = await demo.fetch(`${app.url}/admin`);
    expect(denied.status).toBe(403);
    expect(await denied.text()).toContain("Access denied");
    const admin = await signInWithForm(app.url, ADMIN.username, ADMIN.password);
    const allowed = await admin.fetch(`${app.url}/admin`);
    expect(allowed.status).toBe(200);
    expect(await allowed.text()).toContain("admins, users");
  });

  it("treats a tampered cookie as signed out (never a 500) and clears it", async () => {
    const jar = await signInWithForm(app.url, DEMO.username, DEMO.password);
    const value = jar.get("__Host-session.0")!;
    const i = Math.floor(value.length / 2);
    jar.set("__Host-session.0", value.slice(0, i) + (value[i] === "A" ? "B" : "A") + value.slice(i + 1));
    const res = await jar.fetch(`${app.url}/dashboard`);
    expectRedirect(res, "/login?redirectTo=%2Fdashboard");
    expect(jar.names().filter((n) => n.startsWith("__Host-session"))).toEqual([]);
    const home = await fetch(`${app.url}/`, { headers: { Cookie: "__Host-session.0=garbage" } });
    expect(home.status).toBe(200);
  });

  it("GET /logout only asks; POST /logout clears the session and revokes the refresh token", async () => {
    const jar = await signInWithForm(app.url, DEMO.username, DEMO.password);
    const refreshToken = jar.session()!.refresh!;
    const confirm = await jar.fetch(`${app.url}/logout`);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain("Do you want to sign out?");
    expect((await jar.fetch(`${app.url}/dashboard`)).status).toBe(200);

    const res = await jar.post(`${app.url}/logout`, {});
    expectRedirect(res, "/");
    expect(jar.session()).toBeNull();
    expectRedirect(await jar.fetch(`${app.url}/dashboard`), "/login?redirectTo=%2Fdashboard");
    await expectRefreshRefused(app.clientId, refreshToken);
  });

  it("logs one line per attempt with flow, reason and outcome, never the password", async () => {
    await new CookieJar().post(`${app.url}/login`, { username: DEMO.username, password: "Another-Wr0ng!" });
    const out = app.output();
    expect(out).toMatch(
      /\[auth\] sign-in flow=custom reason="AUTH_FLOW=auto and COGNITO_DOMAIN not set" outcome=failure:InvalidCredentialsError user=h:[0-9a-f]{12}/,
    );
    expect(out).toMatch(/outcome=success user=sub:[0-9a-f-]{36}/);
    expect(out).not.toContain("Another-Wr0ng!");
    expect(out).not.toContain(DEMO.password);
    expect(out).not.toMatch(/eyJ[\w-]{20,}/); // no JWTs
  });

  it("reports health as JSON, small and uncompressed (its length is known: no gzip stream per probe)", async () => {
    const res = await fetch(`${app.url}/healthz`, { headers: { "Accept-Encoding": "gzip, deflate, br" } });
    expect(res.status).toBe(200);
    const raw = Buffer.from(await res.arrayBuffer());
    expect(res.headers.get("Content-Encoding")).toBeNull();
    expect(Number(res.headers.get("Content-Length"))).toBe(raw.byteLength);
    const body = JSON.parse(raw.toString("utf8"));
    expect(body).toMatchObject({ ok: true, cognito: { reachable: true }, jwks: { reachable: true } });
  });
});

describe("AUTH_FLOW=custom with a secret-bearing client", () => {
  const app = suiteApp({ env: { AUTH_FLOW: "custom" }, client: { secret: true } });

  it("signs in with SECRET_HASH and refuses nothing it should accept", async () => {
    expect(app.clientSecret).toBeTruthy();
    const jar = await signInWithForm(app.url, DEMO.username, DEMO.password);
    expect((await jar.fetch(`${app.url}/dashboard`)).status).toBe(200);
  });
});

describe("the dashboard's development panel", () => {
  it("shows decoded token claims outside production, never the raw tokens; production hides it", async () => {
    const dev = await startApp({ env: { NODE_ENV: "test" } });
    const prod = await startApp();
    try {
      for (const [app, shown] of [
        [dev, true],
        [prod, false],
      ] as const) {
        const jar = await signInWithForm(app.url, DEMO.username, DEMO.password);
        const html = await (await jar.fetch(`${app.url}/dashboard`)).text();
        expect(html.includes("Token claims (development only)"), app.url).toBe(shown);
        expect(
          html.includes("&quot;token_use&quot;: &quot;access&quot;") || html.includes('"token_use": "access"'),
        ).toBe(shown);
        const session = jar.session()!;
        for (const token of [session.access, session.id, session.refresh!]) {
          expect(html).not.toContain(token.split(".")[2]!.slice(0, 24)); // no signature, so no token
        }
        expect(html).toContain('data-testid="refresh-at">automatically from');
      }
    } finally {
      await dev.stop();
      await prod.stop();
    }
  });
});
