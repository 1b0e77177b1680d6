/**
 * The signed-in user's own account pages, over HTTP against the production
 * build and the test emulator: profile (name, email + verification code),
 * password change, and TOTP enrolment followed by sign-in with a code.
 * Every test makes its own user, so none depends on another or on the seed.
 */
import { randomUUID } from "node:crypto";
import { AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, inject, it } from "vitest";
import { readTotpSecrets, totpCode } from "../../scripts/lib/seed.ts";
import { adminClient } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { TEST_CONFIRMATION_CODE } from "../support/global-setup.ts";
import { CookieJar, expectRedirect, jwtClaims, signInWithForm } from "../support/http.ts";
import { addUser } from "../support/users.ts";

interface TestUser {
  email: string;
  password: string;
  name: string;
}

/** A confirmed user with a permanent password, unique to the calling test. */
async function freshUser(name = "Account Tester"): Promise<TestUser> {
  const user = { email: `account-${randomUUID().slice(0, 8)}@example.com`, password: "Start-Passw0rd!", name };
  await addUser(user);
  return user;
}

async function attributes(email: string): Promise<Record<string, string>> {
  const user = await adminClient().send(new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: email }));
  return Object.fromEntries((user.UserAttributes ?? []).map((a) => [a.Name!, a.Value!]));
}

/** A 6-digit code the emulator will refuse: not valid in any step near now (it allows ±30 s). */
function wrongTotpCode(secret: string): string {
  const valid = new Set([-2, -1, 0, 1, 2].map((step) => totpCode(secret, Date.now() + step * 30_000)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, "0");
    if (!valid.has(code)) return code;
  }
}

/** The TOTP secret as the page shows it for manual entry (grouped in fours). */
function secretOnPage(html: string): string {
  const grouped = html.match(/data-testid="totp-secret"[^>]*>([A-Z2-7 ]+)</)?.[1];
  expect(grouped, "the secret for manual entry on the page").toBeTruthy();
  expect(grouped).toMatch(/^([A-Z2-7]{4} )*[A-Z2-7]{1,4}$/);
  return grouped!.replace(/ /g, "");
}

function fieldError(html: string, field: string): string | undefined {
  return html.match(new RegExp(`id="${field}-error"[^>]*>([^<]*)<`))?.[1];
}

