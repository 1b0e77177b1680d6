/**
 * Sign-in through an identity provider, end to end: the Hosted UI, the real
 * local OpenID provider (scripts/lib/local-idp) standing in for Google and
 * ExampleCorp, `/oauth2/idpresponse`, the user it makes or finds, the tokens
 * the app gets, linking, and every attack on the provider's answer. Each
 * behaviour as AWS documents it ("AWS: …"); nothing is mocked, and provider
 * tokens that must be refused come from real providers (another key, another
 * issuer, another sign-in's nonce, a moved clock).
 */
import {
  AdminDeleteUserCommand,
  AdminDisableProviderForUserCommand,
  AdminGetUserCommand,
  AdminLinkProviderForUserCommand,
  AdminSetUserPasswordCommand,
  CreateIdentityProviderCommand,
  ForgotPasswordCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  ListUsersCommand,
  NotAuthorizedException,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_IDP_CLIENTS } from "../../../app/dev/local-idp-people.server.ts";
import { PEOPLE, startTestIdp, type TestIdp, visitProvider } from "../../support/local-idp.ts";
import {
  authorizeUrl,
  browse,
  CALLBACK,
  CookieJar,
  createClient,
  createUser,
  decodePayload,
  expectAwsError,
  pkce,
  type Stack,
  startStack,
  tokenRequest,
} from "./support.ts";

let stack: Stack;
let idp: TestIdp;
/** Added to the gateway's clock (the expiry test moves it). */
let clockSkewMs = 0;
const GOOGLE = LOCAL_IDP_CLIENTS.find((c) => c.providerName === "Google")!;

