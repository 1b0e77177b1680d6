/**
 * Step-up for sensitive changes (app/auth/step-up.server.ts): changing the
 * email address and turning MFA on (both steps) or off need a sign-in within
 * the last 10 minutes, or the password (and, with an authenticator app, a
 * code) again on the same form — checked with Cognito, through the rate
 * limiter, without touching the current session. (Adding and removing
 * passkeys: passkeys.test.ts; a Hosted UI sign-in out of Cognito's older
 * session: hosted-session.test.ts.)
 *
 * "Signed in 11 minutes ago" is a real session of a real sign-in, re-sealed
 * with its sign-in time moved back (the tests share the app's secret), so no
 * test waits ten minutes.
 */
import { randomUUID } from "node:crypto";
import { AdminGetUserCommand, InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, inject, it } from "vitest";
import { totpCode } from "../../scripts/lib/seed.ts";
import { adminClient } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { hostedSignIn } from "../support/hosted.ts";
import { type CookieJar, expectRedirect, signInWithForm } from "../support/http.ts";
import { ageSession } from "../support/tokens.ts";
import { createUser } from "../support/users.ts";

/** The email attribute of the user signing in with `login` (the pool signs in by email: an alias, so after a change, the new one). */
async function emailOf(login: string): Promise<string | undefined> {
  const user = await adminClient().send(new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: login }));
  return user.UserAttributes?.find((a) => a.Name === "email")?.Value;
}

/** The same session in another jar, as if its sign-in had been `minutes` ago. */
function signedInMinutesAgo(jar: CookieJar, minutes: number): CookieJar {
  return ageSession(jar.clone(), minutes * 60);
}

function fieldError(html: string, field: string): string | undefined {
  return html.match(new RegExp(`id="${field}-error"[^>]*>([^<]*)<`))?.[1];
}

/** A 6-digit code the emulator refuses (not valid in any step near now). */
function wrongTotpCode(secret: string): string {
  const valid = new Set([-2, -1, 0, 1, 2].map((step) => totpCode(secret, Date.now() + step * 30_000)));
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, "0");
    if (!valid.has(code)) return code;
  }
}

