import { AdminCreateUserCommand, AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, inject, it } from "vitest";
import { adminClient } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { TEST_CONFIRMATION_CODE } from "../support/global-setup.ts";
import { CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";

const unique = (prefix: string) => `${prefix}-${Math.random().toString(36).slice(2, 8)}@example.com`;
const GOOD = "N3w-Passw0rd!";

describe("account lifecycle in the app's own pages", () => {
  const app = suiteApp();

  it("sign-up → confirm → sign in", async () => {
    const email = unique("signup");
    const jar = new CookieJar();
    const signup = await jar.post(`${app.url}/signup`, { email, name: "Sam Signup", password: GOOD, confirm: GOOD });
    const location = expectRedirect(signup, /^\/confirm\?/);
    expect(new URL(location, app.url).searchParams.get("username")).toBe(email);
    const page = await jar.fetch(`${app.url}${location}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("We sent a confirmation code");

    // Not confirmed yet: sign-in says so.
    const early = await new CookieJar().post(`${app.url}/login`, { username: email, password: GOOD });
    expect(early.status).toBe(403);

    const confirm = await jar.post(`${app.url}/confirm`, {
      intent: "confirm",
      username: email,
      code: TEST_CONFIRMATION_CODE,
    });
    expectRedirect(confirm, "/login?notice=confirmed");
    expect(await (await fetch(`${app.url}/login?notice=confirmed`)).text()).toContain("Your account is confirmed");
    const signedIn = await signInWithForm(app.url, email, GOOD);
    const dashboard = await (await signedIn.fetch(`${app.url}/dashboard`)).text();
    expect(dashboard).toContain(email);
    // The optional name was stored (cognito-local leaves standard attributes out of its ID tokens).
    const user = await adminClient().send(
      new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: email }),
    );
    expect(user.UserAttributes).toContainEqual({ Name: "name", Value: "Sam Signup" });
  });

  it("refuses a wrong confirmation code with a clear message and the form again", async () => {
    const email = unique("wrongcode");
    await new CookieJar().post(`${app.url}/signup`, { email, password: GOOD, confirm: GOOD });
    const res = await new CookieJar().post(`${app.url}/confirm`, {
      intent: "confirm",
      username: email,
      code: "000000",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("That code is not correct");
    expect(html).toContain('name="code"');
    const user = await adminClient().send(
      new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: email }),
    );
    expect(user.UserStatus).toBe("UNCONFIRMED");
  });

  it("answers a code that is not 6 digits with 400, without asking Cognito", async () => {
    const res = await new CookieJar().post(`${app.url}/confirm`, {
      intent: "confirm",
      username: "x@example.com",
      code: "12ab",
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain("Enter the 6-digit code.");
  });

  it("'Send a new code' sends one and says so (the gateway implements ResendConfirmationCode, as AWS does)", async () => {
    const email = unique("resend");
    await new CookieJar().post(`${app.url}/signup`, { email, password: GOOD, confirm: GOOD });
    const res = await new CookieJar().post(`${app.url}/confirm`, { intent: "resend", username: email });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("We sent a new code");
  });

  it("answers the same for an email with no account: confirm reads like a wrong code, resend and forgot like success", async () => {
    const known = unique("known");
    await new CookieJar().post(`${app.url}/signup`, { email: known, password: GOOD, confirm: GOOD });
    const nobody = unique("nobody");
    const answers = async (username: string) => {
      const confirm = await new CookieJar().post(`${app.url}/confirm`, { intent: "confirm", username, code: "000000" });
      const resend = await new CookieJar().post(`${app.url}/confirm`, { intent: "resend", username });
      const forgot = await new CookieJar().post(`${app.url}/forgot-password`, { username });
      return {
        confirm: [confirm.status, fieldError(await confirm.text(), "code")],
        resend: [resend.status, /We sent a new code/.test(await resend.text())],
        forgot: [forgot.status, forgot.headers.get("Location")?.replace(encodeURIComponent(username), "…")],
      };
    };
    const forKnown = await answers(known);
    expect(forKnown).toEqual({
      confirm: [400, "That code is not correct. Check it and try again."],
      resend: [200, true],
      forgot: [302, "/reset-password?username=…&notice=sent"],
    });
    expect(await answers(nobody)).toEqual(forKnown);
  });

  it("a failed form keeps what was typed, but never sends back a password or a code", async () => {
    const email = unique("echo");
    const res = await new CookieJar().post(`${app.url}/reset-password`, {
      username: email,
      code: "864213",
      password: "Echo-Passw0rd!",
      confirm: "Echo-Passw0rd!?",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain(`value="${email}"`);
    expect(html).not.toContain("864213");
    expect(html).not.toContain("Echo-Passw0rd!");
  });

  it("spells out the password policy when a password is too weak, and creates nothing", async () => {
    const email = unique("weak");
    const res = await new CookieJar().post(`${app.url}/signup`, { email, password: "weakpass", confirm: "weakpass" });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain("upper and lower case letters, a number and a symbol");
    expect(html).toMatch(/id="password-error"/);
    await expect(
      adminClient().send(new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: email })),
    ).rejects.toMatchObject({ name: "UserNotFoundException" });
  });

  it("refuses mismatched passwords and an existing email", async () => {
    const mismatch = await new CookieJar().post(`${app.url}/signup`, {
      email: unique("mm"),
      password: GOOD,
      confirm: `${GOOD}x`,
    });
    expect(mismatch.status).toBe(400);
    expect(await mismatch.text()).toContain("do not match");
    const taken = await new CookieJar().post(`${app.url}/signup`, {
      email: "demo@example.com",
      password: GOOD,
      confirm: GOOD,
    });
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain("already exists");
  });

  it("forgot → reset → the new password works and the old one is refused", async () => {
    const email = unique("reset");
    await new CookieJar().post(`${app.url}/signup`, { email, password: GOOD, confirm: GOOD });
    await new CookieJar().post(`${app.url}/confirm`, {
      intent: "confirm",
      username: email,
      code: TEST_CONFIRMATION_CODE,
    });

    const forgot = await new CookieJar().post(`${app.url}/forgot-password`, { username: email });
    const location = expectRedirect(forgot, /^\/reset-password\?/);
    const page = await (await fetch(`${app.url}${location}`)).text();
    expect(page).toContain("If an account exists for this email");

    const wrong = await new CookieJar().post(`${app.url}/reset-password`, {
      username: email,
      code: "999999",
      password: "An0ther-Passw0rd!",
      confirm: "An0ther-Passw0rd!",
    });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("That code is not correct");

    const reset = await new CookieJar().post(`${app.url}/reset-password`, {
      username: email,
      code: TEST_CONFIRMATION_CODE,
      password: "An0ther-Passw0rd!",
      confirm: "An0ther-Passw0rd!",
    });
    expectRedirect(reset, "/login?notice=password-reset");
    await signInWithForm(app.url, email, "An0ther-Passw0rd!");
    const old = await new CookieJar().post(`${app.url}/login`, { username: email, password: GOOD });
    expect(old.status).toBe(401);
  });

  it("forgot-password answers an unknown email exactly like a known one (no enumeration)", async () => {
    const unknown = await new CookieJar().post(`${app.url}/forgot-password`, { username: "nobody-here@example.com" });
    const known = await new CookieJar().post(`${app.url}/forgot-password`, { username: "demo@example.com" });
    expect(unknown.status).toBe(known.status);
    expect(new URL(unknown.headers.get("Location")!, app.url).searchParams.get("notice")).toBe("sent");
    expect(new URL(known.headers.get("Location")!, app.url).searchParams.get("notice")).toBe("sent");
  });

  it("newhire: a temporary password leads to the new-password page, then into the app", async () => {
    const email = unique("newhire");
    await adminClient().send(
      new AdminCreateUserCommand({
        UserPoolId: inject("userPoolId"),
        Username: email,
        TemporaryPassword: "TempPassw0rd!",
        MessageAction: "SUPPRESS",
      }),
    );
    const jar = new CookieJar();
    const login = await jar.post(`${app.url}/login`, {
      username: email,
      password: "TempPassw0rd!",
      redirectTo: "/admin",
    });
    expectRedirect(login, "/login/new-password");
    expect(jar.session()).toBeNull();
    const challengeCookie = login.headers.getSetCookie().find((c) => c.startsWith("__Host-challenge"));
    expect(challengeCookie).toMatch(/HttpOnly/);
    const page = await jar.fetch(`${app.url}/login/new-password`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("temporary password");
    expect(html).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/); // no Cognito Session in the page

    const weak = await jar.post(`${app.url}/login/new-password`, { password: "short", confirm: "short" });
    expect(weak.status).toBe(400);

    const done = await jar.post(`${app.url}/login/new-password`, { password: GOOD, confirm: GOOD });
    expectRedirect(done, "/admin"); // the redirectTo of the original sign-in survives the extra step
    expect(jar.session()).not.toBeNull();
    expect(jar.names().some((n) => n.startsWith("__Host-challenge"))).toBe(false);
    await signInWithForm(app.url, email, GOOD);
  });

  it("the new-password page without a pending challenge sends back to login", async () => {
    expectRedirect(
      await fetch(`${app.url}/login/new-password`, { redirect: "manual" }),
      "/login?notice=challenge-expired",
    );
    expectRedirect(await fetch(`${app.url}/login/mfa`, { redirect: "manual" }), "/login?notice=challenge-expired");
  });
});

/** The message shown under a field (Field renders it as `<p id="<name>-error">`). */
function fieldError(html: string, name: string): string | undefined {
  return html.match(new RegExp(`id="${name}-error"[^>]*>([^<]*)<`))?.[1];
}
