/**
 * The app's Hosted UI flow end to end through the gateway: the
 * production build signs in with remix-auth-oauth2 and the `web-confidential`
 * client (HTTP Basic at the token endpoint), and Hosted UI logout
 * round-trips back to the app.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { suiteApp } from "../../support/fixtures.ts";
import { APP, browse, CookieJar, hiddenFields, postForm, suiteStack } from "./support.ts";

const stack = suiteStack();
const app = suiteApp(async () => ({
  env: {
    AUTH_FLOW: "hosted",
    COGNITO_ENDPOINT: stack.url,
    COGNITO_DOMAIN: stack.url,
    COGNITO_USER_POOL_ID: stack.poolId,
    COGNITO_CLIENT_ID: stack.confidential.clientId,
    COGNITO_CLIENT_SECRET: stack.confidential.clientSecret,
  },
}));
beforeAll(async () => {
  // Register this app instance's callback and sign-out URLs, as `npm run seed` does.
  await stack.reseed([APP, app.url]);
});

describe("the app through the gateway", () => {
  it("AWS's Hosted UI signs the app in with its confidential client and its logout returns to the app; the gateway's does too", async () => {
    const jar = new CookieJar();
    const start = await browse(`${app.url}/auth/hosted`, jar);
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get("location")!);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${stack.url}/oauth2/authorize`);

    const toLogin = await browse(authorize.toString(), jar);
    expect(toLogin.status).toBe(302);
    const login = await browse(new URL(toLogin.headers.get("location")!, stack.url).toString(), jar);
    const { flow } = hiddenFields(await login.text());
    const back = await postForm(
      stack,
      "/login",
      { flow: flow!, username: "demo@example.com", password: "DemoPassw0rd!" },
      jar,
    );
    expect(back.status).toBe(302);
    const callback = new URL(back.headers.get("location")!);
    expect(`${callback.origin}${callback.pathname}`).toBe(`${app.url}/auth/callback`);

    const done = await browse(callback.toString(), jar);
    expect(done.status, app.output()).toBe(302);
    expect(new URL(done.headers.get("location")!, app.url).pathname).not.toBe("/login");
    const dashboard = await browse(`${app.url}/dashboard`, jar);
    expect(dashboard.status, app.output()).toBe(200);
    expect(await dashboard.text()).toContain("demo@example.com");

    const logout = await browse(`${app.url}/logout`, jar, { method: "POST", headers: { origin: app.url } });
    expect(logout.status).toBe(302);
    const hostedLogout = new URL(logout.headers.get("location")!);
    expect(`${hostedLogout.origin}${hostedLogout.pathname}`).toBe(`${stack.url}/logout`);
    const home = await browse(hostedLogout.toString(), jar);
    expect(home.status).toBe(302);
    expect(home.headers.get("location")).toBe(`${app.url}/`);
    expect(jar.get("cognito_local_hosted")).toBeUndefined();
    const afterLogout = await browse(`${app.url}/dashboard`, jar);
    expect(afterLogout.status).toBe(302);
  });
});
