/**
 * The app's side of signing in with an identity provider, against the real
 * emulator and a real local OpenID provider of this file's own (its people
 * are made here, so nothing depends on another file's users): "Continue
 * with …", a federated account's pages, one person one account (a verified
 * address links, an unverified one never does), linking and unlinking from
 * the account page, and step-up before either.
 */
import { randomUUID } from "node:crypto";
import {
  AdminGetUserCommand,
  CreateIdentityProviderCommand,
  UserNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { CLOCK_SLACK_MS } from "../../app/auth/federation.server.ts";
import type { LocalIdpPerson } from "../../app/dev/local-idp-people.server.ts";
import { adminClient, type RunningApp, startApp } from "../support/app.ts";
import { CookieJar, expectRedirect, jwtClaims, signInWithForm } from "../support/http.ts";
import { providerSignInThroughApp, startTestIdp, type TestIdp } from "../support/local-idp.ts";
import { ageSession } from "../support/tokens.ts";
import { createUser, type TestUser } from "../support/users.ts";

const PROVIDER = `AppCorp${randomUUID().slice(0, 6)}`;
const CLIENT = { clientId: "app-federation-test", clientSecret: "app-federation-secret" };

let idp: TestIdp;
let app: RunningApp;
let native: TestUser;
let victim: TestUser;
let people: Record<"newcomer" | "matching" | "unverified" | "linker" | "second" | "third", LocalIdpPerson>;

function person(sub: string, email: string, emailVerified = true): LocalIdpPerson {
  return {
    sub,
    email,
    emailVerified,
    name: `Person ${sub}`,
    givenName: "Person",
    familyName: sub,
    password: `Provider-${sub}-Passw0rd!`,
  } as LocalIdpPerson;
}

beforeAll(async () => {
  native = await createUser("fed-native");
  victim = await createUser("fed-victim");
  const id = randomUUID().slice(0, 8);
  people = {
    newcomer: person(`new-${id}`, `newcomer-${id}@example.net`),
    matching: person(`match-${id}`, native.username),
    unverified: person(`unverified-${id}`, victim.username, false),
    linker: person(`linker-${id}`, `linker-${id}@example.net`),
    second: person(`second-${id}`, `second-${id}@example.net`),
    third: person(`third-${id}`, `third-${id}@example.net`),
  };
  idp = await startTestIdp({
    people: Object.values(people),
    clients: [{ ...CLIENT, name: PROVIDER, redirectUris: [`${inject("emulatorUrl")}/oauth2/idpresponse`] }],
  });
  await adminClient().send(
    new CreateIdentityProviderCommand({
      UserPoolId: inject("userPoolId"),
      ProviderName: PROVIDER,
      ProviderType: "OIDC",
      ProviderDetails: {
        client_id: CLIENT.clientId,
        client_secret: CLIENT.clientSecret,
        authorize_scopes: "openid email profile",
        attributes_request_method: "GET",
        oidc_issuer: idp.issuer,
      },
      AttributeMapping: { email: "email", email_verified: "email_verified", name: "name" },
    }),
  );
  app = await startApp({
    env: { COGNITO_DOMAIN: inject("emulatorUrl"), COGNITO_IDENTITY_PROVIDERS: PROVIDER },
    client: { identityProviders: [PROVIDER] },
  });
}, 60_000);

afterAll(async () => {
  await app?.stop();
  await idp?.dispose();
});

/** "Continue with <provider>" from the app, signing in at the provider as `who` when it asks. */
function continueWith(jar: CookieJar, who?: LocalIdpPerson, extra: Record<string, string> = {}) {
  const start = `${app.url}/auth/hosted?${new URLSearchParams({ provider: PROVIDER, redirectTo: "/dashboard", ...extra })}`;
  return providerSignInThroughApp(jar, start, new URL(idp.issuer).origin, { person: who });
}

/** Who the app's session cookie is signed in as (its access token's username and sub, its ID token's email). */
function claimsOf(jar: CookieJar): { username: string; sub: string; email: string } {
  const stored = jar.session();
  if (!stored) throw new Error("not signed in");
  const access = jwtClaims(stored.access);
  return { username: String(access.username), sub: String(access.sub), email: String(jwtClaims(stored.id).email) };
}

async function userExists(username: string): Promise<boolean> {
  try {
    await adminClient().send(new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: username }));
    return true;
  } catch (error) {
    if (error instanceof UserNotFoundException) return false;
    throw error;
  }
}

