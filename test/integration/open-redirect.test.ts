import { AdminCreateUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, inject, it } from "vitest";
import { readTotpSecrets, totpCode } from "../../scripts/lib/seed.ts";
import { adminClient } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";

/** Dot segments the WHATWG parser removes, leaving a protocol-relative `//evil.example/x`. */
const HOSTILE: [string, string, ...string[]] = [
  "/..//evil.example/x",
  "/%2e%2e//evil.example/x",
  "/login/../..//evil.example/x",
  "/a/..//evil.example",
];

describe("redirectTo with dot segments never leaves the app's origin", () => {
  const app = suiteApp();

  /** Where a browser goes with this Location header (the WHATWG parser, against the page's URL). */
  const expectOwnOrigin = (response: Response) => {
    const location = expectRedirect(response, /.*/);
    expect(new URL(location, `${app.url}/login`).origin, `Location: ${location}`).toBe(app.url);
    expect(location).toBe("/dashboard");
  };

  it("a signed-in GET /login?redirectTo=… stays here", async () => {
    const jar = await signInWithForm(app.url, "demo@example.com", "DemoPassw0rd!");
    for (const redirectTo of HOSTILE) {
      expectOwnOrigin(await jar.fetch(`${app.url}/login?${new URLSearchParams({ redirectTo })}`));
    }
  });

  it("the sign-in form's redirectTo stays here, and the page never offers it", async () => {
    for (const redirectTo of HOSTILE) {
      const page = await (await fetch(`${app.url}/login?${new URLSearchParams({ redirectTo })}`)).text();
      expect(page).toContain('name="redirectTo" value="/dashboard"');
      const jar = new CookieJar();
      expectOwnOrigin(
        await jar.post(`${app.url}/login`, { username: "demo@example.com", password: "DemoPassw0rd!", redirectTo }),
      );
    }
  });

  it("the new-password step carries only the checked value", async () => {
    const username = `redirect-newpw-${Date.now()}@example.com`;
    await adminClient().send(
      new AdminCreateUserCommand({
        UserPoolId: inject("userPoolId"),
        Username: username,
        TemporaryPassword: "TempPassw0rd!",
        MessageAction: "SUPPRESS",
      }),
    );
    const jar = new CookieJar();
    const login = await jar.post(`${app.url}/login`, { username, password: "TempPassw0rd!", redirectTo: HOSTILE[0] });
    expectRedirect(login, "/login/new-password");
    const done = await jar.post(`${app.url}/login/new-password`, {
      password: "Chosen-Passw0rd!",
      confirm: "Chosen-Passw0rd!",
    });
    expectOwnOrigin(done);
    expect(jar.session()).not.toBeNull();
  });

  it("the MFA step carries only the checked value", async () => {
    const secret = readTotpSecrets(inject("totpSecretsFile"))["mfa@example.com"]!;
    const jar = new CookieJar();
    const login = await jar.post(`${app.url}/login`, {
      username: "mfa@example.com",
      password: "MfaPassw0rd!",
      redirectTo: HOSTILE[1],
    });
    expectRedirect(login, "/login/mfa");
    expectOwnOrigin(await jar.post(`${app.url}/login/mfa`, { code: totpCode(secret) }));
  });
});
