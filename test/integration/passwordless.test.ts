/**
 * Choice-based sign-in (USER_AUTH) through the app, against the real
 * emulator: the password in one step (and through SELECT_CHALLENGE), emailed
 * codes (right, wrong, reused, spent, resent), the USER_AUTH-off setting,
 * and step-up on the passkey pages.
 */
import { randomUUID } from "node:crypto";
import { CognitoIdentityProviderClient } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import {
  ChallengeRequiredError,
  CodeMismatchError,
  InvalidCredentialsError,
  SignInCodeSpentError,
} from "../../app/cognito/errors.server.ts";
import { CognitoPasswordlessApi } from "../../app/cognito/passwordless.server.ts";
import { freePort } from "../../cognito-local/free-port.ts";
import { type RunningGateway, startGateway } from "../../cognito-local/gateway/index.ts";
import { suiteApp } from "../support/fixtures.ts";
import { TEST_CONFIRMATION_CODE } from "../support/global-setup.ts";
import { CookieJar, expectRedirect } from "../support/http.ts";
import {
  createPasswordlessTestUser as createUser,
  createUserAuthClient,
  PASSWORDLESS_TEST_PASSWORD,
} from "../support/passwordless.ts";
import { ageSession } from "../support/tokens.ts";
import { addUser } from "../support/users.ts";
import { waitUntil } from "../support/wait.ts";

const PASSWORD = PASSWORDLESS_TEST_PASSWORD;
const WRONG_CODE = "987654";

/** Asks for an emailed code through the form; returns the jar holding the challenge cookie. */
async function askForCode(appUrl: string, username: string, jar = new CookieJar()): Promise<CookieJar> {
  const res = await jar.post(`${appUrl}/login`, { username, intent: "email-code", redirectTo: "/account" });
  expectRedirect(res, "/login/code");
  return jar;
}

