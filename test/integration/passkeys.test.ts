/**
 * Passkeys through the app, against the real emulator: add one on
 * /account/passkeys (register start → a software authenticator makes a real
 * credential → finish), see it listed, sign out, sign in with it through
 * /login/passkey, remove it (step-up honoured), and it no longer signs in.
 * The authenticator does real WebAuthn cryptography (test/support); the
 * "browser" is on http://localhost:<port>, the test pool's relying party.
 */
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { beforeAll, describe, expect, it } from "vitest";
import { suiteApp } from "../support/fixtures.ts";
import { TEST_CONFIRMATION_CODE } from "../support/global-setup.ts";
import { CookieJar, expectRedirect } from "../support/http.ts";
import {
  createPasswordlessTestUser,
  createUserAuthClient,
  PASSWORDLESS_TEST_PASSWORD,
} from "../support/passwordless.ts";
import { ageSession } from "../support/tokens.ts";
import { SoftwareAuthenticator } from "../support/webauthn-authenticator.ts";

const app = suiteApp(async () => ({
  env: { COGNITO_CLIENT_ID: await createUserAuthClient(), COGNITO_USER_AUTH: "1" },
  urlHost: "localhost",
}));
/** Where the "browser" is: a host that is the pool's relying party ID. */
let origin: string;
beforeAll(() => {
  origin = new URL(app.url).origin;
});

async function signInWithPassword(username: string): Promise<CookieJar> {
  const jar = new CookieJar();
  expectRedirect(await jar.post(`${app.url}/login`, { username, password: PASSWORDLESS_TEST_PASSWORD }), "/dashboard");
  return jar;
}

/** "Add a passkey" as the page's script does it: start, create, finish. */
async function addPasskey(jar: CookieJar, authenticator: SoftwareAuthenticator): Promise<Response> {
  const start = await jar.post(`${app.url}/account/passkeys/register`, { intent: "start" });
  expect(start.status).toBe(200);
  const { options } = (await start.json()) as { options: PublicKeyCredentialCreationOptionsJSON };
  expect(options.rp.id).toBe("localhost");
  const credential = authenticator.register(options, origin);
  return jar.post(`${app.url}/account/passkeys/register`, {
    intent: "finish",
    credential: JSON.stringify(credential),
  });
}

/** The sign-in page script's first step: the options for `navigator.credentials.get`. */
async function startPasskeySignIn(
  username: string,
): Promise<{ jar: CookieJar; options: PublicKeyCredentialRequestOptionsJSON }> {
  const jar = new CookieJar();
  const start = await jar.post(`${app.url}/login/passkey`, { intent: "start", username, redirectTo: "/account" });
  expect(start.status).toBe(200);
  const { options } = (await start.json()) as { options: PublicKeyCredentialRequestOptionsJSON };
  return { jar, options };
}

/** "Sign in with a passkey" as the sign-in page's script does it. */
async function passkeySignIn(
  username: string,
  authenticator: SoftwareAuthenticator,
  credentialId?: string,
): Promise<{ jar: CookieJar; finish: Response }> {
  const { jar, options } = await startPasskeySignIn(username);
  const assertion = authenticator.authenticate(options, origin, credentialId ? { credentialId } : {});
  return { jar, finish: await finishPasskeySignIn(jar, assertion) };
}

/** The sign-in page script's second step: the signed assertion. */
function finishPasskeySignIn(jar: CookieJar, assertion: unknown): Promise<Response> {
  return jar.post(`${app.url}/login/passkey`, { intent: "finish", credential: JSON.stringify(assertion) });
}

/** Finishing with `assertion` is refused plainly: a 4xx with a message, and no session made. */
async function expectPasskeyRefused(jar: CookieJar, assertion: unknown): Promise<void> {
  const finish = await finishPasskeySignIn(jar, assertion);
  expect(finish.status).toBeGreaterThanOrEqual(400);
  expect(finish.status).toBeLessThan(500);
  expect(((await finish.json()) as { error?: string }).error).toBeTruthy();
  expect(jar.session()).toBeNull();
}

/** The passkeys the page lists: [credential ID, visible text of the row]. */
async function listedPasskeys(jar: CookieJar): Promise<{ id: string; text: string }[]> {
  const res = await jar.fetch(`${app.url}/account/passkeys`);
  expect(res.status).toBe(200);
  const html = await res.text();
  return [...html.matchAll(/<li>([\s\S]*?)<\/li>/g)]
    .map((m) => ({
      id: m[1]!.match(/name="delete" value="([^"]+)"/)?.[1] ?? "",
      text: m[1]!
        .replace(/<[^>]+>/g, " ")
        .replace(/\s+/g, " ")
        .trim(),
    }))
    .filter((row) => row.id);
}

