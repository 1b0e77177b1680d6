import { RevokeTokenCommand } from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { setCookieBytes } from "../../app/auth/sealed-cookie.server.ts";
import { adminClient } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { hostedSignIn } from "../support/hosted.ts";
import { CookieJar, expectRedirect, jwtClaims, signInWithForm } from "../support/http.ts";
import { createLargeTokenUser, type TestUser } from "../support/users.ts";

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };

describe("refreshing tokens (app client with 30-second access tokens: always within the 60 s refresh window)", () => {
  const app = suiteApp({ env: { COGNITO_DOMAIN: inject("emulatorUrl") }, client: { accessTokenSeconds: 30 } });

  it("refreshes a form session with REFRESH_TOKEN_AUTH and updates the cookie in the same response", async () => {
    const jar = await signInWithForm(app.url, DEMO.username, DEMO.password, new CookieJar());
    const before = jar.session()!;
    await new Promise((r) => setTimeout(r, 1100)); // a new iat
    const res = await jar.fetch(`${app.url}/dashboard`);
    expect(res.status).toBe(200);
    expect(res.headers.getSetCookie().some((c) => c.startsWith("__Host-session.0="))).toBe(true);
    const after = jar.session()!;
    expect(after.access).not.toBe(before.access);
    expect(jwtClaims(after.access).iat as number).toBeGreaterThan(jwtClaims(before.access).iat as number);
    expect(after.refresh).toBe(before.refresh); // Cognito does not rotate it
    expect(after.flow).toBe("custom");
    expect(after.at).toBe(before.at);
  });

  it("refreshes a Hosted UI session through the token endpoint", async () => {
    const { jar, callback } = await hostedSignIn(app.url, DEMO.username, DEMO.password);
    expectRedirect(callback, "/dashboard");
    const before = jar.session()!;
    await new Promise((r) => setTimeout(r, 1100));
    const res = await jar.fetch(`${app.url}/dashboard`);
    expect(res.status).toBe(200);
    const after = jar.session()!;
    expect(after.flow).toBe("hosted");
    expect(after.access).not.toBe(before.access);
    expect(after.refresh).toBe(before.refresh);
  });

  it("signs out and sends to login when the refresh token is refused", async () => {
    const jar = await signInWithForm(app.url, DEMO.username, DEMO.password, new CookieJar());
    await adminClient().send(new RevokeTokenCommand({ ClientId: app.clientId, Token: jar.session()!.refresh! }));
    const res = await jar.fetch(`${app.url}/dashboard`);
    expectRedirect(res, "/login?redirectTo=%2Fdashboard");
    expect(jar.session()).toBeNull();
  });
});

describe("an expired access token", () => {
  const app = suiteApp({ client: { accessTokenSeconds: 2 } });

  it("is refreshed when a refresh token is present", async () => {
    const jar = await signInWithForm(app.url, DEMO.username, DEMO.password, new CookieJar());
    const before = jar.session()!;
    await new Promise((r) => setTimeout(r, 2200));
    expect((jwtClaims(before.access).exp as number) * 1000).toBeLessThan(Date.now());
    const res = await jar.fetch(`${app.url}/dashboard`);
    expect(res.status).toBe(200);
    expect(jar.session()!.access).not.toBe(before.access);
  });
});

describe("AWS-size tokens (a user whose groups make the emulator's tokens large)", () => {
  let user: TestUser;
  beforeAll(async () => {
    user = await createLargeTokenUser("large");
  });
  const app = suiteApp();

  it("splits the session over several cookies, each at most 4096 bytes, and reads it back", async () => {
    const jar = new CookieJar();
    const res = await jar.post(`${app.url}/login`, { username: user.username, password: user.password });
    expectRedirect(res, "/dashboard");
    const session = jar.session()!;
    // At least AWS sizes: access ≈ 1.3 KB, ID ≈ 1.7 KB.
    expect(session.access.length).toBeGreaterThan(2000);
    expect(session.id.length).toBeGreaterThan(2000);
    const chunks = res.headers.getSetCookie().filter((c) => c.startsWith("__Host-session."));
    expect(chunks.length).toBeGreaterThanOrEqual(2);
    for (const c of chunks) expect(setCookieBytes(c)).toBeLessThanOrEqual(4096);

    const dashboard = await jar.fetch(`${app.url}/dashboard`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain(user.groups[39]);
  });

  it("clears stale chunks when the session shrinks (a smaller user signs in in the same browser)", async () => {
    const jar = new CookieJar();
    await jar.post(`${app.url}/login`, { username: user.username, password: user.password });
    const bigChunks = jar.names().filter((n) => n.startsWith("__Host-session.")).length;
    expect(bigChunks).toBeGreaterThanOrEqual(2);
    await jar.post(`${app.url}/logout`, {});
    await jar.post(`${app.url}/login`, DEMO);
    expect(jar.names().filter((n) => n.startsWith("__Host-session."))).toEqual(["__Host-session.0"]);
    expect(jwtClaims(jar.session()!.id).email).toBe(DEMO.username);
  });
});