describe("step-up: sensitive changes need a recent sign-in or the password again", () => {
  const app = suiteApp();

  /** Enrols TOTP through /account/mfa (a fresh session needs no step-up for that); returns the secret. */
  const enrolTotp = async (jar: CookieJar) => {
    const start = await jar.post(`${app.url}/account/mfa`, { intent: "start" });
    const secret = (await start.text()).match(/data-testid="totp-secret"[^>]*>([A-Z2-7 ]+)</)![1]!.replace(/ /g, "");
    expectRedirect(
      await jar.post(`${app.url}/account/mfa`, { intent: "verify", code: totpCode(secret), secret }),
      "/account/mfa?notice=mfa-enabled",
    );
    return secret;
  };

  it("within 10 minutes of signing in, the email form asks for nothing more", async () => {
    const user = await createUser("step-up");
    const jar = await signInWithForm(app.url, user.username, user.password);
    const page = await (await jar.fetch(`${app.url}/account`)).text();
    expect(page).not.toContain('data-testid="step-up"');
    expect(page).not.toContain('name="stepUpPassword"');
    const recent = signedInMinutesAgo(jar, 9);
    const newEmail = `recent-${randomUUID().slice(0, 8)}@example.com`;
    expectRedirect(
      await recent.post(`${app.url}/account?index`, { intent: "change-email", email: newEmail }),
      "/account?notice=email-code-sent",
    );
    expect(await emailOf(newEmail)).toBe(newEmail);
  });

  it("after 10 minutes, changing the email needs the password: none or a wrong one changes nothing", async () => {
    const user = await createUser("step-up");
    const other = await createUser("step-up");
    const fresh = await signInWithForm(app.url, user.username, user.password);
    const jar = signedInMinutesAgo(fresh, 11);
    const before = jar.session()!;

    const page = await (await jar.fetch(`${app.url}/account`)).text();
    expect(page).toContain('data-testid="step-up"');
    expect(page).toContain('name="stepUpPassword"');
    expect(page).not.toContain('name="stepUpCode"'); // no authenticator app on this account
    // Without choice-based sign-in every account has a password: no "sign in again instead" offer.
    expect(page).not.toContain("No password on this account");

    const newEmail = `stepped-${randomUUID().slice(0, 8)}@example.com`;
    const missing = await jar.post(`${app.url}/account?index`, { intent: "change-email", email: newEmail });
    expect(missing.status).toBe(403);
    const missingHtml = await missing.text();
    expect(fieldError(missingHtml, "stepUpPassword")).toBe("Enter your password to confirm this change.");
    expect(missingHtml).toContain(`value="${newEmail}"`); // what was typed stays

    for (const wrong of ["Wrong-Passw0rd!", other.password]) {
      const res = await jar.post(`${app.url}/account?index`, {
        intent: "change-email",
        email: newEmail,
        stepUpPassword: wrong,
      });
      expect(res.status, wrong === other.password ? "another user's password" : "a wrong password").toBe(401);
      expect(fieldError(await res.text(), "stepUpPassword")).toBe("That password is not correct.");
    }
    expect(await emailOf(user.username)).toBe(user.username);
    expect(jar.session()).toEqual(before); // nothing rewrote the session

    expectRedirect(
      await jar.post(`${app.url}/account?index`, {
        intent: "change-email",
        email: newEmail,
        stepUpPassword: user.password,
      }),
      "/account?notice=email-code-sent",
    );
    expect(await emailOf(newEmail)).toBe(newEmail);

    // The current session carries on as it was: same refresh token (still
    // accepted by Cognito), same sign-in time; the side sign-in left nothing behind.
    const after = jar.session()!;
    expect(after.refresh).toBe(before.refresh);
    expect(after.at).toBe(before.at);
    await adminClient().send(
      new InitiateAuthCommand({
        ClientId: app.clientId,
        AuthFlow: "REFRESH_TOKEN_AUTH",
        AuthParameters: { REFRESH_TOKEN: before.refresh! },
      }),
    );
    expect((await jar.fetch(`${app.url}/account`)).status).toBe(200);
    expect(app.output()).toMatch(/\[auth\] step-up outcome=success user=sub:/);
    expect(app.output()).not.toContain(user.password);
  });

  it("after 10 minutes, turning MFA on needs the password at both steps: no secret without it, no enrolment without it", async () => {
    const user = await createUser("step-up");
    const jar = signedInMinutesAgo(await signInWithForm(app.url, user.username, user.password), 11);
    const mfaStatus = async () =>
      (await (await jar.fetch(`${app.url}/account/mfa`)).text()).match(/data-testid="mfa-status">(\w+)</)?.[1];
    const page = await (await jar.fetch(`${app.url}/account/mfa`)).text();
    expect(page).toContain('name="stepUpPassword"');
    expect(page).not.toContain('name="stepUpCode"'); // no authenticator app yet

    const start = await jar.post(`${app.url}/account/mfa`, { intent: "start" });
    expect(start.status).toBe(403);
    const startHtml = await start.text();
    expect(fieldError(startHtml, "stepUpPassword")).toBe("Enter your password to confirm this change.");
    expect(startHtml).not.toContain('data-testid="totp-secret"');

    const started = await jar.post(`${app.url}/account/mfa`, { intent: "start", stepUpPassword: user.password });
    expect(started.status).toBe(200);
    const startedHtml = await started.text();
    const secret = startedHtml.match(/data-testid="totp-secret"[^>]*>([A-Z2-7 ]+)</)![1]!.replace(/ /g, "");
    expect(startedHtml, "the verify step asks for the password too").toContain('name="stepUpPassword"');

    // Someone at the unattended browser with their own authenticator: a right code alone enrols nothing.
    const verify = await jar.post(`${app.url}/account/mfa`, { intent: "verify", code: totpCode(secret), secret });
    expect(verify.status).toBe(403);
    const verifyHtml = await verify.text();
    expect(fieldError(verifyHtml, "stepUpPassword")).toBe("Enter your password to confirm this change.");
    expect(verifyHtml, "the QR code stays on screen").toContain('data-testid="totp-secret"');
    expect(await mfaStatus()).toBe("Off");

    expectRedirect(
      await jar.post(`${app.url}/account/mfa`, {
        intent: "verify",
        code: totpCode(secret),
        secret,
        stepUpPassword: user.password,
      }),
      "/account/mfa?notice=mfa-enabled",
    );
    expect(await mfaStatus()).toBe("On");
  });

  it("after 10 minutes, turning MFA off needs the password and a code from the app", async () => {
    const user = await createUser("step-up");
    const fresh = await signInWithForm(app.url, user.username, user.password);
    const secret = await enrolTotp(fresh);
    const jar = signedInMinutesAgo(fresh, 11);

    const page = await (await jar.fetch(`${app.url}/account/mfa`)).text();
    expect(page).toContain('name="stepUpPassword"');
    expect(page).toContain('name="stepUpCode"');

    const nothing = await jar.post(`${app.url}/account/mfa`, { intent: "disable" });
    expect(nothing.status).toBe(403);
    expect(fieldError(await nothing.text(), "stepUpPassword")).toBe("Enter your password to confirm this change.");

    const noCode = await jar.post(`${app.url}/account/mfa`, { intent: "disable", stepUpPassword: user.password });
    expect(noCode.status).toBe(403);
    expect(fieldError(await noCode.text(), "stepUpCode")).toBe(
      "Enter the 6-digit code from your authenticator app too.",
    );

    const wrongCode = await jar.post(`${app.url}/account/mfa`, {
      intent: "disable",
      stepUpPassword: user.password,
      stepUpCode: wrongTotpCode(secret),
    });
    expect(wrongCode.status).toBe(401);
    expect(fieldError(await wrongCode.text(), "stepUpCode")).toMatch(/code is not correct/);

    const wrongPassword = await jar.post(`${app.url}/account/mfa`, {
      intent: "disable",
      stepUpPassword: "Wrong-Passw0rd!",
      stepUpCode: totpCode(secret),
    });
    expect(wrongPassword.status).toBe(401);
    expect(await (await jar.fetch(`${app.url}/account/mfa`)).text()).toContain('data-testid="mfa-status">On<');

    expectRedirect(
      await jar.post(`${app.url}/account/mfa`, {
        intent: "disable",
        stepUpPassword: user.password,
        stepUpCode: totpCode(secret),
      }),
      "/account/mfa?notice=mfa-disabled",
    );
    expect(await (await jar.fetch(`${app.url}/account/mfa`)).text()).toContain('data-testid="mfa-status">Off<');
  });
});