async function identitiesOf(username: string): Promise<unknown[]> {
  const user = await adminClient().send(
    new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: username }),
  );
  const value = user.UserAttributes?.find((a) => a.Name === "identities")?.Value;
  return value ? JSON.parse(value) : [];
}

describe("Continue with a provider", () => {
  it("is a button on the sign-in page for each configured provider", async () => {
    const html = await (await fetch(`${app.url}/login?flow=custom`)).text();
    expect(html).toContain(`Continue with ${PROVIDER}`);
    expect(html).toContain(`/auth/hosted?provider=${PROVIDER}&amp;redirectTo=%2Fdashboard`);
  });

  it("an unknown provider is refused at the start, with nothing sent to Cognito", async () => {
    const response = await new CookieJar().fetch(`${app.url}/auth/hosted?provider=Nobody`);
    expectRedirect(response, "/login?error=provider");
  });

  it("signs a new person in as a federated account, whose pages say how it signs in and hide what Cognito does not do for it", async () => {
    const jar = new CookieJar();
    const { location, pages } = await continueWith(jar, people.newcomer);
    expect(pages).toEqual(["sign-in", "consent"]);
    expect(location).toBe("/dashboard");
    expect(claimsOf(jar).username).toBe(`${PROVIDER}_${people.newcomer.sub}`);
    expect(claimsOf(jar).email).toBe(people.newcomer.email);

    const account = await (await jar.fetch(`${app.url}/account`)).text();
    expect(account).toContain('data-testid="profile-provider"');
    expect(account).toContain('data-testid="provider-managed"');
    expect(account).not.toContain("Change email address");
    expect(account).not.toContain('href="/account/password"');
    expectRedirect(await jar.fetch(`${app.url}/account/password`), "/account/sign-in-methods");
    expectRedirect(await jar.fetch(`${app.url}/account/mfa`), "/account/sign-in-methods");
    const methods = await (await jar.fetch(`${app.url}/account/sign-in-methods`)).text();
    expect(methods).toContain(`You sign in with ${PROVIDER}`);
  });
});

describe("one person, one account", () => {
  it("a first sign-in whose address the provider verified, matching an account's verified address, lands in that account", async () => {
    const jar = new CookieJar();
    const { location } = await continueWith(jar, people.matching);
    expect(location).toBe("/dashboard");
    const { Username: nativeUsername } = await adminClient().send(
      new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: native.username }),
    );
    expect(claimsOf(jar).username).toBe(nativeUsername);
    // No second account was left behind; the identity is linked to the existing one.
    expect(await userExists(`${PROVIDER}_${people.matching.sub}`)).toBe(false);
    expect(await identitiesOf(native.username)).toEqual([
      expect.objectContaining({ providerName: PROVIDER, userId: people.matching.sub, primary: false }),
    ]);
    // Either way in, the same account: the provider again (its session: no form), and the password.
    const again = new CookieJar();
    expect((await continueWith(again, people.matching)).location).toBe("/dashboard");
    expect(claimsOf(again).sub).toBe(claimsOf(jar).sub);
    const byPassword = await signInWithForm(app.url, native.username, native.password);
    expect(claimsOf(byPassword).sub).toBe(claimsOf(jar).sub);
  });

  it("an address the provider did not verify never links: nobody is signed in, and no account is made", async () => {
    const jar = new CookieJar();
    const { location } = await continueWith(jar, people.unverified);
    expect(location).toBe("/login?error=account-exists");
    expect(jar.session()).toBeNull();
    expect(await userExists(`${PROVIDER}_${people.unverified.sub}`)).toBe(false);
    expect(await identitiesOf(victim.username)).toEqual([]);
    const page = await (await jar.fetch(`${app.url}/login?error=account-exists`)).text();
    expect(page).toContain("has not confirmed that the address is yours");
  });
});