describe("USER_AUTH on (COGNITO_USER_AUTH=1)", () => {
  const app = suiteApp(async () => ({
    env: { COGNITO_CLIENT_ID: await createUserAuthClient(), COGNITO_USER_AUTH: "1" },
  }));

  it("offers the other methods on the same form: a code button for everyone, passkeys only once the script runs", async () => {
    const res = await fetch(`${app.url}/login`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="password"');
    expect(html).toMatch(/<button[^>]*name="intent"[^>]*value="email-code"[^>]*>Email me a code<\/button>/);
    // The password button comes first: Enter in a field signs in with the password.
    expect(html.indexOf('value="password"')).toBeLessThan(html.indexOf('value="email-code"'));
    expect(html).toMatch(/autocomplete="username webauthn"/i);
    // No passkey button in the server's HTML: it appears when the browser supports WebAuthn.
    expect(html).not.toContain("Sign in with a passkey");
  });

  it("signs a password user in in one step (PREFERRED_CHALLENGE=PASSWORD), and a wrong password reads like an unknown user", async () => {
    const username = await createUser("pw");
    const jar = new CookieJar();
    expectRedirect(await jar.post(`${app.url}/login`, { username, password: PASSWORD }), "/dashboard");
    expect(jar.session()?.flow).toBe("custom");

    const messages: string[] = [];
    for (const attempt of [
      { username, password: "Wrong-Passw0rd!" },
      { username: `nobody-${randomUUID()}@example.com`, password: "Wrong-Passw0rd!" },
    ]) {
      const res = await new CookieJar().post(`${app.url}/login`, attempt);
      expect(res.status).toBe(401);
      const html = await res.text();
      expect(html).not.toContain("Wrong-Passw0rd!");
      messages.push(html.match(/role="alert"[^>]*>([^<]*)</)?.[1] ?? "");
    }
    expect(messages[0]).toBe("Incorrect username or password.");
    expect(messages[1]).toBe(messages[0]);
  });

  it("signs in with an emailed code: challenge cookie only, wrong code corrected, right code signs in", async () => {
    const username = await createUser("code");
    const jar = await askForCode(app.url, username);
    const page = await jar.fetch(`${app.url}/login/code`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Check your email");
    expect(html).toMatch(/to [a-z0-9]\*\*\*@/); // the masked destination
    // The Cognito Session never reaches the page.
    expect(html).not.toMatch(/[A-Za-z0-9+/=_-]{120,}/);
    expect(html).toContain('name="intent" value="verify"');

    const wrong = await jar.post(`${app.url}/login/code`, { intent: "verify", code: WRONG_CODE });
    expect(wrong.status).toBe(400);
    expect(await wrong.text()).toContain("That code is not correct");
    expect(jar.session()).toBeNull();

    const right = await jar.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE });
    expectRedirect(right, "/account");
    expect(jar.session()?.flow).toBe("custom");
    const account = await jar.fetch(`${app.url}/account`);
    expect(account.status).toBe(200);
    expect(await account.text()).toContain(username);
  });

  it("refuses a code whose challenge was used already (a replayed challenge cookie)", async () => {
    const username = await createUser("reuse");
    const jar = await askForCode(app.url, username);
    const replay = jar.clone();
    expectRedirect(
      await jar.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE }),
      "/account",
    );
    const again = await replay.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("This code has expired or can no longer be used. Send a new code.");
    expect(replay.session()).toBeNull();
  });

  it("after too many wrong codes the code is spent; “Send a new code” starts again and the new code works", async () => {
    const username = await createUser("spent");
    const jar = await askForCode(app.url, username);
    for (let i = 0; i < 3; i++) {
      const res = await jar.post(`${app.url}/login/code`, { intent: "verify", code: WRONG_CODE });
      expect(res.status).toBe(400);
    }
    const spent = await jar.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE });
    expect(spent.status).toBe(400);
    expect(await spent.text()).toContain("Send a new code");

    const resend = await jar.post(`${app.url}/login/code`, { intent: "resend" });
    expect(resend.status).toBe(200);
    expect(await resend.text()).toContain("We sent a new code.");
    expectRedirect(
      await jar.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE }),
      "/account",
    );
    expect(jar.session()).not.toBeNull();
  });

  it("treats an unknown email like a real one (a code page, a code that never works)", async () => {
    const jar = await askForCode(app.url, `nobody-${randomUUID()}@example.com`);
    expect((await jar.fetch(`${app.url}/login/code`)).status).toBe(200);
    const res = await jar.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE });
    expect(res.status).toBe(400);
    expect(jar.session()).toBeNull();
  });

  it("validates the code field and the challenge: bad input is a 400, no challenge cookie goes back to sign-in", async () => {
    const username = await createUser("bad-input");
    const jar = await askForCode(app.url, username);
    for (const code of ["", "12ab56", "1234567890", "١٢٣٤٥٦"]) {
      const res = await jar.post(`${app.url}/login/code`, { intent: "verify", code });
      expect(res.status, code).toBe(400);
    }
    const none = await new CookieJar().fetch(`${app.url}/login/code`);
    expectRedirect(none, "/login?notice=challenge-expired");
  });

  it("answers the passkey script with small JSON the server does not gzip (its length is known)", async () => {
    // The sign-in page's script starts a passkey sign-in; a browser accepts gzip. A reply of a few
    // hundred bytes is under the compression threshold only when it states its length.
    const username = await createUser("passkey-reply");
    const posts: Record<string, string>[] = [
      { intent: "start", username },
      { intent: "finish", credential: "{}" },
    ];
    for (const fields of posts) {
      const res = await new CookieJar().post(`${app.url}/login/passkey`, fields, {
        headers: { "Accept-Encoding": "gzip, deflate, br" },
      });
      const body = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get("Content-Type"), fields.intent).toMatch(/^application\/json/);
      expect(res.headers.get("Content-Encoding"), fields.intent).toBeNull();
      expect(Number(res.headers.get("Content-Length")), fields.intent).toBe(body.byteLength);
      expect(body.byteLength, fields.intent).toBeLessThan(1024);
    }
  });

  it("shows the form again to a signed-in user asked to sign in again (reauth=1, step-up)", async () => {
    const username = await createUser("reauth");
    const jar = new CookieJar();
    expectRedirect(await jar.post(`${app.url}/login`, { username, password: PASSWORD }), "/dashboard");
    expectRedirect(await jar.fetch(`${app.url}/login?redirectTo=%2Faccount`), "/account");
    const res = await jar.fetch(`${app.url}/login?reauth=1&redirectTo=%2Faccount%2Fpasskeys`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain("sign in again to continue");
    expect(html).toContain('name="redirectTo" value="/account/passkeys"');
  });

  it("needs a recent sign-in, or the password again, to add or remove a passkey (step-up)", async () => {
    const username = await createUser("stepup");
    const jar = new CookieJar();
    expectRedirect(await jar.post(`${app.url}/login`, { username, password: PASSWORD }), "/dashboard");
    // The same session, signed in an hour ago (the sealed cookie rewritten with the tests' shared secret).
    ageSession(jar, 3600);
    const start = await jar.post(`${app.url}/account/passkeys/register`, { intent: "start" });
    expect(start.status).toBe(403);
    expect(await start.json()).toMatchObject({
      fieldErrors: { stepUpPassword: "Enter your password to confirm this change." },
      stepUp: { required: true, password: true },
    });
    const wrong = await jar.post(`${app.url}/account/passkeys/register`, {
      intent: "start",
      stepUpPassword: "Wrong-Passw0rd!",
    });
    expect(wrong.status).toBe(401);
    const finish = await jar.post(`${app.url}/account/passkeys/register`, { intent: "finish", credential: "{}" });
    expect(finish.status).toBe(403);
    const remove = await jar.post(`${app.url}/account/passkeys`, { delete: "AAAA" });
    expect(remove.status).toBe(403);
    expect(await remove.text()).toContain("Enter your password to confirm this change.");
  });

  it("signs up with just an email, confirms with the code and is signed in at once (ConfirmSignUp's Session)", async () => {
    expect(await (await fetch(`${app.url}/signup`)).text()).toContain('href="/signup/email"');
    const email = `signup-${randomUUID()}@example.com`;
    const jar = new CookieJar();
    expectRedirect(await jar.post(`${app.url}/signup/email`, { email, name: "No Password" }), "/signup/code");
    const page = await jar.fetch(`${app.url}/signup/code`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain(email);
    expect(html).not.toMatch(/[A-Za-z0-9+/=_-]{120,}/); // no Cognito Session in the page

    const wrong = await jar.post(`${app.url}/signup/code`, { intent: "confirm", code: "000000" });
    expect(wrong.status).toBe(400);
    expect(jar.session()).toBeNull();
    expectRedirect(
      await jar.post(`${app.url}/signup/code`, { intent: "confirm", code: TEST_CONFIRMATION_CODE }),
      "/dashboard",
    );
    const dashboard = await jar.fetch(`${app.url}/dashboard`);
    expect(dashboard.status).toBe(200);
    expect(await dashboard.text()).toContain(email);

    // No password: the form's password sign-in fails like any wrong password; an emailed code works.
    const pw = await new CookieJar().post(`${app.url}/login`, { username: email, password: "Any-Passw0rd!" });
    expect(pw.status).toBe(401);
    const codeJar = await askForCode(app.url, email);
    expectRedirect(
      await codeJar.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE }),
      "/account",
    );
  });
});