describe("a passkey's life through the app", () => {
  it("adds a passkey, lists it, signs in with it, removes it with step-up, and then it no longer signs in", async () => {
    const username = await createPasswordlessTestUser("passkey-life");
    const authenticator = new SoftwareAuthenticator();
    const jar = await signInWithPassword(username);
    expect(await listedPasskeys(jar)).toEqual([]);

    // Add (a fresh sign-in: no step-up needed).
    const finished = await addPasskey(jar, authenticator);
    expect(finished.status).toBe(200);
    expect(await finished.json()).toEqual({ redirectTo: "/account/passkeys?notice=added" });
    const added = await jar.fetch(`${app.url}/account/passkeys?notice=added`);
    expect(await added.text()).toContain("Passkey added. You can now sign in with it.");
    const listed = await listedPasskeys(jar);
    expect(listed).toHaveLength(1);
    expect(listed[0]!.id).toBe(authenticator.credentialIds[0]);
    const today = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" }).format(new Date());
    expect(listed[0]!.text).toMatch(new RegExp(`^\\S.* Added ${today} · on a device Remove passkey `));

    // Sign out, then sign in with the passkey.
    expectRedirect(await jar.post(`${app.url}/logout`, {}), /^\//);
    expect(jar.session()).toBeNull();
    const { jar: passkeyJar, finish } = await passkeySignIn(username, authenticator);
    expect(finish.status).toBe(200);
    expect(await finish.json()).toEqual({ redirectTo: "/account" });
    expect(passkeyJar.session()?.flow).toBe("custom");
    const account = await passkeyJar.fetch(`${app.url}/account`);
    expect(account.status).toBe(200);
    expect(await account.text()).toContain(username);
    // No challenge left behind to replay.
    const replay = await finishPasskeySignIn(passkeyJar, { id: authenticator.credentialIds[0] });
    expect(replay.status).toBe(400);

    // Remove: an hour-old sign-in must confirm with the password first.
    ageSession(passkeyJar, 3600);
    const id = listed[0]!.id;
    const refused = await passkeyJar.post(`${app.url}/account/passkeys`, { delete: id });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Enter your password to confirm this change.");
    expect((await listedPasskeys(passkeyJar)).map((p) => p.id)).toEqual([id]);
    const wrong = await passkeyJar.post(`${app.url}/account/passkeys`, {
      delete: id,
      stepUpPassword: "Wrong-Passw0rd!",
    });
    expect(wrong.status).toBe(401);
    expect((await listedPasskeys(passkeyJar)).map((p) => p.id)).toEqual([id]);
    // A passkey sign-in someone starts now, to finish after the removal.
    const early = new CookieJar();
    const earlyStart = await early.post(`${app.url}/login/passkey`, { intent: "start", username });
    expect(earlyStart.status).toBe(200);
    const earlyOptions = ((await earlyStart.json()) as { options: PublicKeyCredentialRequestOptionsJSON }).options;
    expectRedirect(
      await passkeyJar.post(`${app.url}/account/passkeys`, { delete: id, stepUpPassword: PASSWORDLESS_TEST_PASSWORD }),
      "/account/passkeys?notice=deleted",
    );
    expect(await listedPasskeys(passkeyJar)).toEqual([]);

    // The removed passkey no longer signs in: none is offered for the account any more…
    const after = new CookieJar();
    const start = await after.post(`${app.url}/login/passkey`, { intent: "start", username, redirectTo: "/account" });
    expect(start.status).toBe(400);
    expect(await start.json()).toEqual({
      error:
        "There is no passkey for this account on this site yet. Sign in another way, then add one under Account → Passkeys.",
    });
    // …and a sign-in started before the removal cannot finish with it.
    await expectPasskeyRefused(early, authenticator.authenticate(earlyOptions, origin, { credentialId: id }));
    expect(after.session()).toBeNull();
  });

  it("refuses a passkey this account never registered (another authenticator), with no session made", async () => {
    const username = await createPasswordlessTestUser("passkey-other");
    const mine = new SoftwareAuthenticator();
    expect((await addPasskey(await signInWithPassword(username), mine)).status).toBe(200);
    // Another person's authenticator, with a passkey for another account of the same site.
    const other = await createPasswordlessTestUser("passkey-thief");
    const theirs = new SoftwareAuthenticator();
    expect((await addPasskey(await signInWithPassword(other), theirs)).status).toBe(200);

    const { jar, options } = await startPasskeySignIn(username);
    await expectPasskeyRefused(jar, theirs.authenticate(options, origin, { credentialId: theirs.credentialIds[0] }));

    // The owner's own passkey still works.
    const { jar: ok, finish: good } = await passkeySignIn(username, mine);
    expect(good.status).toBe(200);
    expect(ok.session()).not.toBeNull();
  });

  it("refuses a passkey used without user verification (the pool requires it): a key left plugged in, touched by anyone", async () => {
    const username = await createPasswordlessTestUser("passkey-uv");
    const authenticator = new SoftwareAuthenticator();
    expect((await addPasskey(await signInWithPassword(username), authenticator)).status).toBe(200);

    const { jar, options } = await startPasskeySignIn(username);
    expect(options.userVerification).toBe("required");
    await expectPasskeyRefused(jar, authenticator.authenticate(options, origin, { userVerified: false }));

    // Nor can such a key be added: registration asks for user verification too.
    const signedIn = await signInWithPassword(username);
    const begun = await signedIn.post(`${app.url}/account/passkeys/register`, { intent: "start" });
    const { options: creation } = (await begun.json()) as { options: PublicKeyCredentialCreationOptionsJSON };
    expect(creation.authenticatorSelection?.userVerification).toBe("required");
    const unverified = new SoftwareAuthenticator().register(creation, origin, { userVerified: false });
    const refused = await signedIn.post(`${app.url}/account/passkeys/register`, {
      intent: "finish",
      credential: JSON.stringify(unverified),
    });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.status).toBeLessThan(500);
    expect(await listedPasskeys(signedIn)).toHaveLength(1);

    // With user verification, the same passkey signs in.
    const { jar: ok, finish } = await passkeySignIn(username, authenticator);
    expect(finish.status).toBe(200);
    expect(ok.session()).not.toBeNull();
  });

  it("needs step-up to add a passkey to an old sign-in; the password sent along lets it through", async () => {
    const username = await createPasswordlessTestUser("passkey-stepup-add");
    const jar = await signInWithPassword(username);
    ageSession(jar, 3600);
    const start = await jar.post(`${app.url}/account/passkeys/register`, { intent: "start" });
    expect(start.status).toBe(403);
    const withPassword = await jar.post(`${app.url}/account/passkeys/register`, {
      intent: "start",
      stepUpPassword: PASSWORDLESS_TEST_PASSWORD,
    });
    expect(withPassword.status).toBe(200);
    const { options } = (await withPassword.json()) as { options: PublicKeyCredentialCreationOptionsJSON };
    const credential = new SoftwareAuthenticator().register(options, origin);
    const noPassword = await jar.post(`${app.url}/account/passkeys/register`, {
      intent: "finish",
      credential: JSON.stringify(credential),
    });
    expect(noPassword.status).toBe(403);
    expect(await listedPasskeys(jar)).toEqual([]);
    const finish = await jar.post(`${app.url}/account/passkeys/register`, {
      intent: "finish",
      credential: JSON.stringify(credential),
      stepUpPassword: PASSWORDLESS_TEST_PASSWORD,
    });
    expect(finish.status).toBe(200);
    expect((await listedPasskeys(jar)).map((p) => p.id)).toEqual([credential.id]);
  });

  it("lets an account with no password step up by signing in again with an emailed code", async () => {
    // A passwordless sign-up: signed in at once, no password exists to confirm with.
    const email = `no-password-${Date.now()}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    const jar = new CookieJar();
    expectRedirect(await jar.post(`${app.url}/signup/email`, { email }), "/signup/code");
    expectRedirect(
      await jar.post(`${app.url}/signup/code`, { intent: "confirm", code: TEST_CONFIRMATION_CODE }),
      "/dashboard",
    );
    ageSession(jar, 3600);
    expect((await jar.post(`${app.url}/account/passkeys/register`, { intent: "start" })).status).toBe(403);
    // The page offers the way out: sign in again.
    const page = await (await jar.fetch(`${app.url}/account/passkeys`)).text();
    const again = "/login?reauth=1&amp;redirectTo=%2Faccount%2Fpasskeys";
    expect(page).toMatch(/No password on this account\? <a [^>]*href="([^"]+)"[^>]*>Sign in again<\/a>/);
    expect(page).toContain(`href="${again}"`);
    expect((await jar.fetch(`${app.url}${again.replace("&amp;", "&")}`)).status).toBe(200);
    // Every page with a sensitive change offers it, and comes back to itself: the email form too.
    const account = await (await jar.fetch(`${app.url}/account`)).text();
    expect(account).toContain('name="stepUpPassword"');
    expect(account).toContain('href="/login?reauth=1&amp;redirectTo=%2Faccount"');
    expectRedirect(
      await jar.post(`${app.url}/login`, { username: email, intent: "email-code", redirectTo: "/account/passkeys" }),
      "/login/code",
    );
    expectRedirect(
      await jar.post(`${app.url}/login/code`, { intent: "verify", code: TEST_CONFIRMATION_CODE }),
      "/account/passkeys",
    );
    // A fresh sign-in: the passkey can be added now.
    const finished = await addPasskey(jar, new SoftwareAuthenticator());
    expect(finished.status).toBe(200);
    expect(await listedPasskeys(jar)).toHaveLength(1);
  });
});