describe("account pages", () => {
  const app = suiteApp();

  const signOut = async (jar: CookieJar) => {
    expectRedirect(await jar.post(`${app.url}/logout`, {}), "/");
    expect(jar.session()).toBeNull();
  };

  /** Signs in with the form and expects the TOTP step; returns the jar holding the pending challenge. */
  const signInToMfaStep = async (email: string, password: string) => {
    const jar = new CookieJar();
    expectRedirect(await jar.post(`${app.url}/login`, { username: email, password }), "/login/mfa");
    expect(jar.names().some((n) => n.startsWith("__Host-challenge"))).toBe(true);
    expect(jar.session()).toBeNull();
    return jar;
  };

  /** Enrols TOTP through /account/mfa; returns the secret. */
  const enrolTotp = async (jar: CookieJar) => {
    const start = await jar.post(`${app.url}/account/mfa`, { intent: "start" });
    expect(start.status).toBe(200);
    const secret = secretOnPage(await start.text());
    expectRedirect(
      await jar.post(`${app.url}/account/mfa`, { intent: "verify", code: totpCode(secret), secret }),
      "/account/mfa?notice=mfa-enabled",
    );
    return secret;
  };

  it("sends signed-out visitors to the login page, for every account page and action", async () => {
    expectRedirect(await fetch(`${app.url}/account`, { redirect: "manual" }), "/login?redirectTo=%2Faccount");
    expectRedirect(
      await fetch(`${app.url}/account/password`, { redirect: "manual" }),
      "/login?redirectTo=%2Faccount%2Fpassword",
    );
    expectRedirect(await fetch(`${app.url}/account/mfa`, { redirect: "manual" }), "/login?redirectTo=%2Faccount%2Fmfa");
    const post = await new CookieJar().post(`${app.url}/account/mfa`, { intent: "start" });
    expectRedirect(post, "/login?redirectTo=%2Faccount%2Fmfa");
  });

  it("refuses account changes posted from another site (403), changing nothing", async () => {
    const user = await freshUser("Same Origin");
    const jar = await signInWithForm(app.url, user.email, user.password);
    // What a browser says about a form another site submits. (With a foreign
    // Origin header Remix itself aborts the action before our check runs.)
    const crossSite = { headers: { "Sec-Fetch-Site": "cross-site" } };
    const name = await jar.post(`${app.url}/account?index`, { intent: "update-name", name: "Hijacked" }, crossSite);
    expect(name.status).toBe(403);
    const password = await jar.post(
      `${app.url}/account/password`,
      { current: user.password, password: "Hijack-Passw0rd!", confirm: "Hijack-Passw0rd!" },
      crossSite,
    );
    expect(password.status).toBe(403);
    const mfa = await jar.post(`${app.url}/account/mfa`, { intent: "start" }, crossSite);
    expect(mfa.status).toBe(403);
    expect((await attributes(user.email)).name).toBe("Same Origin");
    expect(await (await jar.fetch(`${app.url}/account/mfa`)).text()).toContain('data-testid="mfa-status">Off<');
    await signInWithForm(app.url, user.email, user.password);
  });

  it("shows the profile: email (verified), name, MFA status; never cached", async () => {
    const user = await freshUser("Profile Person");
    const jar = await signInWithForm(app.url, user.email, user.password);
    const res = await jar.fetch(`${app.url}/account`);
    expect(res.status).toBe(200);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    const html = await res.text();
    expect(html).toContain("<title>Your account · remix-cognito</title>");
    expect(html).toContain(`data-testid="profile-email">${user.email}<`);
    expect(html).toContain('data-testid="profile-email-status">(verified)<');
    expect(html).toContain('data-testid="profile-name">Profile Person<');
    expect(html).not.toContain("Verify your email address");
    expect(html).not.toContain(jar.session()!.access);
  });

  it("edits the name and fetches fresh tokens so the session's claims are current", async () => {
    const user = await freshUser("Old Name");
    const jar = await signInWithForm(app.url, user.email, user.password);
    const before = jwtClaims(jar.session()!.id);
    const res = await jar.post(`${app.url}/account?index`, { intent: "update-name", name: "  New Name  " });
    expectRedirect(res, "/account?notice=name-updated");
    expect((await attributes(user.email)).name).toBe("New Name");
    // reloadAuthSession ran: the cookie now holds a newly issued ID token.
    // (cognito-local puts only email, email_verified and custom:* attributes
    // in ID tokens, so `name` itself cannot be checked in the token or on the
    // dashboard here; the email change below checks a claim end to end.)
    const after = jwtClaims(jar.session()!.id);
    expect(after.sub).toBe(before.sub);
    expect(after.jti).not.toBe(before.jti);
    expect((await jar.fetch(`${app.url}/dashboard`)).status).toBe(200);

    const account = await (await jar.fetch(`${app.url}/account?notice=name-updated`)).text();
    expect(account).toContain("Your name has been updated.");
    expect(account).toContain('data-testid="profile-name">New Name<');
  });

  it("refuses a blank or control-character name with 400 and leaves it unchanged", async () => {
    const user = await freshUser("Kept Name");
    const jar = await signInWithForm(app.url, user.email, user.password);
    const blank = await jar.post(`${app.url}/account?index`, { intent: "update-name", name: "   " });
    expect(blank.status).toBe(400);
    expect(fieldError(await blank.text(), "name")).toBe("Enter your name.");
    const control = await jar.post(`${app.url}/account?index`, { intent: "update-name", name: "Bad\u0007Name" });
    expect(control.status).toBe(400);
    // Refused by parseForm for every form, or by this page's own schema.
    expect(await control.text()).toMatch(/characters that are not allowed|Use letters, numbers and punctuation only/);
    const long = await jar.post(`${app.url}/account?index`, { intent: "update-name", name: "x".repeat(129) });
    expect(long.status).toBe(400);
    const unknown = await jar.post(`${app.url}/account?index`, { intent: "delete-everything" });
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain("Please use the buttons on this page.");
    expect((await attributes(user.email)).name).toBe("Kept Name");
  });

  it("refuses a bare POST /account plainly (the profile's forms post to /account?index) and changes nothing", async () => {
    const user = await freshUser("Kept Name");
    const jar = await signInWithForm(app.url, user.email, user.password);
    const res = await jar.post(`${app.url}/account`, { intent: "update-name", name: "Changed" });
    expect(res.status).toBe(405);
    expect(await res.text()).toContain("use the forms on your account page");
    expect((await attributes(user.email)).name).toBe("Kept Name");
    expect(await (await jar.fetch(`${app.url}/account`)).text()).toContain('action="/account?index"');
  });

  it("changes the email with a verification code, then signs in with the new address", async () => {
    const user = await freshUser();
    const newEmail = `changed-${randomUUID().slice(0, 8)}@example.com`;
    const jar = await signInWithForm(app.url, user.email, user.password);

    const invalid = await jar.post(`${app.url}/account?index`, { intent: "change-email", email: "not-an-email" });
    expect(invalid.status).toBe(400);
    expect(fieldError(await invalid.text(), "email")).toBe("Enter a valid email address.");
    const same = await jar.post(`${app.url}/account?index`, {
      intent: "change-email",
      email: user.email.toUpperCase(),
    });
    expect(same.status).toBe(400);
    expect(fieldError(await same.text(), "email")).toBe("That is already your email address.");

    expectRedirect(
      await jar.post(`${app.url}/account?index`, { intent: "change-email", email: newEmail }),
      "/account?notice=email-code-sent",
    );
    // The session's claims follow at once: the new address, not yet verified.
    // (cognito-local 5.3.0 always says email_verified: true in ID tokens, so
    // the verified state is checked on the page and in Cognito instead.)
    expect(jwtClaims(jar.session()!.id).email).toBe(newEmail);
    expect(await (await jar.fetch(`${app.url}/dashboard`)).text()).toContain(`data-testid="email">${newEmail}<`);
    const pending = await (await jar.fetch(`${app.url}/account?notice=email-code-sent`)).text();
    expect(pending).toContain(`data-testid="profile-email">${newEmail}<`);
    expect(pending).toContain('data-testid="profile-email-status">(not verified)<');
    expect(pending).toContain("Verify your email address");
    expect(await attributes(newEmail)).toMatchObject({ email: newEmail, email_verified: "false" });

    const garbage = await jar.post(`${app.url}/account?index`, { intent: "verify-email", code: "12ab" });
    expect(garbage.status).toBe(400);
    expect(fieldError(await garbage.text(), "code")).toBe("Enter the 6-digit code.");
    const wrong = await jar.post(`${app.url}/account?index`, { intent: "verify-email", code: "000000" });
    expect(wrong.status).toBe(400);
    expect(fieldError(await wrong.text(), "code")).toBe("That code is not correct. Check it and try again.");
    expect((await attributes(newEmail)).email_verified).toBe("false");

    // cognito-local issues every code from its CODE variable (global setup sets it).
    expectRedirect(
      await jar.post(`${app.url}/account?index`, { intent: "verify-email", code: TEST_CONFIRMATION_CODE }),
      "/account?notice=email-verified",
    );
    expect(await attributes(newEmail)).toMatchObject({ email: newEmail, email_verified: "true" });
    expect(jwtClaims(jar.session()!.id).email).toBe(newEmail);
    const verified = await (await jar.fetch(`${app.url}/account?notice=email-verified`)).text();
    expect(verified).toContain("Your email address is verified.");
    expect(verified).toContain('data-testid="profile-email-status">(verified)<');
    expect(verified).not.toContain("Verify your email address");
    expect(await (await jar.fetch(`${app.url}/dashboard`)).text()).toContain(`data-testid="email">${newEmail}<`);

    await signOut(jar);
    await signInWithForm(app.url, newEmail, user.password);
  });

  it("changes the password: the old one is refused afterwards, the new one works", async () => {
    const user = await freshUser();
    const newPassword = "Brand-New-Passw0rd!";
    const jar = await signInWithForm(app.url, user.email, user.password);
    const page = await jar.fetch(`${app.url}/account/password`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("<title>Change password · remix-cognito</title>");

    const res = await jar.post(`${app.url}/account/password`, {
      current: user.password,
      password: newPassword,
      confirm: newPassword,
    });
    expectRedirect(res, "/account?notice=password-changed");
    expect(await (await jar.fetch(`${app.url}/account?notice=password-changed`)).text()).toContain(
      "Your password has been changed.",
    );

    await signOut(jar);
    const old = await new CookieJar().post(`${app.url}/login`, { username: user.email, password: user.password });
    expect(old.status).toBe(401);
    await signInWithForm(app.url, user.email, newPassword);
  });

  it("says plainly when the current password is wrong, and changes nothing", async () => {
    const user = await freshUser();
    const jar = await signInWithForm(app.url, user.email, user.password);
    const res = await jar.post(`${app.url}/account/password`, {
      current: "Not-My-Passw0rd!",
      password: "Another-Passw0rd!",
      confirm: "Another-Passw0rd!",
    });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldError(html, "current")).toBe("Your current password is not correct.");
    expect(fieldError(html, "password")).toBeUndefined();
    expect(html).not.toContain("Not-My-Passw0rd!");
    expect(html).not.toContain("Another-Passw0rd!");

    await signInWithForm(app.url, user.email, user.password);
    const refused = await new CookieJar().post(`${app.url}/login`, {
      username: user.email,
      password: "Another-Passw0rd!",
    });
    expect(refused.status).toBe(401);
  });

  it("refuses a weak or mismatched new password with 400 next to the field, without asking Cognito", async () => {
    const user = await freshUser();
    const jar = await signInWithForm(app.url, user.email, user.password);
    const weak = await jar.post(`${app.url}/account/password`, {
      current: user.password,
      password: "weak",
      confirm: "weak",
    });
    expect(weak.status).toBe(400);
    expect(fieldError(await weak.text(), "password")).toBe(
      "That password is too weak. Use at least 8 characters, with upper and lower case letters, a number and a symbol.",
    );
    const mismatch = await jar.post(`${app.url}/account/password`, {
      current: user.password,
      password: "Mismatch-Passw0rd!",
      confirm: "Mismatch-Passw0rd?",
    });
    expect(mismatch.status).toBe(400);
    expect(fieldError(await mismatch.text(), "confirm")).toBe("The two passwords do not match.");
    const missing = await jar.post(`${app.url}/account/password`, {
      password: "Fine-Passw0rd!",
      confirm: "Fine-Passw0rd!",
    });
    expect(missing.status).toBe(400);
    expect(fieldError(await missing.text(), "current")).toBe("Enter your current password.");

    await signOut(jar);
    await signInWithForm(app.url, user.email, user.password);
  });

  it("enrols TOTP (QR + secret, wrong code refused), then sign-in asks for the code", async () => {
    const user = await freshUser();
    const jar = await signInWithForm(app.url, user.email, user.password);
    const status = await jar.fetch(`${app.url}/account/mfa`);
    expect(status.status).toBe(200);
    const statusHtml = await status.text();
    expect(statusHtml).toContain("<title>Two-step verification · remix-cognito</title>");
    expect(statusHtml).toContain('data-testid="mfa-status">Off<');

    const start = await jar.post(`${app.url}/account/mfa`, { intent: "start" });
    expect(start.status).toBe(200);
    expect(start.headers.get("Cache-Control")).toBe("no-store");
    const setupHtml = await start.text();
    const secret = secretOnPage(setupHtml);
    expect(secret).toMatch(/^[A-Z2-7]{16,}$/);
    expect(setupHtml).toMatch(
      /role="img" aria-label="QR code for adding remix-cognito to your authenticator app"[^>]*><svg /,
    );
    expect(setupHtml).toContain(
      `href="otpauth://totp/remix-cognito:${encodeURIComponent(user.email)}?secret=${secret}&amp;issuer=remix-cognito"`,
    );

    // A wrong code: 400, a clear message, and the same QR code and secret again.
    const wrong = await jar.post(`${app.url}/account/mfa`, { intent: "verify", code: wrongTotpCode(secret), secret });
    expect(wrong.status).toBe(400);
    const wrongHtml = await wrong.text();
    expect(fieldError(wrongHtml, "code")).toBe("That code is not correct. Check it and try again.");
    expect(secretOnPage(wrongHtml)).toBe(secret);
    expect(await (await jar.fetch(`${app.url}/account/mfa`)).text()).toContain('data-testid="mfa-status">Off<');

    expectRedirect(
      await jar.post(`${app.url}/account/mfa`, { intent: "verify", code: totpCode(secret), secret }),
      "/account/mfa?notice=mfa-enabled",
    );
    const enabled = await (await jar.fetch(`${app.url}/account/mfa?notice=mfa-enabled`)).text();
    expect(enabled).toContain('data-testid="mfa-status">On<');
    expect(enabled).toContain("Two-step verification is on.");
    expect(enabled).not.toContain(secret);
    // A second authenticator is refused while one is on.
    const again = await jar.post(`${app.url}/account/mfa`, { intent: "start" });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("Two-step verification is already on.");

    await signOut(jar);
    const mfa = await signInToMfaStep(user.email, user.password);
    const wrongSignIn = await mfa.post(`${app.url}/login/mfa`, { code: wrongTotpCode(secret) });
    expect(wrongSignIn.status).toBe(400);
    expect(await wrongSignIn.text()).toContain("That code is not correct");
    expect(mfa.session()).toBeNull();
    expectRedirect(await mfa.post(`${app.url}/login/mfa`, { code: totpCode(secret) }), "/dashboard");
    expect(mfa.names().filter((n) => n.startsWith("__Host-challenge"))).toEqual([]);
    expect((await mfa.fetch(`${app.url}/dashboard`)).status).toBe(200);

    // The secret never reaches the server's log.
    expect(app.output()).not.toContain(secret);
  });

  it("refuses a malformed code without asking Cognito, keeping the QR code on screen", async () => {
    const user = await freshUser();
    const jar = await signInWithForm(app.url, user.email, user.password);
    const secret = secretOnPage(await (await jar.post(`${app.url}/account/mfa`, { intent: "start" })).text());
    const res = await jar.post(`${app.url}/account/mfa`, { intent: "verify", code: "12 34", secret });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(fieldError(html, "code")).toBe("Enter the 6-digit code.");
    expect(secretOnPage(html)).toBe(secret);
    // The first enrolment still completes with the same secret.
    expectRedirect(
      await jar.post(`${app.url}/account/mfa`, { intent: "verify", code: totpCode(secret) }),
      "/account/mfa?notice=mfa-enabled",
    );
  });

  it("turns TOTP off: the next sign-in has no MFA step", async () => {
    const user = await freshUser();
    const jar = await signInWithForm(app.url, user.email, user.password);
    await enrolTotp(jar);
    expectRedirect(await jar.post(`${app.url}/account/mfa`, { intent: "disable" }), "/account/mfa?notice=mfa-disabled");
    const page = await (await jar.fetch(`${app.url}/account/mfa?notice=mfa-disabled`)).text();
    expect(page).toContain('data-testid="mfa-status">Off<');
    expect(page).toContain("Two-step verification is off.");
    await signOut(jar);
    await signInWithForm(app.url, user.email, user.password);
  });

  it("signs the seeded mfa@example.com in with a code from its authenticator secret", async () => {
    const secret = readTotpSecrets(inject("totpSecretsFile"))["mfa@example.com"];
    expect(secret, "the seed stored the TOTP secret").toBeTruthy();
    const jar = await signInToMfaStep("mfa@example.com", "MfaPassw0rd!");
    const page = await jar.fetch(`${app.url}/login/mfa`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("mfa@example.com");
    expectRedirect(await jar.post(`${app.url}/login/mfa`, { code: totpCode(secret!) }), "/dashboard");
    expect(await (await jar.fetch(`${app.url}/dashboard`)).text()).toContain('data-testid="email">mfa@example.com<');
  });
});