beforeAll(async () => {
  stack = await startStack({ federation: true, now: () => Date.now() + clockSkewMs });
  idp = stack.idp!;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

interface ProviderSignIn {
  /** Where the emulator sent the browser in the end (the app's callback, or an error page's response). */
  final: Response;
  jar: CookieJar;
  verifier: string;
  pages: string[];
}

/**
 * A browser signing in through `provider` from the app's authorize request:
 * to the provider, its pages, back to /oauth2/idpresponse, and on.
 */
async function providerSignIn(
  provider: string,
  options: {
    person?: { email: string; password: string };
    clientId?: string;
    jar?: CookieJar;
    state?: string;
    extra?: Record<string, string>;
    consent?: "allow" | "deny";
    providerOrigin?: string;
  } = {},
): Promise<ProviderSignIn> {
  const jar = options.jar ?? new CookieJar();
  const { verifier, challenge } = pkce();
  const start = authorizeUrl(stack, {
    clientId: options.clientId ?? stack.web.clientId,
    challenge,
    state: options.state ?? "app-state",
    extra: { identity_provider: provider, ...options.extra },
  });
  const visit = await visitProvider(jar, start, options.providerOrigin ?? new URL(idp.issuer).origin, {
    person: options.person,
    consent: options.consent,
  });
  expect(new URL(visit.location).pathname).toBe("/oauth2/idpresponse");
  const final = await browse(visit.location, jar);
  return { final, jar, verifier, pages: visit.pages };
}

/** The app's callback parameters after a provider sign-in. */
function atCallback(response: Response): URL {
  expect(response.status, "a redirect back to the app").toBe(302);
  const url = new URL(response.headers.get("location")!);
  expect(`${url.origin}${url.pathname}`).toBe(CALLBACK);
  return url;
}

async function tokensFor(signIn: ProviderSignIn, clientId = stack.web.clientId) {
  const back = atCallback(signIn.final);
  const code = back.searchParams.get("code");
  expect(code, `a code for the app, not ${back.searchParams.get("error_description")}`).toBeTruthy();
  const result = await tokenRequest(stack, { code: code!, verifier: signIn.verifier, clientId, auth: "none" });
  expect(result.status).toBe(200);
  return result.body as { id_token: string; access_token: string; refresh_token: string };
}

async function adminGet(username: string) {
  return stack.sdk.send(new AdminGetUserCommand({ UserPoolId: stack.poolId, Username: username }));
}

const attribute = (user: { UserAttributes?: { Name?: string; Value?: string }[] }, name: string) =>
  user.UserAttributes?.find((a) => a.Name === name)?.Value;

describe("AWS: /oauth2/authorize with identity_provider silently redirects to that provider's sign-in page", () => {
  it("sends the browser to the provider with the emulator's client, redirect URI, state, nonce and PKCE", async () => {
    const response = await browse(
      authorizeUrl(stack, { clientId: stack.web.clientId, extra: { identity_provider: "Google" } }),
      new CookieJar(),
    );
    expect(response.status).toBe(302);
    const to = new URL(response.headers.get("location")!);
    expect(to.origin).toBe(new URL(idp.issuer).origin);
    expect(Object.fromEntries(to.searchParams)).toMatchObject({
      client_id: GOOGLE.clientId,
      redirect_uri: `${stack.url}/oauth2/idpresponse`,
      response_type: "code",
      scope: "openid email profile",
      code_challenge_method: "S256",
    });
    for (const p of ["state", "nonce", "code_challenge"]) expect(to.searchParams.get(p)?.length).toBeGreaterThan(30);
    const cookie = response.headers.getSetCookie().find((c) => c.startsWith("cognito_local_federation="));
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/Path=\/oauth2\/idpresponse/);
  });

  it("shows a Continue with … button on the Hosted UI for each provider the client allows, and none otherwise", async () => {
    const page = await browse(authorizeUrl(stack, { clientId: stack.web.clientId }), new CookieJar());
    const html = await (
      await browse(new URL(page.headers.get("location")!, stack.url).toString(), new CookieJar())
    ).text();
    expect(html).toContain("Continue with Google");
    expect(html).toContain("Continue with ExampleCorp");
    expect(html).toContain("identity_provider=Google");
    const plain = await createClient(stack);
    const other = await browse(authorizeUrl(stack, { clientId: plain.clientId }), new CookieJar());
    const otherHtml = await (
      await browse(new URL(other.headers.get("location")!, stack.url).toString(), new CookieJar())
    ).text();
    expect(otherHtml).not.toContain("Continue with");
  });

  it("AWS: a provider the client does not allow gets 'Login option is not available. Please try another one'", async () => {
    const plain = await createClient(stack);
    const attempts: Record<string, string>[] = [
      { identity_provider: "Google" },
      { identity_provider: "NoSuchProvider" },
      { idp_identifier: "nowhere" },
    ];
    for (const extra of attempts) {
      const response = await browse(authorizeUrl(stack, { clientId: plain.clientId, extra }), new CookieJar());
      expect(response.status).toBe(400);
      expect(await response.text()).toContain("Login option is not available. Please try another one.");
    }
  });
});

describe("a first sign-in with Google makes a federated user, as AWS does", () => {
  let tokens: { id_token: string; access_token: string; refresh_token: string };
  let signIn: ProviderSignIn;

  beforeAll(async () => {
    signIn = await providerSignIn("Google", { person: PEOPLE.newcomer, state: "keep-me" });
    tokens = await tokensFor(signIn);
  });

  it("comes back to the app's callback with a code and the app's own state", () => {
    expect(signIn.pages).toEqual(["sign-in", "consent"]);
    expect(atCallback(signIn.final).searchParams.get("state")).toBe("keep-me");
  });

  it("AWS: the username is Google_<sub>, the identities claim names the provider, and the user is in <poolId>_Google", () => {
    const id = decodePayload(tokens.id_token);
    expect(id["cognito:username"]).toBe(`Google_${PEOPLE.newcomer.sub}`);
    expect(id["cognito:groups"]).toContain(`${stack.poolId}_Google`);
    expect(id.identities).toEqual([
      {
        userId: PEOPLE.newcomer.sub,
        providerName: "Google",
        providerType: "Google",
        issuer: null,
        primary: "true",
        dateCreated: expect.stringMatching(/^\d{13}$/),
      },
    ]);
    // Mapped from the provider: the address and, because it is mapped, its verified flag.
    expect(id.email).toBe(PEOPLE.newcomer.email);
    expect(id.email_verified).toBe(true);
    expect(decodePayload(tokens.access_token).username).toBe(`Google_${PEOPLE.newcomer.sub}`);
  });

  it("AWS: AdminGetUser and ListUsers show UserStatus EXTERNAL_PROVIDER and the identities attribute", async () => {
    const user = await adminGet(`Google_${PEOPLE.newcomer.sub}`);
    expect(user.Username).toBe(`Google_${PEOPLE.newcomer.sub}`);
    expect(user.UserStatus).toBe("EXTERNAL_PROVIDER");
    const identities = JSON.parse(attribute(user, "identities")!);
    expect(identities).toEqual([
      expect.objectContaining({ userId: PEOPLE.newcomer.sub, providerName: "Google", primary: true, issuer: null }),
    ]);
    expect(typeof identities[0].dateCreated).toBe("number");
    expect(attribute(user, "name")).toBe(PEOPLE.newcomer.name);

    const listed = await stack.sdk.send(
      new ListUsersCommand({ UserPoolId: stack.poolId, Filter: `email = "${PEOPLE.newcomer.email}"` }),
    );
    expect(listed.Users?.map((u) => [u.Username, u.UserStatus])).toEqual([
      [`Google_${PEOPLE.newcomer.sub}`, "EXTERNAL_PROVIDER"],
    ]);
  });

  it("AWS: federated users cannot sign in with InitiateAuth, nor reset a password", async () => {
    await stack.sdk
      .send(
        new AdminSetUserPasswordCommand({
          UserPoolId: stack.poolId,
          Username: `Google_${PEOPLE.newcomer.sub}`,
          Password: "Federated1!pass",
          Permanent: true,
        }),
      )
      .catch(() => undefined); // whether or not an administrator managed to set one
    await expectAwsError(
      stack.sdk.send(
        new InitiateAuthCommand({
          ClientId: stack.web.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: PEOPLE.newcomer.email, PASSWORD: "Federated1!pass" },
        }),
      ),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
    await expectAwsError(
      stack.sdk.send(new ForgotPasswordCommand({ ClientId: stack.web.clientId, Username: PEOPLE.newcomer.email })),
      NotAuthorizedException,
      "User password cannot be reset in the current state.",
    );
  });

  it("signs the same identity in as the same user the next time (the provider's session: no form), refreshable", async () => {
    const again = await providerSignIn("Google", { jar: signIn.jar });
    expect(again.pages).toEqual([]);
    const next = await tokensFor(again);
    expect(decodePayload(next.id_token).sub).toBe(decodePayload(tokens.id_token).sub);
    const refreshed = await tokenRequest(stack, {
      grantType: "refresh_token",
      refreshToken: next.refresh_token,
      clientId: stack.web.clientId,
      auth: "none",
    });
    expect(refreshed.status).toBe(200);
    expect(decodePayload(String(refreshed.body.id_token))["cognito:username"]).toBe(`Google_${PEOPLE.newcomer.sub}`);
  });

  it("keeps a Hosted UI session: /oauth2/authorize without a provider comes straight back as the same user", async () => {
    const { verifier, challenge } = pkce();
    const response = await browse(authorizeUrl(stack, { clientId: stack.web.clientId, challenge }), signIn.jar);
    const code = atCallback(response).searchParams.get("code")!;
    const result = await tokenRequest(stack, { code, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(decodePayload(String(result.body.id_token))["cognito:username"]).toBe(`Google_${PEOPLE.newcomer.sub}`);
  });
});

describe("an OIDC provider (ExampleCorp)", () => {
  it("AWS: names the user <ProviderName>_<sub>, with the issuer in identities and the <poolId>_ExampleCorp group", async () => {
    const signIn = await providerSignIn("ExampleCorp", { person: PEOPLE.matching });
    const id = decodePayload((await tokensFor(signIn)).id_token);
    expect(id["cognito:username"]).toBe(`ExampleCorp_${PEOPLE.matching.sub}`);
    expect(id["cognito:groups"]).toContain(`${stack.poolId}_ExampleCorp`);
    expect(id.identities).toEqual([
      expect.objectContaining({ providerType: "OIDC", issuer: idp.issuer, primary: "true" }),
    ]);
  });

  it("AWS: idp_identifier redirects to the provider that has it", async () => {
    await stack.sdk.send(
      new CreateIdentityProviderCommand({
        UserPoolId: stack.poolId,
        ProviderName: "Corp2",
        ProviderType: "OIDC",
        ProviderDetails: {
          client_id: LOCAL_IDP_CLIENTS[1]!.clientId,
          client_secret: LOCAL_IDP_CLIENTS[1]!.clientSecret,
          authorize_scopes: "openid email",
          attributes_request_method: "GET",
          oidc_issuer: idp.issuer,
        },
        IdpIdentifiers: ["corp.example"],
      }),
    );
    const plain = await createClient(stack, { SupportedIdentityProviders: ["COGNITO", "Corp2"] });
    const response = await browse(
      authorizeUrl(stack, { clientId: plain.clientId, extra: { idp_identifier: "corp.example" } }),
      new CookieJar(),
    );
    expect(response.status).toBe(302);
    const to = new URL(response.headers.get("location")!);
    expect(to.origin).toBe(new URL(idp.issuer).origin);
    expect(to.searchParams.get("scope")).toBe("openid email");
  });
});

describe("provider answers that go back to the app", () => {
  it("AWS: an error from the provider reaches the app's redirect URI with error, error_description and the app's state", async () => {
    const signIn = await providerSignIn("Google", { person: PEOPLE.newcomer, consent: "deny", state: "s1" });
    const back = atCallback(signIn.final);
    expect(back.searchParams.get("error")).toBe("access_denied");
    expect(back.searchParams.get("error_description")).toBeTruthy();
    expect(back.searchParams.get("state")).toBe("s1");
    expect(back.searchParams.get("code")).toBeNull();
  });

  it("a provider type the emulator does not sign in with (SAML, Facebook…) gets a page that says so", async () => {
    await stack.sdk.send(
      new CreateIdentityProviderCommand({
        UserPoolId: stack.poolId,
        ProviderName: "Facebook",
        ProviderType: "Facebook",
        ProviderDetails: { client_id: "fb", client_secret: "s", authorize_scopes: "public_profile, email" },
      }),
    );
    const client = await createClient(stack, { SupportedIdentityProviders: ["COGNITO", "Facebook"] });
    const response = await browse(
      authorizeUrl(stack, { clientId: client.clientId, extra: { identity_provider: "Facebook" } }),
      new CookieJar(),
    );
    expect(response.status).toBe(501);
    expect(await response.text()).toContain("Facebook sign-in is not emulated");
  });
});

describe("attacks on the provider's answer are refused, and nothing is created", () => {
  async function countUsers() {
    return (await stack.sdk.send(new ListUsersCommand({ UserPoolId: stack.poolId }))).Users?.length ?? 0;
  }

  /** Begins a Google sign-in in `jar` and stops at the provider's authorization request. */
  async function begin(jar: CookieJar, state = "app-state") {
    const { verifier, challenge } = pkce();
    const response = await browse(
      authorizeUrl(stack, { clientId: stack.web.clientId, challenge, state, extra: { identity_provider: "Google" } }),
      jar,
    );
    return { providerUrl: new URL(response.headers.get("location")!), verifier };
  }

  it("a state from another browser: an error page; the browser that began it can still finish", async () => {
    const victim = new CookieJar();
    const { providerUrl } = await begin(victim);
    const visit = await visitProvider(victim, providerUrl.toString(), new URL(idp.issuer).origin, {
      person: PEOPLE.newcomer,
    });
    const before = await countUsers();
    const stolen = await browse(visit.location, new CookieJar());
    expect(stolen.status).toBe(400);
    expect(await stolen.text()).toContain("started in another browser");
    const attacker = new CookieJar();
    await begin(attacker); // a binding cookie of the attacker's own
    expect((await browse(visit.location, attacker)).status).toBe(400);
    expect(await countUsers()).toBe(before);
    atCallback(await browse(visit.location, victim));
  });

  it("replayed: the same provider answer a second time is refused (the state is single use)", async () => {
    const jar = new CookieJar();
    const { providerUrl } = await begin(jar);
    const visit = await visitProvider(jar, providerUrl.toString(), new URL(idp.issuer).origin, {
      person: PEOPLE.newcomer,
    });
    atCallback(await browse(visit.location, jar));
    const replay = await browse(visit.location, jar);
    expect(replay.status).toBe(400);
    expect(await replay.text()).toContain("expired or was already used");
  });

  it("a code from another browser's sign-in, under this browser's state: the provider refuses it (PKCE)", async () => {
    const attacker = new CookieJar();
    const theirs = await begin(attacker);
    const attackerVisit = await visitProvider(attacker, theirs.providerUrl.toString(), new URL(idp.issuer).origin, {
      person: PEOPLE.unverified,
    });
    const attackerCode = new URL(attackerVisit.location).searchParams.get("code")!;
    const victim = new CookieJar();
    const mine = await begin(victim, "victim-state");
    const injected = new URL(`${stack.url}/oauth2/idpresponse`);
    injected.searchParams.set("code", attackerCode);
    injected.searchParams.set("state", mine.providerUrl.searchParams.get("state")!);
    const before = await countUsers();
    const back = atCallback(await browse(injected.toString(), victim));
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("error_description")).toMatch(/^Google Error - 400/);
    expect(back.searchParams.get("code")).toBeNull();
    expect(await countUsers()).toBe(before);
  });

  it("another sign-in's nonce in the ID token is refused", async () => {
    const jar = new CookieJar();
    const { providerUrl } = await begin(jar);
    // The browser asks the provider itself, with the emulator's PKCE challenge but a nonce of its own.
    const forged = new URL(providerUrl);
    forged.searchParams.set("nonce", "a-nonce-the-emulator-never-sent");
    const visit = await visitProvider(jar, forged.toString(), new URL(idp.issuer).origin, { person: PEOPLE.newcomer });
    const back = atCallback(await browse(visit.location, jar));
    expect(back.searchParams.get("error")).toBe("invalid_request");
    expect(back.searchParams.get("error_description")).toContain("nonce");
  });

  /** An OIDC provider in the pool signing in at `rogue`, with the issuer and keys `details` says. */
  async function providerAt(name: string, rogue: TestIdp, details: Record<string, string>) {
    await stack.sdk.send(
      new CreateIdentityProviderCommand({
        UserPoolId: stack.poolId,
        ProviderName: name,
        ProviderType: "OIDC",
        ProviderDetails: {
          client_id: "rogue-client",
          client_secret: "rogue-secret",
          authorize_scopes: "openid email profile",
          attributes_request_method: "GET",
          oidc_issuer: idp.issuer,
          authorize_url: `${rogue.issuer}/auth`,
          token_url: `${rogue.issuer}/token`,
          attributes_url: `${rogue.issuer}/me`,
          ...details,
        },
        AttributeMapping: { email: "email" },
      }),
    );
    return createClient(stack, { SupportedIdentityProviders: ["COGNITO", name] });
  }

  function rogueProvider(options: { keyId?: string; idTokenTtlSeconds?: number }) {
    return startTestIdp({
      ...options,
      clients: [
        {
          clientId: "rogue-client",
          clientSecret: "rogue-secret",
          name: "Rogue",
          redirectUris: [`${stack.url}/oauth2/idpresponse`],
        },
      ],
    });
  }

  it("an ID token signed by another key (under the kid the provider's JWKS publishes) is refused", async () => {
    const realKid = ((await (await fetch(`${idp.issuer}/jwks`)).json()) as { keys: { kid: string }[] }).keys[0]!.kid;
    const rogue = await rogueProvider({ keyId: realKid });
    try {
      // The rogue's tokens (its issuer, as configured), checked against the real provider's keys.
      const client = await providerAt("RogueKey", rogue, { oidc_issuer: rogue.issuer, jwks_uri: `${idp.issuer}/jwks` });
      const before = await countUsers();
      const signIn = await providerSignIn("RogueKey", {
        clientId: client.clientId,
        person: PEOPLE.newcomer,
        providerOrigin: new URL(rogue.issuer).origin,
      });
      const back = atCallback(signIn.final);
      expect(back.searchParams.get("error")).toBe("invalid_request");
      expect(back.searchParams.get("error_description")).toContain("signature");
      expect(await countUsers()).toBe(before);
    } finally {
      await rogue.dispose();
    }
  });

  it("an ID token from another issuer is refused, even signed with that issuer's own published key", async () => {
    const rogue = await rogueProvider({});
    try {
      const client = await providerAt("RogueIssuer", rogue, { jwks_uri: `${rogue.issuer}/jwks` });
      const signIn = await providerSignIn("RogueIssuer", {
        clientId: client.clientId,
        person: PEOPLE.newcomer,
        providerOrigin: new URL(rogue.issuer).origin,
      });
      const back = atCallback(signIn.final);
      expect(back.searchParams.get("error_description")).toContain("issued by someone other than the provider");
    } finally {
      await rogue.dispose();
    }
  });

  it("an expired ID token is refused (the emulator's clock is moved past it)", async () => {
    const shortLived = await rogueProvider({ idTokenTtlSeconds: 30 });
    try {
      const client = await providerAt("ShortLived", shortLived, {
        oidc_issuer: shortLived.issuer,
        jwks_uri: `${shortLived.issuer}/jwks`,
      });
      const jar = new CookieJar();
      const start = authorizeUrl(stack, { clientId: client.clientId, extra: { identity_provider: "ShortLived" } });
      const visit = await visitProvider(jar, start, new URL(shortLived.issuer).origin, { person: PEOPLE.newcomer });
      // The token lives 30 s; a minute of skew is allowed; the flow itself lives 5 minutes.
      clockSkewMs = 3 * 60_000;
      try {
        const back = atCallback(await browse(visit.location, jar));
        expect(back.searchParams.get("error_description")).toContain("expired");
      } finally {
        clockSkewMs = 0;
      }
    } finally {
      await shortLived.dispose();
    }
  });
});

describe("AWS: AdminLinkProviderForUser links an identity that has not signed in yet to an existing user", () => {
  it("the identity then signs in as that user, with the link in its identities (not primary)", async () => {
    const native = await createUser(stack, { name: "Native Person" });
    await stack.sdk.send(
      new AdminLinkProviderForUserCommand({
        UserPoolId: stack.poolId,
        DestinationUser: { ProviderName: "Cognito", ProviderAttributeValue: native.email },
        SourceUser: {
          ProviderName: "ExampleCorp",
          ProviderAttributeName: "Cognito_Subject",
          ProviderAttributeValue: PEOPLE.newcomer.sub,
        },
      }),
    );
    const signIn = await providerSignIn("ExampleCorp", { person: PEOPLE.newcomer });
    const id = decodePayload((await tokensFor(signIn)).id_token);
    expect(id["cognito:username"]).toBe(native.username);
    expect(id.identities).toEqual([expect.objectContaining({ providerName: "ExampleCorp", primary: "false" })]);
    const user = await adminGet(native.username);
    expect(user.UserStatus).toBe("CONFIRMED");
    expect(JSON.parse(attribute(user, "identities")!)).toEqual([
      expect.objectContaining({ userId: PEOPLE.newcomer.sub, providerName: "ExampleCorp", primary: false }),
    ]);
    // AWS: mapped attributes are updated on the linked profile at sign-in (the provider's name and address).
    expect(attribute(user, "name")).toBe(PEOPLE.newcomer.name);
    expect(attribute(user, "email")).toBe(PEOPLE.newcomer.email);

    // AWS: "If the user to deactivate is a linked external IdP user, any link ... is removed."
    await stack.sdk.send(
      new AdminDisableProviderForUserCommand({
        UserPoolId: stack.poolId,
        User: {
          ProviderName: "ExampleCorp",
          ProviderAttributeName: "Cognito_Subject",
          ProviderAttributeValue: PEOPLE.newcomer.sub,
        },
      }),
    );
    expect(attribute(await adminGet(native.username), "identities")).toBeUndefined();
    const after = await providerSignIn("ExampleCorp", { jar: signIn.jar });
    expect(decodePayload((await tokensFor(after)).id_token)["cognito:username"]).toBe(
      `ExampleCorp_${PEOPLE.newcomer.sub}`,
    );
  });

  it("refuses an identity that already signed up (no merging), one already linked, and a source attribute other than Cognito_Subject", async () => {
    const a = await createUser(stack);
    const b = await createUser(stack);
    const link = (user: string, value: string, attributeName = "Cognito_Subject") =>
      stack.sdk.send(
        new AdminLinkProviderForUserCommand({
          UserPoolId: stack.poolId,
          DestinationUser: { ProviderName: "Cognito", ProviderAttributeValue: user },
          SourceUser: { ProviderName: "Google", ProviderAttributeName: attributeName, ProviderAttributeValue: value },
        }),
      );
    await expectAwsError(
      link(a.email, PEOPLE.newcomer.sub),
      InvalidParameterException,
      "Merging is not currently supported, provide a SourceUser that has not been signed up in order to link",
    );
    await link(a.email, "never-signed-in-1");
    await expectAwsError(link(b.email, "never-signed-in-1"), InvalidParameterException);
    await expectAwsError(link(b.email, "never-signed-in-2", "email"), InvalidParameterException);
  });
});

describe("a provider user whose email changes keeps signing in as the same user, and takes over nobody", () => {
  it("a linked identity whose new address is another user's: the sign-in fails and neither user changes", async () => {
    const owner = await createUser(stack);
    const victim = await createUser(stack);
    const person = { ...PEOPLE.matching, email: owner.email };
    await stack.sdk.send(
      new AdminLinkProviderForUserCommand({
        UserPoolId: stack.poolId,
        DestinationUser: { ProviderName: "Cognito", ProviderAttributeValue: owner.email },
        SourceUser: {
          ProviderName: "Google",
          ProviderAttributeName: "Cognito_Subject",
          ProviderAttributeValue: person.sub,
        },
      }),
    );
    idp.updatePerson(person.sub, { email: owner.email });
    try {
      const first = await providerSignIn("Google", { person });
      expect(decodePayload((await tokensFor(first)).id_token)["cognito:username"]).toBe(owner.username);

      idp.updatePerson(person.sub, { email: victim.email });
      const second = await providerSignIn("Google", { jar: first.jar });
      const back = atCallback(second.final);
      expect(back.searchParams.get("error")).toBe("invalid_request");
      expect(attribute(await adminGet(owner.username), "email")).toBe(owner.email);
      const victimNow = await adminGet(victim.username);
      expect(attribute(victimNow, "email")).toBe(victim.email);
      expect(attribute(victimNow, "identities")).toBeUndefined();
    } finally {
      idp.updatePerson(person.sub, { email: PEOPLE.matching.email });
      await stack.sdk.send(new AdminDeleteUserCommand({ UserPoolId: stack.poolId, Username: owner.email }));
    }
  });

  it("a federated user whose address becomes another user's stays its own user; the other account is untouched", async () => {
    const victim = await createUser(stack);
    const first = await providerSignIn("Google", { person: PEOPLE.unverified });
    const username = decodePayload((await tokensFor(first)).id_token)["cognito:username"];
    idp.updatePerson(PEOPLE.unverified.sub, { email: victim.email, emailVerified: true });
    try {
      const second = await providerSignIn("Google", { jar: first.jar });
      const id = decodePayload((await tokensFor(second)).id_token);
      expect(id["cognito:username"]).toBe(username);
      expect(id.email).toBe(victim.email);
      const victimNow = await adminGet(victim.username);
      expect(victimNow.UserStatus).toBe("CONFIRMED");
      expect(attribute(victimNow, "identities")).toBeUndefined();
    } finally {
      idp.updatePerson(PEOPLE.unverified.sub, { email: PEOPLE.unverified.email, emailVerified: false });
    }
  });
});
