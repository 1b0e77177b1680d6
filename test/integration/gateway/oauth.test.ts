/**
 * Parity of the gateway's OAuth2/OIDC endpoints with AWS: /oauth2/token, /oauth2/revoke, /oauth2/userInfo, the
 * openid-configuration, the JWKS, against real cognito-local. Also checks
 * arctic — the OAuth2 client under remix-auth-oauth2 — end to end with the
 * confidential client.
 */
import { NotAuthorizedException } from "@aws-sdk/client-cognito-identity-provider";
import { CodeChallengeMethod, OAuth2Client } from "arctic";
import { JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { describe, expect, it } from "vitest";
import { startGateway } from "../../../cognito-local/gateway/index.ts";
import {
  APP,
  authorizeUrl,
  CALLBACK,
  CookieJar,
  callbackParams,
  decodePayload,
  expectAwsError,
  hostedSignIn,
  openSignInPageAt,
  postForm,
  refreshTokens,
  type Stack,
  suiteStack,
  tokenRequest,
} from "./support.ts";

const stack = suiteStack();

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };

async function signedInCode(clientId: string) {
  return hostedSignIn(stack, { clientId, ...DEMO });
}

describe("pass-through", () => {
  it("AWS serves the pool's keys at <issuer>/.well-known/jwks.json; the gateway passes cognito-local's through, like /health", async () => {
    const jwks = await fetch(`${stack.url}/${stack.poolId}/.well-known/jwks.json`);
    expect(jwks.status).toBe(200);
    const { keys } = (await jwks.json()) as { keys: Array<{ kid: string; kty: string; alg: string }> };
    expect(keys).toEqual([expect.objectContaining({ kid: "CognitoLocal", kty: "RSA", alg: "RS256" })]);
    const health = await fetch(`${stack.url}/health`);
    expect(await health.json()).toEqual({ ok: true });
  });
});

