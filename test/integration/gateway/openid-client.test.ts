/**
 * A certified OpenID Connect relying party against the emulator: openid-client
 * (panva) drives the whole round trip as its documentation shows it — discovery,
 * an authorization URL with code + PKCE + nonce + state (and login_hint), a
 * browser through the Hosted UI's sign-in form, the code exchange with ID token
 * validation (the library checks the nonce, issuer, audience, expiry), userinfo,
 * refresh, and RP-initiated logout at the discovered end_session_endpoint with
 * AWS's /logout parameters. Nothing in the library is configured around the
 * emulator except allowing http (it listens on loopback).
 */
import * as oidc from "openid-client";
import { describe, expect, it } from "vitest";
import {
  browse,
  CALLBACK,
  CookieJar,
  callbackParams,
  createUser,
  decodePayload,
  LOGOUT,
  openSignInPageAt,
  postForm,
  suiteStack,
} from "./support.ts";

const stack = suiteStack();

/** openid-client's configuration from the pool's discovery document (http allowed: loopback). */
function discover(clientId: string, clientSecret?: string) {
  return oidc.discovery(
    new URL(`${stack.url}/${stack.poolId}`),
    clientId,
    undefined,
    clientSecret ? oidc.ClientSecretBasic(clientSecret) : oidc.None(),
    { execute: [oidc.allowInsecureRequests] },
  );
}

/** An authorization URL with code + PKCE (S256), as openid-client's documentation builds it, and its verifier. */
async function pkceAuthorizationUrl(config: oidc.Configuration, parameters: Record<string, string>) {
  const codeVerifier = oidc.randomPKCECodeVerifier();
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
    code_challenge_method: "S256",
    ...parameters,
  });
  return { url, codeVerifier };
}

/** The Hosted UI in a browser: open the authorization URL, submit the sign-in form, land on the callback. */
async function signInInBrowser(authorizationUrl: URL, username: string, password: string, jar = new CookieJar()) {
  const page = await openSignInPageAt(stack, authorizationUrl.toString(), jar);
  const callback = await postForm(stack, "/login", { flow: page.flow, username, password }, jar);
  return { callback: callbackParams(callback).url, page, jar };
}

describe("openid-client: the whole OIDC round trip", () => {
  it("discovers the provider, signs in with code + PKCE + nonce + state, validates the ID token, reads userinfo, refreshes, and logs out at end_session_endpoint", async () => {
    const user = await createUser(stack, { name: "Relying Party" });
    const config = await discover(stack.web.clientId);
    expect(config.serverMetadata().end_session_endpoint).toBe(`${stack.url}/logout`);

    const nonce = oidc.randomNonce();
    const state = oidc.randomState();
    const { url: authorizationUrl, codeVerifier } = await pkceAuthorizationUrl(config, {
      scope: "openid email profile",
      nonce,
      state,
      login_hint: user.email,
    });
    const { callback, page, jar } = await signInInBrowser(authorizationUrl, user.email, user.password);
    // login_hint filled in the sign-in name.
    expect(page.html).toContain(`value="${user.email}"`);

    // The library validates the ID token: signature-independent claims, and that its nonce is ours.
    const tokens = await oidc.authorizationCodeGrant(config, callback, {
      pkceCodeVerifier: codeVerifier,
      expectedNonce: nonce,
      expectedState: state,
      idTokenExpected: true,
    });
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: `${stack.url}/${stack.poolId}`,
      aud: stack.web.clientId,
      nonce,
      email: user.email,
      "cognito:username": user.username,
    });
    expect(tokens.token_type.toLowerCase()).toBe("bearer");
    expect(tokens.expiresIn()).toBeGreaterThan(3500);
    expect(decodePayload(tokens.access_token).scope).toBe("openid profile email");

    const info = await oidc.fetchUserInfo(config, tokens.access_token, claims.sub);
    expect(info).toMatchObject({ sub: claims.sub, email: user.email, email_verified: "true", name: "Relying Party" });

    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.claims()?.sub).toBe(claims.sub);
    expect(refreshed.claims()?.auth_time).toBe(claims.auth_time);
    expect(refreshed.refresh_token).toBeUndefined();

    // RP-initiated logout: AWS's /logout takes client_id (added by the library) and logout_uri.
    const endSession = oidc.buildEndSessionUrl(config, { logout_uri: LOGOUT });
    const loggedOut = await browse(endSession.toString(), jar);
    expect(loggedOut.status).toBe(302);
    expect(loggedOut.headers.get("location")).toBe(LOGOUT);
    // The Hosted UI session is over: the next sign-in shows the form again.
    const again = await openSignInPageAt(stack, authorizationUrl.toString(), jar);
    expect(again.html).toContain('name="password"');
  });

  it("signs in a confidential client (client_secret_basic) with the nonce alone: PKCE is optional, as on AWS", async () => {
    const user = await createUser(stack);
    const config = await discover(stack.confidential.clientId, stack.confidential.clientSecret);
    const nonce = oidc.randomNonce();
    const authorizationUrl = oidc.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK,
      scope: "openid email",
      nonce,
    });
    expect(authorizationUrl.searchParams.has("code_challenge")).toBe(false);
    const { callback } = await signInInBrowser(authorizationUrl, user.email, user.password);
    const tokens = await oidc.authorizationCodeGrant(config, callback, { expectedNonce: nonce, idTokenExpected: true });
    expect(tokens.claims()?.nonce).toBe(nonce);
    expect(tokens.claims()?.aud).toBe(stack.confidential.clientId);
  });

  it("rejects an ID token whose nonce is not the one the RP sent (the library's replay check fails against a wrong nonce)", async () => {
    const user = await createUser(stack);
    const config = await discover(stack.web.clientId);
    const { url: authorizationUrl, codeVerifier } = await pkceAuthorizationUrl(config, {
      scope: "openid",
      nonce: oidc.randomNonce(),
    });
    const { callback } = await signInInBrowser(authorizationUrl, user.email, user.password);
    await expect(
      oidc.authorizationCodeGrant(config, callback, {
        pkceCodeVerifier: codeVerifier,
        expectedNonce: oidc.randomNonce(),
        idTokenExpected: true,
      }),
    ).rejects.toMatchObject({
      code: "OAUTH_JWT_CLAIM_COMPARISON_FAILED",
      cause: { message: 'unexpected ID Token "nonce" claim value' },
    });
  });
});