describe("an expired emailed code (a gateway with 4-second challenges in front of the same cognito-local)", () => {
  /** AWS's codes last 3 minutes; this gateway's, 4 seconds (its challengeTtlMs, as the gateway's own parity test). */
  const TTL_MS = 4000;
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startGateway({
      upstreamUrl: inject("emulatorUpstreamUrl"),
      port: await freePort(),
      fixedCode: TEST_CONFIRMATION_CODE,
      challengeTtlMs: TTL_MS,
    });
  });
  afterAll(async () => {
    await gateway?.stop();
  });
  const app = suiteApp(async () => ({
    env: { COGNITO_CLIENT_ID: await createUserAuthClient(), COGNITO_USER_AUTH: "1", COGNITO_ENDPOINT: gateway.url },
  }));

  it("refuses the right code once it has expired with the same message as a used one, makes no session, and a new code works", async () => {
    const username = await createUser("expired");
    const jar = await askForCode(app.url, username);
    const askedAt = Date.now();
    const replay = jar.clone();
    await waitUntil(() => Date.now() > askedAt + TTL_MS + 500);

    const late = await jar.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE });
    expect(late.status).toBe(400);
    const html = await late.text();
    expect(html).toContain("This code has expired or can no longer be used. Send a new code.");
    expect(html).not.toContain(TEST_CONFIRMATION_CODE);
    expect(jar.session()).toBeNull();
    // Still on the code page (the email is known): a wrong code reads as wrong, the expired one as expired.
    expect((await jar.fetch(`${app.url}/login/code`)).status).toBe(200);

    // "Send a new code": the new one signs in at once, and the old challenge stays dead.
    const resend = await jar.post(`${app.url}/login/code`, { intent: "resend" });
    expect(await resend.text()).toContain("We sent a new code.");
    expectRedirect(
      await jar.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE }),
      "/account",
    );
    expect(jar.session()?.flow).toBe("custom");
    const again = await replay.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("This code has expired or can no longer be used. Send a new code.");
    expect(replay.session()).toBeNull();
  });
});

