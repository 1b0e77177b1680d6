/**
 * The JSON API under /api/v1 against the real emulator: what each kind of caller gets (a user's
 * access token, as a mobile app holds it; a machine's, from the client_credentials grant), every
 * row of requireApiToken's 401/400/403 table, the scopes and groups each route needs, tokens the
 * app has ended (sign-out, sign out everywhere, an admin), CORS, rate limits, and that no answer
 * ever sets a cookie (test/support/api.ts checks every one).
 */

import http from "node:http";
import { CreateUserPoolClientCommand, CreateUserPoolCommand } from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { callApi, machineAccessToken, rawApiRequest, userAccessToken } from "../support/api.ts";
import { adminClient, expectRefreshRefused } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { type CookieJar, expectRedirect, jwtClaims, signInWithForm } from "../support/http.ts";
import {
  accessTokenClaims,
  emulatorSigningKey,
  generateSigningKey,
  signJwt,
  unsignedJwt,
  withTamperedPayload,
} from "../support/tokens.ts";
import { addUser, createUser, type TestUser } from "../support/users.ts";
import { CALLBACK, hostedSignIn, type Stack, tokenRequest } from "./gateway/support.ts";

const SPA = "https://spa.example";
const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };
const ADMIN = { username: "admin@example.com", password: "AdminPassw0rd!" };