describe("linking from the account page", () => {
  it("links a provider account (after a fresh sign-in there), signs in either way into the same account, and unlinks", async () => {
    const owner = await createUser("fed-linker");
    // The provider account has this account's address (verified): Cognito maps it onto the account.
    idp.updatePerson(people.linker.sub, { email: owner.username });
    const linker = { ...people.linker, email: owner.username };
    const jar = await signInWithForm(app.url, owner.username, owner.password);
    const page = await (await jar.fetch(`${app.url}/account/sign-in-methods`)).text();
    expect(page).toContain(`Link ${PROVIDER}`);

    const post = await jar.post(`${app.url}/account/sign-in-methods`, { change: `link:${PROVIDER}` });
    const start = expectRedirect(post, /^\/auth\/hosted\?/);
    expect(new URLSearchParams(start.split("?")[1]).get("prompt")).toBe("login");
    const { location, pages } = await providerSignInThroughApp(
      jar,
      new URL(start, app.url).toString(),
      new URL(idp.issuer).origin,
      {
        person: linker,
      },
    );
    expect(pages).toContain("sign-in");
    expect(location).toBe("/account/sign-in-methods?notice=provider-linked");
    // The account's own session goes on; nothing else was made.
    const ownerSub = claimsOf(jar).sub;
    expect(await userExists(`${PROVIDER}_${people.linker.sub}`)).toBe(false);
    const linked = await (await jar.fetch(`${app.url}/account/sign-in-methods`)).text();
    expect(linked).toContain(`Unlink ${PROVIDER}`);

    const viaProvider = new CookieJar();
    expect((await continueWith(viaProvider, linker)).location).toBe("/dashboard");
    expect(claimsOf(viaProvider).sub).toBe(ownerSub);

    const unlink = await jar.post(`${app.url}/account/sign-in-methods`, { change: `unlink:${PROVIDER}` });
    expectRedirect(unlink, "/account/sign-in-methods?notice=provider-unlinked");
    expect(await identitiesOf(owner.username)).toEqual([]);
    expect(await (await jar.fetch(`${app.url}/account/sign-in-methods`)).text()).toContain(`Link ${PROVIDER}`);
  });

  it("refuses to link a provider account with another address (it would replace the account's)", async () => {
    const owner = await createUser("fed-other-address");
    const jar = await signInWithForm(app.url, owner.username, owner.password);
    const post = await jar.post(`${app.url}/account/sign-in-methods`, { change: `link:${PROVIDER}` });
    const start = new URL(expectRedirect(post, /^\/auth\/hosted\?/), app.url).toString();
    const { location } = await providerSignInThroughApp(jar, start, new URL(idp.issuer).origin, {
      person: people.third,
    });
    expect(location).toBe("/account/sign-in-methods?problem=email-differs");
    expect(await identitiesOf(owner.username)).toEqual([]);
    expect(await userExists(`${PROVIDER}_${people.third.sub}`)).toBe(false);
  });

  it("refuses to link a provider account that already has its own account here; both accounts stay as they were", async () => {
    const first = new CookieJar();
    await continueWith(first, people.second);
    const theirs = claimsOf(first).sub;
    // Cognito dates users to the millisecond: let that account be unmistakably older than the link below.
    await new Promise((resolve) => setTimeout(resolve, CLOCK_SLACK_MS + 100));

    const owner = await createUser("fed-second");
    const jar = await signInWithForm(app.url, owner.username, owner.password);
    const post = await jar.post(`${app.url}/account/sign-in-methods`, { change: `link:${PROVIDER}` });
    const start = new URL(expectRedirect(post, /^\/auth\/hosted\?/), app.url).toString();
    const { location } = await providerSignInThroughApp(jar, start, new URL(idp.issuer).origin, {
      person: people.second,
    });
    expect(location).toBe("/account/sign-in-methods?problem=provider-in-use");
    expect(claimsOf(jar).username).not.toContain(PROVIDER);
    expect(await identitiesOf(owner.username)).toEqual([]);
    expect(await userExists(`${PROVIDER}_${people.second.sub}`)).toBe(true);
    const again = new CookieJar();
    await continueWith(again, people.second);
    expect(claimsOf(again).sub).toBe(theirs);
  });

  it("asks for the password again before a link when the sign-in is not recent (step-up)", async () => {
    const owner = await createUser("fed-stepup");
    const jar = ageSession(await signInWithForm(app.url, owner.username, owner.password), 3600);
    const refused = await jar.post(`${app.url}/account/sign-in-methods`, { change: `link:${PROVIDER}` });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain("Enter your password to confirm this change.");
    const wrong = await jar.post(`${app.url}/account/sign-in-methods`, {
      change: `link:${PROVIDER}`,
      stepUpPassword: "not-the-password",
    });
    expect(wrong.status).toBe(401);
    const allowed = await jar.post(`${app.url}/account/sign-in-methods`, {
      change: `link:${PROVIDER}`,
      stepUpPassword: owner.password,
    });
    expectRedirect(allowed, /^\/auth\/hosted\?provider=/);
  });
});