describe("step-up passwords go through the rate limiter", () => {
  const app = suiteApp({ env: { RATE_LIMIT_CONSECUTIVE_FAILURES: "3" } });

  it("guessing the password on a signed-in browser is throttled: 429 with Retry-After", async () => {
    const user = await createUser("step-up");
    const jar = signedInMinutesAgo(await signInWithForm(app.url, user.username, user.password), 11);
    const guess = () =>
      jar.post(`${app.url}/account?index`, {
        intent: "change-email",
        email: "x@example.com",
        stepUpPassword: "Guess-1234!",
      });
    for (let i = 0; i < 3; i++) expect((await guess()).status).toBe(401);
    const blocked = await guess();
    expect(blocked.status).toBe(429);
    expect(blocked.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect(await emailOf(user.username)).toBe(user.username);
  });
});

describe("step-up with the Hosted UI only (no password sign-in through the API)", () => {
  const app = suiteApp({ env: { AUTH_FLOW: "hosted", COGNITO_DOMAIN: inject("emulatorUrl") } });

  it("asks to sign in again instead of taking a password, changes nothing, and signing in again asks Cognito for the password", async () => {
    const user = await createUser("step-up");
    const { jar: fresh, callback } = await hostedSignIn(app.url, user.username, user.password);
    expectRedirect(callback, "/dashboard");
    const jar = signedInMinutesAgo(fresh, 11);
    const page = await (await jar.fetch(`${app.url}/account`)).text();
    expect(page).toContain('data-testid="step-up-sign-in-again"');
    expect(page).not.toContain('name="stepUpPassword"');
    const res = await jar.post(`${app.url}/account?index`, {
      intent: "change-email",
      email: "hosted-change@example.com",
      stepUpPassword: user.password,
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("For your security, sign in again, then make this change within 10 minutes.");
    expect(await emailOf(user.username)).toBe(user.username);

    // "Sign in again" comes back to this page through the Hosted UI, which must ask for the password
    // (prompt=login): its own session would otherwise sign the browser straight back in.
    const link = page
      .match(/data-testid="step-up-sign-in-again"[^>]*>[^<]*<a [^>]*href="([^"]+)"/)?.[1]
      ?.replaceAll("&amp;", "&");
    expect(link).toBe("/login?reauth=1&redirectTo=%2Faccount");
    const hosted = expectRedirect(
      await jar.fetch(`${app.url}${link}`),
      "/auth/hosted?prompt=login&redirectTo=%2Faccount",
    );
    const authorize = new URL(expectRedirect(await jar.fetch(`${app.url}${hosted}`), /\/oauth2\/authorize\?/));
    expect(authorize.searchParams.get("prompt")).toBe("login");
  });
});
