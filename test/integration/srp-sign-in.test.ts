/**
 * COGNITO_PASSWORD_AUTH=srp: the app's form and its step-up password check
 * prove the password with SRP (USER_SRP_AUTH, or PASSWORD_SRP with USER_AUTH)
 * against an app client that allows no other password flow — so a sign-in
 * that sent the password would be refused.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../support/app.ts";
import { CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";
import { ageSession } from "../support/tokens.ts";
import { createUser } from "../support/users.ts";

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };

for (const userAuth of [false, true]) {
  describe(`COGNITO_PASSWORD_AUTH=srp${userAuth ? " with USER_AUTH (PASSWORD_SRP)" : " (USER_SRP_AUTH)"}`, () => {
    let app: RunningApp;
    beforeAll(async () => {
      app = await startApp({
        env: { COGNITO_PASSWORD_AUTH: "srp", COGNITO_USER_AUTH: userAuth ? "1" : "0", COGNITO_DOMAIN: undefined },
        client: { srpOnly: true, userAuth },
      });
    });
    afterAll(async () => {
      await app?.stop();
    });

    it("signs in with the form on a client that allows only SRP", async () => {
      const jar = new CookieJar();
      const res = await jar.post(`${app.url}/login`, { ...DEMO, redirectTo: "/dashboard" });
      expectRedirect(res, "/dashboard");
      const dashboard = await (await jar.fetch(`${app.url}/dashboard`)).text();
      expect(dashboard).toContain('data-testid="email">demo@example.com<');
    });

    it("answers a wrong password as a wrong password, without a session or an echo of it", async () => {
      const jar = new CookieJar();
      const res = await jar.post(`${app.url}/login`, { username: DEMO.username, password: "Wrong-Passw0rd!" });
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).toContain("Incorrect username or password.");
      expect(html).not.toContain("Wrong-Passw0rd!");
      expect(jar.session()).toBeNull();
    });

    it("checks the step-up password with SRP too", async () => {
      // A user of its own: the email change must not touch the shared demo account.
      const user = await createUser("srp-step-up");
      const jar = await signInWithForm(app.url, user.username, user.password);
      ageSession(jar, 3600);
      const email = `srp-step-up-${Date.now().toString(36)}@example.com`;
      // The profile's forms post to the account layout's index route.
      const wrong = await jar.post(`${app.url}/account?index`, {
        intent: "change-email",
        email,
        stepUpPassword: "Wrong-Passw0rd!",
      });
      expect(wrong.status).toBe(401);
      const html = await wrong.text();
      expect(html).toContain("That password is not correct.");
      expect(html).not.toContain("Wrong-Passw0rd!");
      // The right password lets the change start (the code goes to the new address).
      expectRedirect(
        await jar.post(`${app.url}/account?index`, { intent: "change-email", email, stepUpPassword: user.password }),
        "/account?notice=email-code-sent",
      );
    });
  });
}
