/**
 * What a production build keeps to itself: cookies only it can set
 * (`__Host-`), pages no cache keeps (`Cache-Control: no-store`), request logs
 * without codes, states, emails or tokens, and no link-supplied text on a page.
 */
import { createHash } from "node:crypto";
import { describe, expect, inject, it } from "vitest";
import { createUsernameHasher } from "../../app/auth/log.server.ts";
import { TEST_SESSION_SECRET } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { hostedAuthorize } from "../support/hosted.ts";
import { CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";
import { openSession, putCookies, sealSession } from "../support/tokens.ts";

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };
const MFA = { username: "mfa@example.com", password: "MfaPassw0rd!" };

// Hosted UI and form both available, so every cookie the app sets can be seen.
const app = suiteApp({ env: { COGNITO_DOMAIN: inject("emulatorUrl") } });

/** Name, and attributes as lower-case `key` or `key=value`, of one Set-Cookie. */
function parseSetCookie(setCookie: string): { name: string; attributes: string[] } {
  const [pair, ...attributes] = setCookie.split(";").map((s) => s.trim());
  return { name: pair!.slice(0, pair!.indexOf("=")), attributes: attributes.map((a) => a.toLowerCase()) };
}

/** Asserts what a browser requires of a `__Host-` cookie: Secure, Path=/, no Domain. */
function expectHostCookie(setCookie: string): string {
  const { name, attributes } = parseSetCookie(setCookie);
  expect(name, setCookie).toMatch(/^__Host-/);
  expect(attributes, setCookie).toContain("secure");
  expect(attributes, setCookie).toContain("path=/");
  expect(
    attributes.some((a) => a.startsWith("domain")),
    setCookie,
  ).toBe(false);
  expect(attributes, setCookie).toContain("httponly");
  return name;
}

describe("production cookies carry the __Host- prefix (Secure, Path=/, no Domain)", () => {
  it("the session chunks, set at sign-in and cleared at sign-out", async () => {
    const jar = new CookieJar();
    const signIn = await jar.post(`${app.url}/login`, DEMO);
    expectRedirect(signIn, "/dashboard");
    const names = signIn.headers.getSetCookie().map(expectHostCookie);
    expect(names).toContain("__Host-session.0");
    const signOut = await jar.post(`${app.url}/logout`, {});
    const cleared = signOut.headers.getSetCookie();
    expect(cleared.length).toBeGreaterThan(0);
    for (const c of cleared) expect(expectHostCookie(c)).toMatch(/^__Host-session\.\d+$/);
  });

  it("the challenge cookie of an MFA sign-in", async () => {
    const res = await new CookieJar().post(`${app.url}/login`, MFA);
    expectRedirect(res, "/login/mfa");
    expect(res.headers.getSetCookie().map(expectHostCookie)).toEqual(["__Host-challenge.0"]);
  });

  it("the Hosted UI's state (remix-auth-oauth2) and redirect cookies", async () => {
    const res = await fetch(`${app.url}/auth/hosted?redirectTo=%2Faccount`, { redirect: "manual" });
    expectRedirect(res, /\/oauth2\/authorize\?/);
    const names = res.headers.getSetCookie().map(expectHostCookie);
    expect(names.some((n) => /^__Host-oauth_state:/.test(n))).toBe(true);
    expect(names).toContain("__Host-oauth_redirect");
  });

  it("reads only the prefixed names: a valid session under the plain name is not a session", async () => {
    const jar = await signInWithForm(app.url, DEMO.username, DEMO.password);
    const stored = openSession(jar, [TEST_SESSION_SECRET]);
    expect(stored).not.toBeNull();
    // The same session, correctly sealed with the app's secret, under the
    // development name: what a sibling subdomain or an http:// page could plant.
    const plainStore = sealSession(stored!, [TEST_SESSION_SECRET]).map((c) =>
      c.replace(/^__Host-session\./, "__session."),
    );
    const planted = putCookies(new CookieJar(), plainStore);
    expect(planted.names()).toContain("__session.0");
    expectRedirect(await planted.fetch(`${app.url}/dashboard`), "/login?redirectTo=%2Fdashboard");
    // Under the prefixed name the very same payload opens the dashboard.
    const control = putCookies(new CookieJar(), sealSession(stored!, [TEST_SESSION_SECRET]));
    expect((await control.fetch(`${app.url}/dashboard`)).status).toBe(200);
  });

  it("reads only the prefixed names: a state cookie renamed to the plain name fails the Hosted UI callback", async () => {
    const { jar, callbackUrl } = await hostedAuthorize(app.url, DEMO.username, DEMO.password);
    for (const name of jar.names().filter((n) => n.startsWith("__Host-oauth_state"))) {
      jar.set(name.replace("__Host-", "__"), jar.get(name)!);
      jar.delete(name);
    }
    expectRedirect(await jar.fetch(callbackUrl), "/login?error=state");
    expect(jar.session()).toBeNull();
  });
});