describe("/oauth2/token", () => {
  it("AWS exchanges a code once, checking PKCE S256, for access, ID and refresh tokens with the real lifetime; the gateway does too", async () => {
    const { code, verifier } = await signedInCode(stack.web.clientId);
    const first = await tokenRequest(stack, { code, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(first.status).toBe(200);
    expect(first.headers.get("cache-control")).toBe("no-store");
    expect(first.body).toEqual({
      access_token: expect.any(String),
      id_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 3600, // the seed's clients: 60-minute access tokens
    });
    const access = decodePayload(first.body.access_token as string);
    expect((access.exp as number) - (access.iat as number)).toBe(3600);

    // A code is good once.
    const replay = await tokenRequest(stack, { code, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(replay.status).toBe(400);
    expect(replay.body).toEqual({ error: "invalid_grant", error_description: expect.any(String) });
  });

  it("AWS refuses a code_verifier that does not match the code_challenge (invalid_grant); the gateway does too, and the code is spent", async () => {
    const { code, verifier } = await signedInCode(stack.web.clientId);
    const wrong = await tokenRequest(stack, {
      code,
      verifier: "x".repeat(43),
      clientId: stack.web.clientId,
      auth: "none",
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe("invalid_grant");
    const right = await tokenRequest(stack, { code, verifier, clientId: stack.web.clientId, auth: "none" });
    expect(right.body.error).toBe("invalid_grant");
  });

  it("AWS makes PKCE optional ('code_challenge: Required only when you specify a code_challenge_method'); the gateway too, and a code from a request with a challenge still needs its verifier", async () => {
    const jar = new CookieJar();
    const url = new URL(authorizeUrl(stack, { clientId: stack.web.clientId }));
    url.searchParams.delete("code_challenge");
    url.searchParams.delete("code_challenge_method");
    const { flow } = await openSignInPageAt(stack, url.toString(), jar);
    const { code } = callbackParams(await postForm(stack, "/login", { flow, ...DEMO }, jar));
    const exchanged = await tokenRequest(stack, { code: code!, clientId: stack.web.clientId, auth: "none" });
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.access_token).toBeTruthy();

    const withPkce = await signedInCode(stack.web.clientId);
    const missing = await tokenRequest(stack, { code: withPkce.code, clientId: stack.web.clientId, auth: "none" });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toBe("invalid_request");
  });

  it("AWS refuses a code presented with another redirect_uri or by another client; the gateway does too", async () => {
    const a = await signedInCode(stack.web.clientId);
    const otherUri = await tokenRequest(stack, {
      code: a.code,
      verifier: a.verifier,
      redirectUri: `${CALLBACK}/other`,
      clientId: stack.web.clientId,
      auth: "none",
    });
    expect(otherUri.status).toBe(400);
    expect(otherUri.body.error).toBe("invalid_grant");

    const b = await signedInCode(stack.web.clientId);
    const otherClient = await tokenRequest(stack, {
      code: b.code,
      verifier: b.verifier,
      clientId: stack.confidential.clientId,
      clientSecret: stack.confidential.clientSecret,
      auth: "basic",
    });
    expect(otherClient.status).toBe(400);
    expect(otherClient.body.error).toBe("invalid_grant");
  });

  it("AWS codes expire (after 5 minutes); the gateway's do too (a 50 ms lifetime here)", async () => {
    // A second gateway in front of the same cognito-local, with short-lived codes.
    const shortLived = await startGateway({ upstreamUrl: stack.upstreamUrl, port: 0, codeTtlMs: 50 });
    try {
      const gw: Stack = { ...stack, url: shortLived.url };
      const { code, verifier } = await hostedSignIn(gw, { clientId: stack.web.clientId, ...DEMO });
      await new Promise((r) => setTimeout(r, 100));
      const late = await tokenRequest(gw, { code, verifier, clientId: stack.web.clientId, auth: "none" });
      expect(late.status).toBe(400);
      expect(late.body.error).toBe("invalid_grant");
    } finally {
      await shortLived.stop();
    }
  });

  it("AWS authenticates a confidential client by HTTP Basic (client_secret_basic); the gateway does too", async () => {
    const { code, verifier } = await signedInCode(stack.confidential.clientId);
    const res = await tokenRequest(stack, {
      code,
      verifier,
      clientId: stack.confidential.clientId,
      clientSecret: stack.confidential.clientSecret,
      auth: "basic",
    });
    expect(res.status).toBe(200);
    expect(decodePayload(res.body.id_token as string).aud).toBe(stack.confidential.clientId);
  });

  it("AWS authenticates a confidential client by form fields (client_secret_post); the gateway does too", async () => {
    const { code, verifier } = await signedInCode(stack.confidential.clientId);
    const res = await tokenRequest(stack, {
      code,
      verifier,
      clientId: stack.confidential.clientId,
      clientSecret: stack.confidential.clientSecret,
      auth: "post",
    });
    expect(res.status).toBe(200);
    expect(res.body.access_token).toBeTruthy();
  });

  it("AWS answers 401 invalid_client to a confidential client without its secret or with a wrong one; the gateway does too", async () => {
    const attempts = [
      { auth: "none" as const },
      { auth: "basic" as const, clientSecret: "wrong-secret" },
      { auth: "post" as const, clientSecret: "wrong-secret" },
      { auth: "basic" as const, clientSecret: "" },
    ];
    for (const attempt of attempts) {
      const { code, verifier } = await signedInCode(stack.confidential.clientId);
      const res = await tokenRequest(stack, { code, verifier, clientId: stack.confidential.clientId, ...attempt });
      expect(res.status, JSON.stringify(attempt)).toBe(401);
      expect(res.body).toEqual({ error: "invalid_client", error_description: expect.any(String) });
      expect(res.headers.get("www-authenticate")).toMatch(/^Basic /);
    }
  });

  it("AWS refreshes at the token endpoint (new access and ID tokens, no new refresh token); the gateway does too", async () => {
    const { code, verifier } = await signedInCode(stack.confidential.clientId);
    const first = await tokenRequest(stack, {
      code,
      verifier,
      clientId: stack.confidential.clientId,
      clientSecret: stack.confidential.clientSecret,
      auth: "post",
    });
    const refreshed = await tokenRequest(stack, {
      grantType: "refresh_token",
      refreshToken: first.body.refresh_token as string,
      clientId: stack.confidential.clientId,
      clientSecret: stack.confidential.clientSecret,
      auth: "basic",
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toEqual({
      access_token: expect.any(String),
      id_token: expect.any(String),
      token_type: "Bearer",
      expires_in: 3600,
    });
  });

  it("AWS answers errors in the OAuth2 JSON shape (e.g. unsupported_grant_type); the gateway does too", async () => {
    const res = await tokenRequest(stack, { grantType: "password", clientId: stack.web.clientId, auth: "none" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error: "unsupported_grant_type", error_description: expect.any(String) });
  });

  it("AWS answers CORS preflights on the token, revoke and userInfo endpoints (browser apps); the gateway does too, for the app's origin (guards.test.ts: only that one)", async () => {
    for (const path of ["/oauth2/token", "/oauth2/revoke", "/oauth2/userInfo"]) {
      const res = await fetch(`${stack.url}${path}`, {
        method: "OPTIONS",
        headers: { origin: APP, "access-control-request-method": "POST" },
      });
      expect(res.status, path).toBe(204);
      expect(res.headers.get("access-control-allow-origin")).toBe(APP);
      expect(res.headers.get("access-control-allow-headers")).toMatch(/authorization/);
    }
  });

  it("AWS works with arctic (remix-auth-oauth2's client) for a confidential client: Basic auth for code, refresh and revoke; the gateway does too", async () => {
    const client = new OAuth2Client(stack.confidential.clientId, stack.confidential.clientSecret, CALLBACK);
    const verifier = "v".repeat(20) + Math.random().toString(36).slice(2).padEnd(30, "0");
    const url = client.createAuthorizationURLWithPKCE(
      `${stack.url}/oauth2/authorize`,
      "arctic-state",
      CodeChallengeMethod.S256,
      verifier,
      ["openid", "email", "profile"],
    );
    const jar = new CookieJar();
    const { flow } = await openSignInPageAt(stack, url.toString(), jar);
    const { code, state } = callbackParams(await postForm(stack, "/login", { flow, ...DEMO }, jar));
    expect(state).toBe("arctic-state");
    const tokens = await client.validateAuthorizationCode(`${stack.url}/oauth2/token`, code!, verifier);
    expect(tokens.idToken()).toBeTruthy();
    const refreshed = await client.refreshAccessToken(`${stack.url}/oauth2/token`, tokens.refreshToken(), []);
    expect(refreshed.accessToken()).toBeTruthy();
    await client.revokeToken(`${stack.url}/oauth2/revoke`, tokens.refreshToken());
    await expect(
      client.refreshAccessToken(`${stack.url}/oauth2/token`, tokens.refreshToken(), []),
    ).rejects.toMatchObject({
      code: "invalid_grant",
    });
  });
});

describe("/oauth2/userInfo and /oauth2/revoke", () => {
  it("AWS's userInfo returns the user's claims for a valid access token (values as strings); the gateway's does too", async () => {
    const { code, verifier } = await signedInCode(stack.web.clientId);
    const { body } = await tokenRequest(stack, { code, verifier, clientId: stack.web.clientId, auth: "none" });
    const sub = decodePayload(body.access_token as string).sub;
    for (const method of ["GET", "POST"]) {
      const res = await fetch(`${stack.url}/oauth2/userInfo`, {
        method,
        headers: { authorization: `Bearer ${body.access_token}` },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({
        sub,
        email: "demo@example.com",
        email_verified: "true",
        name: "Demo User",
        username: sub,
      });
    }
  });

  it("AWS's userInfo answers 401 with WWW-Authenticate for a missing, forged or garbage token; the gateway's does too", async () => {
    const { code, verifier } = await signedInCode(stack.web.clientId);
    const { body } = await tokenRequest(stack, { code, verifier, clientId: stack.web.clientId, auth: "none" });
    const [header, payload, signature] = (body.access_token as string).split(".");
    const claims = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const forged = [
      header,
      Buffer.from(JSON.stringify({ ...claims, username: "admin" })).toString("base64url"),
      signature,
    ].join(".");
    for (const authorization of [undefined, "Bearer not-a-jwt", `Bearer ${forged}`, `Bearer ${body.id_token}`]) {
      const res = await fetch(`${stack.url}/oauth2/userInfo`, { headers: authorization ? { authorization } : {} });
      expect(res.status, String(authorization).slice(0, 20)).toBe(401);
      expect(res.headers.get("www-authenticate")).toMatch(/^Bearer /);
    }
  });

  it("AWS's revoke endpoint revokes a refresh token (and its access tokens), after which refreshing fails; the gateway's does too", async () => {
    const { code, verifier } = await signedInCode(stack.confidential.clientId);
    const auth = { clientId: stack.confidential.clientId, clientSecret: stack.confidential.clientSecret };
    const { body } = await tokenRequest(stack, { code, verifier, ...auth, auth: "basic" });
    const refreshToken = body.refresh_token as string;

    const wrongSecret = await fetch(`${stack.url}/oauth2/revoke`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ token: refreshToken, client_id: auth.clientId, client_secret: "nope" }).toString(),
    });
    expect(wrongSecret.status).toBe(401);
    expect((await wrongSecret.json()).error).toBe("invalid_client");

    const revoked = await fetch(`${stack.url}/oauth2/revoke`, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        authorization: `Basic ${Buffer.from(`${auth.clientId}:${auth.clientSecret}`).toString("base64")}`,
      },
      body: new URLSearchParams({ token: refreshToken }).toString(),
    });
    expect(revoked.status).toBe(200);
    expect(await revoked.text()).toBe("");

    const refresh = await tokenRequest(stack, { grantType: "refresh_token", refreshToken, ...auth, auth: "basic" });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe("invalid_grant");
    // The access token issued with it is revoked too.
    const userInfo = await fetch(`${stack.url}/oauth2/userInfo`, {
      headers: { authorization: `Bearer ${body.access_token}` },
    });
    expect(userInfo.status).toBe(401);
    // And the API refuses the refresh token as well.
    await expectAwsError(refreshTokens(stack, refreshToken), NotAuthorizedException);
  });
});

describe("discovery and token verification", () => {
  it("AWS publishes a complete openid-configuration at its real URL; the gateway does too, with its real port", async () => {
    const res = await fetch(`${stack.url}/${stack.poolId}/.well-known/openid-configuration`);
    expect(res.status).toBe(200);
    const base = stack.url;
    expect(new URL(base).port).not.toBe("9229");
    // AWS's members, in its (alphabetical) order: the sign-out endpoint is /logout; no
    // code_challenge_methods_supported or grant_types_supported, and only the standard scopes.
    // (AWS lists response type "token" too: there is no implicit grant here.)
    const document = await res.json();
    expect(Object.keys(document)).toEqual(Object.keys(document).sort());
    expect(document).toEqual({
      authorization_endpoint: `${base}/oauth2/authorize`,
      end_session_endpoint: `${base}/logout`,
      id_token_signing_alg_values_supported: ["RS256"],
      issuer: `${base}/${stack.poolId}`,
      jwks_uri: `${base}/${stack.poolId}/.well-known/jwks.json`,
      response_types_supported: ["code"],
      revocation_endpoint: `${base}/oauth2/revoke`,
      scopes_supported: ["openid", "email", "phone", "profile"],
      subject_types_supported: ["public"],
      token_endpoint: `${base}/oauth2/token`,
      token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
      userinfo_endpoint: `${base}/oauth2/userInfo`,
    });
    const unknown = await fetch(`${stack.url}/local_nosuchpool/.well-known/openid-configuration`);
    expect(unknown.status).toBe(404);
  });

  it("AWS tokens verify against the JWKS at their issuer; the gateway's do too, with aws-jwt-verify as the app uses it", async () => {
    const { code, verifier } = await signedInCode(stack.web.clientId);
    const { body } = await tokenRequest(stack, { code, verifier, clientId: stack.web.clientId, auth: "none" });
    const discovery = await (await fetch(`${stack.url}/${stack.poolId}/.well-known/openid-configuration`)).json();
    const jwksCache = new SimpleJwksCache({
      fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() },
    });
    const clientId = stack.web.clientId;
    const idVerifier = JwtVerifier.create(
      {
        issuer: discovery.issuer,
        jwksUri: discovery.jwks_uri,
        audience: clientId,
        customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: "id", clientId }),
      },
      { jwksCache },
    );
    const accessVerifier = JwtVerifier.create(
      {
        issuer: discovery.issuer,
        jwksUri: discovery.jwks_uri,
        audience: null,
        customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: "access", clientId }),
      },
      { jwksCache },
    );
    const id = await idVerifier.verify(body.id_token as string);
    expect(id.email).toBe("demo@example.com");
    const access = await accessVerifier.verify(body.access_token as string);
    expect(access.iss).toBe(`${stack.url}/${stack.poolId}`);
  });
});