describe("USER_AUTH off (COGNITO_USER_AUTH unset, a client without ALLOW_USER_AUTH)", () => {
  const app = suiteApp({ env: { COGNITO_USER_AUTH: undefined } });

  it("shows the password form only, signs in with USER_PASSWORD_AUTH, and refuses the code button's post", async () => {
    const html = await (await fetch(`${app.url}/login`)).text();
    expect(html).toContain('name="password"');
    expect(html).not.toContain("Email me a code");
    expect(html).toMatch(/autocomplete="username"/i);
    const username = await createUser("off");
    const jar = new CookieJar();
    expectRedirect(await jar.post(`${app.url}/login`, { username, password: PASSWORD }), "/dashboard");

    const code = await new CookieJar().post(`${app.url}/login`, { username, intent: "email-code" });
    expect(code.status).toBe(400);
    expect(await code.text()).toContain("Sign-in codes are not available here.");
    expect((await jar.fetch(`${app.url}/account/passkeys`)).status).toBe(404);
    const passkey = await new CookieJar().post(`${app.url}/login/passkey`, { intent: "start", username });
    expect(passkey.status).toBe(404);
  });
});

describe("the Cognito library: SELECT_CHALLENGE", () => {
  const client = () =>
    new CognitoIdentityProviderClient({
      endpoint: inject("emulatorUrl"),
      region: "us-east-1",
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
    });
  let api: CognitoPasswordlessApi;
  beforeAll(async () => {
    const clientId = await createUserAuthClient();
    api = new CognitoPasswordlessApi(client(), {
      region: "us-east-1",
      userPoolId: inject("userPoolId"),
      clientId,
      endpoint: inject("emulatorUrl"),
    });
  });

  it("answers SELECT_CHALLENGE with ANSWER=PASSWORD and the password in one step", async () => {
    const username = await createUser("select");
    const tokens = await api.signIn(username, "PASSWORD", PASSWORD, { askFirst: true });
    expect(tokens.accessToken.split(".")).toHaveLength(3);
    expect(tokens.refreshToken).toBeTruthy();
    await expect(api.signIn(username, "PASSWORD", "Wrong-Passw0rd!", { askFirst: true })).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
  });

  it("answers SELECT_CHALLENGE with ANSWER=EMAIL_OTP and gets the code challenge", async () => {
    const username = await createUser("select-code");
    const error = await api.signIn(username, "EMAIL_OTP", undefined, { askFirst: true }).catch((e) => e);
    expect(error).toBeInstanceOf(ChallengeRequiredError);
    expect(error.challengeName).toBe("EMAIL_OTP");
    expect(error.parameters.CODE_DELIVERY_DESTINATION).toMatch(/\*\*\*/);
    const tokens = await api.answerEmailCode(
      { name: "EMAIL_OTP", challengeSession: error.challengeSession, username: error.username },
      TEST_CONFIRMATION_CODE,
    );
    expect(tokens.idToken).toBeTruthy();
  });

  it("answers a decoy code challenge like a wrong code, and once its session is gone like a spent one", async () => {
    // One Cognito made (an account it sends no code to): Cognito's own session, and its expiry.
    const temporary = `decoy-${randomUUID()}@example.com`;
    await addUser({ email: temporary, password: "Temporary-Passw0rd!", temporary: true });
    const decoy = await api.requestEmailCode(temporary).catch((e: unknown) => e);
    expect(decoy).toBeInstanceOf(ChallengeRequiredError);
    expect(decoy).toMatchObject({ challengeName: "EMAIL_OTP", decoy: true });
    const challenge = { name: "EMAIL_OTP", challengeSession: (decoy as ChallengeRequiredError).challengeSession };
    const answer = (session: string) =>
      api.answerEmailCode({ ...challenge, challengeSession: session, username: temporary, decoy: true }, "12345678");
    await expect(answer(challenge.challengeSession)).rejects.toBeInstanceOf(CodeMismatchError);
    await expect(answer("not-a-session-cognito-knows")).rejects.toBeInstanceOf(SignInCodeSpentError);
    // One made here, when Cognito answered with no session at all: it lasts as long as Cognito's.
    await expect(answer(`decoy.${Date.now()}.abc`)).rejects.toBeInstanceOf(CodeMismatchError);
    await expect(answer(`decoy.${Date.now() - 3 * 60_000 - 1}.abc`)).rejects.toBeInstanceOf(SignInCodeSpentError);
  });

  it("treats a passwordless user's password sign-in like a wrong password (PASSWORD not offered)", async () => {
    // The seed's passwordless@example.com signed up without a password.
    await expect(api.signIn("passwordless@example.com", "PASSWORD", "Any-Passw0rd!")).rejects.toBeInstanceOf(
      InvalidCredentialsError,
    );
  });
});