describe("Cache-Control: no-store on everything the app answers (one place: the server)", () => {
  it("signed-in pages, auth pages and responses that set or clear a session cookie", async () => {
    const jar = await signInWithForm(app.url, DEMO.username, DEMO.password);
    const anonymous = new CookieJar();
    const checks: [string, () => Promise<Response>][] = [
      ["GET / signed in", () => jar.fetch(`${app.url}/`)],
      ["GET / signed out", () => anonymous.fetch(`${app.url}/`)],
      ["GET /dashboard", () => jar.fetch(`${app.url}/dashboard`)],
      ["GET /dashboard (data request)", () => jar.fetch(`${app.url}/dashboard?_data=routes%2Fdashboard`)],
      ["GET /dashboard signed out (redirect)", () => anonymous.fetch(`${app.url}/dashboard`)],
      ["GET /admin (403)", () => jar.fetch(`${app.url}/admin`)],
      ["GET /account", () => jar.fetch(`${app.url}/account`)],
      ["GET /account/mfa", () => jar.fetch(`${app.url}/account/mfa`)],
      ["GET /account/password", () => jar.fetch(`${app.url}/account/password`)],
      ["GET /login", () => anonymous.fetch(`${app.url}/login?flow=custom`)],
      ["GET /login signed in (redirect)", () => jar.fetch(`${app.url}/login`)],
      ["POST /login wrong password", () => new CookieJar().post(`${app.url}/login`, { ...DEMO, password: "nope" })],
      ["POST /login (sets the session)", () => new CookieJar().post(`${app.url}/login`, DEMO)],
      ["POST /login MFA user (sets the challenge)", () => new CookieJar().post(`${app.url}/login`, MFA)],
      ["GET /login/mfa without a challenge", () => anonymous.fetch(`${app.url}/login/mfa`)],
      ["GET /login/new-password without a challenge", () => anonymous.fetch(`${app.url}/login/new-password`)],
      ["GET /auth/hosted", () => anonymous.fetch(`${app.url}/auth/hosted`)],
      ["GET /auth/callback (bad state)", () => anonymous.fetch(`${app.url}/auth/callback?code=x&state=y`)],
      ["GET /logout", () => jar.fetch(`${app.url}/logout`)],
      ["GET /signup", () => anonymous.fetch(`${app.url}/signup`)],
      ["GET /confirm", () => anonymous.fetch(`${app.url}/confirm`)],
      ["GET /forgot-password", () => anonymous.fetch(`${app.url}/forgot-password`)],
      ["GET /reset-password", () => anonymous.fetch(`${app.url}/reset-password`)],
      ["GET /healthz", () => anonymous.fetch(`${app.url}/healthz`)],
      ["GET a page that does not exist", () => anonymous.fetch(`${app.url}/no-such-page`)],
      ["POST /logout (clears the session)", () => jar.post(`${app.url}/logout`, {})],
    ];
    for (const [label, request] of checks) {
      const res = await request();
      await res.arrayBuffer();
      expect(res.headers.get("Cache-Control"), `${label} (${res.status})`).toBe("no-store");
    }
  });

  it("static assets stay cacheable", async () => {
    const html = await (await fetch(`${app.url}/`)).text();
    const asset = html.match(/href="(\/build\/[^"]+\.css)"/)?.[1];
    expect(asset).toBeTruthy();
    const res = await fetch(`${app.url}${asset}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toMatch(/max-age=\d+/);
  });
});

describe("request logs hold paths only, and usernames as a keyed hash", () => {
  const count = (text: string, fragment: string) => text.split(fragment).length - 1;

  /** Waits until the server has logged `fragment` more than `before` times (access logs follow the response). */
  async function logged(fragment: string, before = 0): Promise<string> {
    const deadline = Date.now() + 10_000;
    while (count(app.output(), fragment) <= before && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    expect(count(app.output(), fragment), `the log should contain ${fragment}`).toBeGreaterThan(before);
    return app.output();
  }

  it("no codes, states, emails or tokens from query strings in the access log", async () => {
    const secrets = {
      code: "c0de-9f8e7d6c5b4a",
      state: "st4te-1a2b3c4d5e6f",
      email: "logged-person@example.com",
      resetCode: "774411",
      redirect: "/private-path-31337",
    };
    const jar = await signInWithForm(app.url, DEMO.username, DEMO.password);
    const requests = [
      `/auth/callback?${new URLSearchParams({ code: secrets.code, state: secrets.state })}`,
      `/confirm?${new URLSearchParams({ username: secrets.email, notice: "code-sent" })}`,
      `/reset-password?${new URLSearchParams({ username: secrets.email, code: secrets.resetCode })}`,
      `/login?${new URLSearchParams({ redirectTo: secrets.redirect })}`,
      `/dashboard?${new URLSearchParams({ marker: "end-of-requests" })}`,
    ];
    const dashboardsBefore = count(app.output(), "GET /dashboard 200");
    for (const path of requests) await (await jar.fetch(`${app.url}${path}`)).arrayBuffer();
    const output = await logged("GET /dashboard 200", dashboardsBefore);
    for (const path of ["/auth/callback", "/confirm", "/reset-password", "/login"]) {
      expect(output).toMatch(new RegExp(`GET ${path} \\d{3}`));
    }
    for (const [what, value] of Object.entries(secrets)) {
      expect(output, what).not.toContain(value);
      expect(output, what).not.toContain(encodeURIComponent(value));
    }
    expect(output).not.toContain("end-of-requests");
    const session = jar.session()!;
    for (const token of [session.access, session.id, session.refresh!]) {
      expect(output).not.toContain(token.split(".")[1]!.slice(0, 40));
    }
  });

  it("a failed sign-in logs a keyed HMAC of the username, not a plain hash anyone can recompute", async () => {
    const username = `hash-me-${Date.now()}@example.com`;
    await (await new CookieJar().post(`${app.url}/login`, { username, password: "Wrong-passw0rd!" })).arrayBuffer();
    const expected = createUsernameHasher(TEST_SESSION_SECRET)(username);
    const output = await logged(`user=${expected}`);
    const plain = createHash("sha256").update(username).digest("hex");
    expect(output).not.toContain(plain.slice(0, 12));
    expect(output).not.toContain(username);
  });
});

describe("/confirm never shows text a link brings", () => {
  it("ignores ?sent=… and unknown notices; shows only its own notices", async () => {
    const injected = "Your account is locked. Call +1 555 0100 now";
    for (const query of [
      new URLSearchParams({ username: "someone@example.com", sent: injected }),
      new URLSearchParams({ username: "someone@example.com", notice: injected }),
    ]) {
      const res = await fetch(`${app.url}/confirm?${query}`);
      expect(res.status).toBe(200);
      const html = await res.text();
      expect(html).not.toContain("Call +1 555");
      expect(html).not.toContain("We sent");
    }
    const ours = await (await fetch(`${app.url}/confirm?notice=code-sent`)).text();
    expect(ours).toContain("We sent a confirmation code to your email address.");
  });
});