/** A machine client in the shared pool allowed some of the app's API scopes. */
async function machineClient(scopes: string[]) {
  const { UserPoolClient } = await adminClient().send(
    new CreateUserPoolClientCommand({
      UserPoolId: inject("userPoolId"),
      ClientName: `api-machine-${Math.random().toString(36).slice(2, 8)}`,
      GenerateSecret: true,
      AllowedOAuthFlows: ["client_credentials"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: scopes.map((s) => `remix-cognito/${s}`),
      AccessTokenValidity: 60,
      TokenValidityUnits: { AccessToken: "minutes" },
    }),
  );
  return { clientId: UserPoolClient!.ClientId!, clientSecret: UserPoolClient!.ClientSecret! };
}

/**
 * A public Hosted UI client allowed the API's users.read scope for its users (a single-page or
 * mobile app that signs people in through the Hosted UI and asks for the scope).
 */
async function scopedUserClient() {
  const { UserPoolClient } = await adminClient().send(
    new CreateUserPoolClientCommand({
      UserPoolId: inject("userPoolId"),
      ClientName: `api-scoped-${Math.random().toString(36).slice(2, 8)}`,
      AllowedOAuthFlows: ["code"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ["openid", "remix-cognito/users.read"],
      CallbackURLs: [CALLBACK],
      SupportedIdentityProviders: ["COGNITO"],
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  return UserPoolClient!.ClientId!;
}

/** A public client that signs users in with a password, not on the API's allow-list unless put there. */
async function userClient() {
  const { UserPoolClient } = await adminClient().send(
    new CreateUserPoolClientCommand({
      UserPoolId: inject("userPoolId"),
      ClientName: `api-user-${Math.random().toString(36).slice(2, 8)}`,
      ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    }),
  );
  return UserPoolClient!.ClientId!;
}

const clients: {
  reader?: Awaited<ReturnType<typeof machineClient>>;
  signOut?: Awaited<ReturnType<typeof machineClient>>;
} = {};
let unlisted = "";
let scoped = "";

const app = suiteApp(async () => {
  clients.reader = await machineClient(["users.read"]);
  clients.signOut = await machineClient(["sessions.write"]);
  unlisted = await userClient();
  scoped = await scopedUserClient();
  const allowed = [
    inject("webClientId"),
    inject("machineClientId"),
    clients.reader.clientId,
    clients.signOut.clientId,
    scoped,
  ];
  return {
    env: {
      COGNITO_CLIENT_ID: inject("webClientId"),
      API_CLIENT_IDS: allowed.join(","),
      API_CORS_ORIGINS: SPA,
      RATE_LIMIT_API_USER_PER_MINUTE: "100000",
      RATE_LIMIT_API_CLIENT_PER_MINUTE: "100000",
    },
  };
});

const api = (path: string, init?: Parameters<typeof callApi>[1]) => callApi(`${app.url}${path}`, init);

function expectRefusal(
  answer: Awaited<ReturnType<typeof callApi>>,
  status: number,
  error: string,
  challenge: RegExp | null,
) {
  expect(answer.status, JSON.stringify(answer.body)).toBe(status);
  expect(answer.body).toEqual({ error, error_description: expect.any(String) });
  if (challenge) expect(answer.headers.get("www-authenticate")).toMatch(challenge);
  else expect(answer.headers.get("www-authenticate")).toBeNull();
}

const INVALID_TOKEN = /^Bearer realm="remix-cognito", error="invalid_token", error_description="[^"]+"$/;

describe("GET /api/v1/me: who the token belongs to", () => {
  it("a user's access token (a mobile app's, from a sign-in) reads the user: sub, username, groups, client", async () => {
    const tokens = await userAccessToken(DEMO);
    const claims = jwtClaims(tokens.access);
    const me = await api("/api/v1/me", { token: tokens.access });
    expect(me.status).toBe(200);
    expect(me.headers.get("cache-control")).toBe("no-store");
    expect(me.body).toEqual({
      kind: "user",
      sub: claims.sub,
      username: claims.username,
      groups: ["users"],
      auth_time: claims.auth_time,
      client_id: inject("webClientId"),
      scopes: ["aws.cognito.signin.user.admin"],
      expires_at: claims.exp,
    });
  });

  it("a machine's token (client_credentials) reads the client and its scopes; no user", async () => {
    const token = await machineAccessToken();
    const me = await api("/api/v1/me", { token });
    expect(me.status).toBe(200);
    expect(me.body).toEqual({
      kind: "machine",
      client_id: inject("machineClientId"),
      scopes: ["remix-cognito/users.read", "remix-cognito/sessions.write"],
      expires_at: jwtClaims(token).exp,
    });
  });
});

describe("the dashboard", () => {
  it("shows a signed-in user how to call /api/v1/me with a token of their own, and never any of the session's tokens", async () => {
    const user = await createUser("api-dashboard");
    const jar = await signInWithForm(app.url, user.username, user.password);
    const html = await (await jar.fetch(`${app.url}/dashboard`)).text();
    expect(html).toContain('data-testid="api-how-to"');
    expect(html).toContain(`${app.url}/api/v1/me`);
    expect(html).toContain("AWSCognitoIdentityProviderService.InitiateAuth");
    expect(html).toContain(inject("webClientId"));
    const session = jar.session()!;
    for (const token of [session.access, session.id, session.refresh!]) expect(html).not.toContain(token);
    expect(html).not.toMatch(/eyJ[\w-]{20,}\.[\w-]{20,}\.[\w-]{20,}/);
  });
});

describe("the 401/400 table: what is not a usable bearer token", () => {
  let demo: { access: string; id: string; refresh: string };
  let claims: Record<string, unknown>;
  beforeAll(async () => {
    demo = await userAccessToken(DEMO);
    claims = jwtClaims(demo.access);
  });

  it("no token, or another scheme: 401 with a challenge and no error code (RFC 6750 §3.1)", async () => {
    const basic: Record<string, string> = { Authorization: `Basic ${Buffer.from("a:b").toString("base64")}` };
    for (const headers of [{}, basic]) {
      expectRefusal(await api("/api/v1/me", { headers }), 401, "unauthorized", /^Bearer realm="remix-cognito"$/);
    }
  });

  it("a session cookie alone is no token: 401, though the same cookie opens the dashboard", async () => {
    const user = await createUser("api-cookie");
    const jar = await signInWithForm(app.url, user.username, user.password);
    expect((await jar.fetch(`${app.url}/dashboard`)).status).toBe(200);
    const answer = await api("/api/v1/me", { headers: { Cookie: jar.header() } });
    expectRefusal(answer, 401, "unauthorized", /^Bearer realm="remix-cognito"$/);
  });

  it("a malformed Authorization header, a token in the URL, two tokens: 400 invalid_request", async () => {
    for (const authorization of ["Bearer", "Bearer ", `Bearer ${demo.access} x`, `Bearer "${demo.access}"`]) {
      const answer = await api("/api/v1/me", { headers: { Authorization: authorization } });
      expectRefusal(answer, 400, "invalid_request", /error="invalid_request"/);
    }
    const inUrl = await api(`/api/v1/me?access_token=${demo.access}`);
    expectRefusal(inUrl, 400, "invalid_request", /error="invalid_request"/);
    const both = await api(`/api/v1/me?access_token=${demo.access}`, { token: demo.access });
    expectRefusal(both, 400, "invalid_request", /error="invalid_request"/);
    // Two Authorization headers, the first one valid: the server must see both.
    const twice = await rawApiRequest(`${app.url}/api/v1/me`, {
      Authorization: [`Bearer ${demo.access}`, "Bearer other"],
    });
    expectRefusal(twice, 400, "invalid_request", /error="invalid_request"/);
  });

  it("expired, forged, tampered, unsigned or not a JWT at all: 401 invalid_token", async () => {
    const issuer = `${inject("emulatorUrl")}/${inject("userPoolId")}`;
    const base = accessTokenClaims({ issuer, clientId: inject("webClientId"), sub: claims.sub as string });
    const emulatorKey = emulatorSigningKey();
    const cases: Record<string, string> = {
      "not a JWT": "abc.def",
      expired: signJwt({ ...base, exp: Math.floor(Date.now() / 1000) - 10 }, emulatorKey),
      "signed by another key": signJwt(base, generateSigningKey("CognitoLocal")),
      "payload changed after signing": withTamperedPayload(demo.access, { "cognito:groups": ["admins"] }),
      "alg none": unsignedJwt(base, { kid: emulatorKey.kid }),
    };
    for (const [what, token] of Object.entries(cases)) {
      const answer = await api("/api/v1/me", { token });
      expect(answer.status, what).toBe(401);
      expectRefusal(answer, 401, "invalid_token", INVALID_TOKEN);
    }
    expect((await api("/api/v1/me", { token: cases.expired })).body.error_description).toBe(
      "The access token has expired.",
    );
  });

  it("a foreign pool's token, a client not on API_CLIENT_IDS, an ID or a refresh token: 401 invalid_token", async () => {
    const cognito = adminClient();
    const { UserPool } = await cognito.send(
      new CreateUserPoolCommand({ PoolName: "foreign", UsernameAttributes: ["email"] }),
    );
    const { UserPoolClient } = await cognito.send(
      new CreateUserPoolClientCommand({
        UserPoolId: UserPool!.Id!,
        ClientName: "foreign",
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      }),
    );
    await addUser({ email: "foreign@example.com", password: "Foreign-Passw0rd!" }, { cognito, poolId: UserPool!.Id! });
    const foreign = await userAccessToken(
      { username: "foreign@example.com", password: "Foreign-Passw0rd!" },
      UserPoolClient!.ClientId!,
    );
    const otherClient = await userAccessToken(DEMO, unlisted);
    // Signed by the pool's own key, claims right but for its token_use or client: only the claim gives it away.
    const issuer = `${inject("emulatorUrl")}/${inject("userPoolId")}`;
    const machineShaped = signJwt(
      { ...accessTokenClaims({ issuer, clientId: inject("machineClientId") }), username: undefined },
      emulatorSigningKey(),
    );
    const cases: Record<string, string> = {
      "another pool's access token": foreign.access,
      "a client not on the allow-list": otherClient.access,
      "an ID token": demo.id,
      "a refresh token": demo.refresh,
      "no user, and not its client's own token either": machineShaped,
    };
    for (const [what, token] of Object.entries(cases)) {
      const answer = await api("/api/v1/me", { token });
      expect(answer.status, what).toBe(401);
      expectRefusal(answer, 401, "invalid_token", INVALID_TOKEN);
    }
  });
});

describe("scopes and groups per route (403 insufficient_scope)", () => {
  it("GET /api/v1/users: an admin's token or the users.read scope; anyone else gets 403 naming the scope", async () => {
    const user = await userAccessToken(DEMO);
    const signOutOnly = await machineAccessToken(clients.signOut);
    for (const token of [user.access, signOutOnly]) {
      const answer = await api("/api/v1/users", { token });
      expectRefusal(
        answer,
        403,
        "insufficient_scope",
        /^Bearer realm="remix-cognito", error="insufficient_scope", error_description="[^"]+", scope="remix-cognito\/users\.read"$/,
      );
    }
    const admin = await userAccessToken(ADMIN);
    const reader = await machineAccessToken(clients.reader);
    for (const token of [admin.access, reader, await machineAccessToken()]) {
      const answer = await api("/api/v1/users?limit=1", { token });
      expect(answer.status, JSON.stringify(answer.body)).toBe(200);
      expect(answer.body.users).toHaveLength(1);
    }
  });

  it("GET /api/v1/users: a user who is no admin, with users.read granted at a Hosted UI sign-in, reads the users; the same user without the scope gets 403", async () => {
    // The emulator's Hosted UI, driven as a browser does (the gateway tests' helpers need only its URL).
    const emulator = { url: inject("emulatorUrl") } as Stack;
    const { code, verifier } = await hostedSignIn(emulator, {
      clientId: scoped,
      username: DEMO.username,
      password: DEMO.password,
      scope: "openid remix-cognito/users.read",
    });
    const exchanged = await tokenRequest(emulator, { code, verifier, clientId: scoped, auth: "none" });
    expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
    const withScope = exchanged.body.access_token as string;
    expect(String(jwtClaims(withScope).scope).split(" ")).toContain("remix-cognito/users.read");
    expect(jwtClaims(withScope)["cognito:groups"] ?? []).not.toContain("admins");
    const answer = await api("/api/v1/users?limit=1", { token: withScope });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.users).toHaveLength(1);

    // The same client and user, signed in by password (no OAuth scopes granted): refused.
    const without = await userAccessToken(DEMO, scoped);
    expect((await api("/api/v1/users", { token: without.access })).status).toBe(403);
  });

  it("GET /api/v1/users pages through every user with next_cursor, none twice", async () => {
    const token = await machineAccessToken(clients.reader);
    const first = await api("/api/v1/users?limit=2", { token });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ users: [expect.any(Object), expect.any(Object)], next_cursor: expect.any(String) });
    expect((first.body.users as Array<Record<string, unknown>>)[0]).toEqual({
      username: expect.any(String),
      sub: expect.any(String),
      email: expect.any(String),
      email_verified: expect.any(Boolean),
      enabled: true,
      status: expect.any(String),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    const second = await api(`/api/v1/users?limit=2&cursor=${encodeURIComponent(first.body.next_cursor as string)}`, {
      token,
    });
    expect(second.status).toBe(200);
    const names = (page: typeof first) => (page.body.users as Array<{ username: string }>).map((u) => u.username);
    expect(names(second).some((n) => names(first).includes(n))).toBe(false);
    for (const query of ["limit=0", "limit=61", "limit=two", "limit=1&limit=2", "page=2", "cursor=%20"]) {
      expectRefusal(await api(`/api/v1/users?${query}`, { token }), 400, "invalid_request", null);
    }
  });

  it("POST /api/v1/users/{username}/sign-out: the sessions.write scope or an admin; others 403, nothing ended", async () => {
    const user = await createUser("api-not-ended");
    const mobile = await userAccessToken(user);
    for (const token of [(await userAccessToken(DEMO)).access, await machineAccessToken(clients.reader)]) {
      const answer = await api(`/api/v1/users/${encodeURIComponent(user.username)}/sign-out`, {
        token,
        method: "POST",
      });
      expectRefusal(answer, 403, "insufficient_scope", /scope="remix-cognito\/sessions\.write"$/);
    }
    expect((await api("/api/v1/me", { token: mobile.access })).status).toBe(200);
    const unknown = await api("/api/v1/users/nobody-at-all@example.com/sign-out", {
      token: await machineAccessToken(clients.signOut),
      method: "POST",
    });
    expectRefusal(unknown, 404, "not_found", null);
  });

  it("answers JSON for a path or method the API does not serve", async () => {
    const token = await machineAccessToken();
    expectRefusal(await api("/api/v1/nothing-here", { token }), 404, "not_found", null);
    expectRefusal(await api("/api", {}), 404, "not_found", null);
    const post = await api("/api/v1/me", { token, method: "POST" });
    expectRefusal(post, 405, "method_not_allowed", null);
    expect(post.headers.get("allow")).toBe("GET");
    const get = await api("/api/v1/users/x/sign-out", { token });
    expectRefusal(get, 405, "method_not_allowed", null);
  });
});

describe("tokens the app has ended are refused (from the in-memory revocations)", () => {
  async function signedInUser(prefix: string): Promise<{ user: TestUser; jar: CookieJar; mobile: string }> {
    const user = await createUser(prefix);
    const jar = await signInWithForm(app.url, user.username, user.password);
    const mobile = (await userAccessToken(user)).access;
    expect((await api("/api/v1/me", { token: mobile })).status).toBe(200);
    return { user, jar, mobile };
  }

  it("sign-out: the session's own access token, presented as a bearer token, is refused after it", async () => {
    const { jar, mobile } = await signedInUser("api-signout");
    const sessionToken = jar.session()!.access;
    expect((await api("/api/v1/me", { token: sessionToken })).status).toBe(200);
    expectRedirect(await jar.post(`${app.url}/logout`, {}), "/");
    const answer = await api("/api/v1/me", { token: sessionToken });
    expectRefusal(answer, 401, "invalid_token", INVALID_TOKEN);
    expect(answer.body.error_description).toBe("The access token has been revoked.");
    // Only that session ended: the same user's token from another sign-in still works.
    expect((await api("/api/v1/me", { token: mobile })).status).toBe(200);
  });

  it("sign out everywhere: every token of the user from before it, the mobile app's too", async () => {
    const { user, jar, mobile } = await signedInUser("api-everywhere");
    expectRedirect(await jar.post(`${app.url}/account/sessions`, { intent: "end-others" }), /^\/login\?redirectTo=/);
    expectRefusal(await api("/api/v1/me", { token: mobile }), 401, "invalid_token", INVALID_TOKEN);
    // A sign-in after it is a new session — from the next second on: auth_time has whole seconds,
    // and a sign-in in the very second of the cut-off is refused with those before it.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const after = await userAccessToken(user);
    expect((await api("/api/v1/me", { token: after.access })).status).toBe(200);
  });

  it("an admin ending every session (the admin page, or the API with sessions.write): tokens, cookies, refresh tokens", async () => {
    const viaPage = await signedInUser("api-admin-page");
    const admin = await signInWithForm(app.url, ADMIN.username, ADMIN.password);
    const page = await admin.post(`${app.url}/admin`, { email: viaPage.user.username });
    expect(page.status).toBe(200);
    expectRefusal(await api("/api/v1/me", { token: viaPage.mobile }), 401, "invalid_token", INVALID_TOKEN);

    const viaApi = await signedInUser("api-admin-api");
    const refresh = viaApi.jar.session()!.refresh!;
    const answer = await api(`/api/v1/users/${encodeURIComponent(viaApi.user.username)}/sign-out`, {
      token: await machineAccessToken(clients.signOut),
      method: "POST",
      // From a browser app on another origin: the API has no CSRF check, it reads no cookie.
      headers: { Origin: SPA, "Sec-Fetch-Site": "cross-site" },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body).toEqual({ username: expect.any(String), sub: expect.any(String), signed_out: true });
    expectRefusal(await api("/api/v1/me", { token: viaApi.mobile }), 401, "invalid_token", INVALID_TOKEN);
    expectRedirect(await viaApi.jar.fetch(`${app.url}/dashboard`), /^\/login\?/);
    await expectRefreshRefused(inject("webClientId"), refresh);

    // An admin's own user token may do it too.
    const third = await signedInUser("api-admin-token");
    const byAdmin = await api(`/api/v1/users/${encodeURIComponent(third.user.username)}/sign-out`, {
      token: (await userAccessToken(ADMIN)).access,
      method: "POST",
    });
    expect(byAdmin.status).toBe(200);
    expectRefusal(await api("/api/v1/me", { token: third.mobile }), 401, "invalid_token", INVALID_TOKEN);
  });
});

describe("browsers on other origins (CORS) and cross-site requests", () => {
  it("answers a preflight from a configured origin, with no credentials; refuses any other origin", async () => {
    const preflight = (origin: string) =>
      fetch(`${app.url}/api/v1/users`, {
        method: "OPTIONS",
        headers: {
          Origin: origin,
          "Access-Control-Request-Method": "GET",
          "Access-Control-Request-Headers": "authorization",
        },
      });
    const allowed = await preflight(SPA);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-origin")).toBe(SPA);
    expect(allowed.headers.get("access-control-allow-methods")).toBe("GET, POST");
    expect(allowed.headers.get("access-control-allow-headers")).toBe("Authorization, Content-Type");
    expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();
    expect(allowed.headers.get("vary")).toMatch(/Origin/);
    const refused = await preflight("https://evil.example");
    expect(refused.status).toBe(403);
    expect(refused.headers.get("access-control-allow-origin")).toBeNull();
    expect(await refused.json()).toEqual({ error: "origin_not_allowed", error_description: expect.any(String) });
  });

  it("lets a configured origin read answers (errors and their challenge too), and no other origin", async () => {
    const token = await machineAccessToken();
    const ok = await api("/api/v1/me", { token, headers: { Origin: SPA } });
    expect(ok.headers.get("access-control-allow-origin")).toBe(SPA);
    expect(ok.headers.get("access-control-expose-headers")).toBe("WWW-Authenticate, Retry-After");
    expect(ok.headers.get("access-control-allow-credentials")).toBeNull();
    const refused = await api("/api/v1/me", { headers: { Origin: SPA } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get("access-control-allow-origin")).toBe(SPA);
    const other = await api("/api/v1/me", { token, headers: { Origin: "https://evil.example" } });
    expect(other.status).toBe(200);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    // The pages get no CORS headers at all.
    const home = await fetch(`${app.url}/`, { headers: { Origin: SPA } });
    expect(home.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("keeps the CSRF check for every page, however the request target is spelled to look like the API's", async () => {
    const user = await createUser("api-csrf");
    const jar = await signInWithForm(app.url, user.username, user.password);
    // Sent as written (fetch would resolve the dot segments before sending them).
    for (const target of ["/api/../logout", "/api/%2e%2e/logout", "/API/../logout", "/api/..\\logout"]) {
      const res = await rawPost(`${app.url}${target}`, {
        Cookie: jar.header(),
        Origin: "https://evil.example",
        "Sec-Fetch-Site": "cross-site",
      });
      expect(res.status, target).toBe(403);
      expect(res.contentType, target).toMatch(/^text\/html/);
    }
    expect((await jar.fetch(`${app.url}/dashboard`)).status, "still signed in").toBe(200);
  });
});

/** A POST with its request target exactly as given (no URL resolution on the way). */
function rawPost(url: string, headers: Record<string, string>): Promise<{ status: number; contentType: string }> {
  const { host, pathname } = /^(?<host>https?:\/\/[^/]+)(?<pathname>.*)$/.exec(url)!.groups!;
  const base = new URL(host!);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: base.hostname, port: base.port, method: "POST", path: pathname, headers },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"] ?? "" }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("rate limits per user and per machine client (429 + Retry-After)", () => {
  const limited = suiteApp(async () => ({
    env: {
      COGNITO_CLIENT_ID: inject("webClientId"),
      API_CLIENT_IDS: `${inject("webClientId")},${inject("machineClientId")}`,
      RATE_LIMIT_API_USER_PER_MINUTE: "3",
      RATE_LIMIT_API_CLIENT_PER_MINUTE: "2",
    },
  }));

  it("counts each user's requests apart, and each client's, whatever the scope check says", async () => {
    const one = await createUser("api-limit-one");
    const two = await createUser("api-limit-two");
    const first = await userAccessToken(one);
    const again = await userAccessToken(one); // another token of the same user counts for them
    const statuses: number[] = [];
    for (const token of [first.access, again.access, first.access, again.access]) {
      statuses.push((await callApi(`${limited.url}/api/v1/users`, { token })).status);
    }
    expect(statuses).toEqual([403, 403, 403, 429]);
    const over = await callApi(`${limited.url}/api/v1/me`, { token: first.access });
    expectRefusal(over, 429, "rate_limited", null);
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(over.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await callApi(`${limited.url}/api/v1/me`, { token: (await userAccessToken(two)).access })).status).toBe(
      200,
    );

    const machine = await machineAccessToken();
    const machineStatuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      machineStatuses.push((await callApi(`${limited.url}/api/v1/me`, { token: machine })).status);
    }
    expect(machineStatuses).toEqual([200, 200, 429]);
  });

  it("never counts a request whose token does not verify (nobody can spend another's allowance)", async () => {
    const user = await createUser("api-limit-forged");
    const token = (await userAccessToken(user)).access;
    const forged = withTamperedPayload(token, { scope: "remix-cognito/users.read" });
    for (let i = 0; i < 5; i++) {
      expect((await callApi(`${limited.url}/api/v1/me`, { token: forged })).status).toBe(401);
    }
    expect((await callApi(`${limited.url}/api/v1/me`, { token })).status).toBe(200);
  });
});
