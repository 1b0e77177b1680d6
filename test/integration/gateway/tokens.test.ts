/**
 * The emulator's tokens as AWS mints them, against real cognito-local behind
 * the gateway: the claim layout of access and ID tokens (names, order, types)
 * beside AWS's documented examples, `origin_jti`, `jti`, `event_id`,
 * `version`, `at_hash`, `nonce`, `auth_time` across refreshes, the scopes a
 * sign-in is granted, the opaque refresh token, and revocation by
 * `origin_jti` that survives a restart.
 */
import {
  AdminAddUserToGroupCommand,
  AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand,
  ChangePasswordCommand,
  GetUserCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
  RevokeTokenCommand,
  UpdateUserAttributesCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { atHash } from "../../../cognito-local/gateway/token-minter.ts";
import { AWS_ACCESS_TOKEN_CLAIMS, AWS_ID_TOKEN_CLAIMS, without } from "../../support/aws-token-layouts.ts";
import {
  createClient,
  createUser,
  decodePayload,
  expectAwsError,
  hostedSignIn,
  refreshTokens,
  suiteStack,
  type TestUser,
  tokenRequest,
} from "./support.ts";

const stack = suiteStack();

const ADMIN_SCOPE = "aws.cognito.signin.user.admin";

async function passwordSignIn(user: TestUser, clientId = stack.web.clientId) {
  const { AuthenticationResult } = await stack.sdk.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  return AuthenticationResult!;
}

/** The Hosted UI sign-in and the code exchange, as an app does them. */
async function hostedTokens(user: TestUser, options: { clientId?: string; scope?: string; nonce?: string } = {}) {
  const clientId = options.clientId ?? stack.web.clientId;
  const { code, verifier } = await hostedSignIn(stack, {
    clientId,
    username: user.email,
    password: user.password,
    scope: options.scope,
    extra: options.nonce ? { nonce: options.nonce } : {},
  });
  const exchanged = await tokenRequest(stack, { code, verifier, clientId, auth: "none" });
  expect(exchanged.status, JSON.stringify(exchanged.body)).toBe(200);
  return exchanged.body as { access_token: string; id_token?: string; refresh_token: string; expires_in: number };
}

/** A user in the `users` group with a middle name, so tokens carry groups and an attribute of their own. */
async function groupedUser(): Promise<TestUser> {
  const user = await createUser(stack);
  await stack.sdk.send(
    new AdminAddUserToGroupCommand({ UserPoolId: stack.poolId, Username: user.email, GroupName: "users" }),
  );
  await stack.sdk.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: stack.poolId,
      Username: user.email,
      UserAttributes: [{ Name: "middle_name", Value: "Jane" }],
    }),
  );
  return user;
}

/** Each claim's JSON type ("array" for arrays). */
const types = (payload: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? "array" : typeof v]));

const decodeHeader = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[0]!, "base64url").toString("utf8"));

describe("the claim layout, beside AWS's documented examples", () => {
  // AWS's documented layouts, less device_key (remembered devices), cognito:preferred_role and
  // cognito:roles (IAM roles on groups) and identities (federation): not emulated here.
  const AWS_ACCESS = without(AWS_ACCESS_TOKEN_CLAIMS, "device_key");
  const AWS_ID = without(AWS_ID_TOKEN_CLAIMS, "cognito:preferred_role", "cognito:roles", "identities");

  it("AWS's Hosted UI access token has the documented claims, order and types; the emulator's does too", async () => {
    const tokens = await hostedTokens(await groupedUser(), { nonce: "n-0S6_WzA2Mj" });
    const access = decodePayload(tokens.access_token);
    expect(Object.keys(access)).toEqual(AWS_ACCESS);
    expect(types(access)).toEqual({
      sub: "string",
      "cognito:groups": "array",
      iss: "string",
      version: "number",
      client_id: "string",
      origin_jti: "string",
      event_id: "string",
      token_use: "string",
      scope: "string",
      auth_time: "number",
      exp: "number",
      iat: "number",
      jti: "string",
      username: "string",
    });
    expect(access).toMatchObject({ version: 2, token_use: "access", "cognito:groups": ["users"] });
    // AWS's header: the key id and the algorithm.
    expect(decodeHeader(tokens.access_token)).toEqual({ kid: "CognitoLocal", alg: "RS256" });
  });

  it("AWS's Hosted UI ID token has the documented claims, order and types (and at_hash first); the emulator's does too", async () => {
    const tokens = await hostedTokens(await groupedUser(), { nonce: "n-0S6_WzA2Mj" });
    const id = decodePayload(tokens.id_token!);
    expect(Object.keys(id)).toEqual(["at_hash", ...AWS_ID]);
    expect(types(id)).toMatchObject({
      at_hash: "string",
      "cognito:groups": "array",
      email_verified: "boolean",
      middle_name: "string",
      nonce: "string",
      auth_time: "number",
      exp: "number",
      iat: "number",
    });
    expect(decodeHeader(tokens.id_token!)).toEqual({ kid: "CognitoLocal", alg: "RS256" });
  });

  it("AWS's API sign-in tokens: the same claims less version (access) and nonce and at_hash (ID); the emulator's too", async () => {
    const tokens = await passwordSignIn(await groupedUser());
    expect(Object.keys(decodePayload(tokens.AccessToken!))).toEqual(AWS_ACCESS.filter((c) => c !== "version"));
    expect(Object.keys(decodePayload(tokens.IdToken!))).toEqual(AWS_ID.filter((c) => c !== "nonce"));
  });
});

describe("token identifiers, lifetimes and the refresh token", () => {
  it("AWS: access and ID tokens of one sign-in share origin_jti and event_id, each has its own jti; the emulator's too", async () => {
    const tokens = await passwordSignIn(await createUser(stack));
    const access = decodePayload(tokens.AccessToken!);
    const id = decodePayload(tokens.IdToken!);
    expect(access.origin_jti).toBe(id.origin_jti);
    expect(access.event_id).toBe(id.event_id);
    expect(access.jti).not.toBe(id.jti);
    // Another sign-in of the same user is another origin.
    const other = decodePayload((await passwordSignIn(await createUser(stack))).AccessToken!);
    expect(other.origin_jti).not.toBe(access.origin_jti);
    // A refresh keeps origin_jti (it descends from the same sign-in) and mints new jti and event_id.
    const refreshed = decodePayload(
      (await refreshTokens(stack, tokens.RefreshToken!)).AuthenticationResult!.AccessToken!,
    );
    expect(refreshed.origin_jti).toBe(access.origin_jti);
    expect(refreshed.jti).not.toBe(access.jti);
    expect(refreshed.event_id).not.toBe(access.event_id);
  });

  it("AWS's refresh tokens are opaque, encrypted JWTs (~1.8 KB, five segments); the emulator's are shaped and sized alike", async () => {
    const { RefreshToken } = await passwordSignIn(await createUser(stack));
    const segments = RefreshToken!.split(".");
    expect(segments).toHaveLength(5);
    expect(decodeHeader(RefreshToken!)).toEqual({ cty: "JWT", enc: "A256GCM", alg: "RSA-OAEP" });
    // A 2048-bit RSA-OAEP key, a 96-bit IV, a 128-bit tag.
    expect([segments[1]!.length, segments[2]!.length, segments[4]!.length]).toEqual([342, 16, 22]);
    expect(RefreshToken!.length).toBe(1800);
    // Nothing inside reads as JSON: it says nothing of the user.
    expect(() => JSON.parse(Buffer.from(segments[3]!, "base64url").toString("utf8"))).toThrow();
  });

  it("AWS: ExpiresIn is the access token's lifetime (an hour by default); the emulator's too", async () => {
    const client = await createClient(stack);
    const tokens = await passwordSignIn(await createUser(stack), client.clientId);
    const access = decodePayload(tokens.AccessToken!);
    expect(tokens.ExpiresIn).toBe(3600);
    expect((access.exp as number) - (access.iat as number)).toBe(3600);
  });
});

describe("auth_time and nonce", () => {
  it("AWS: on refreshes auth_time is the original authentication's time, not the token's; the emulator's too (API and token endpoint)", async () => {
    const user = await createUser(stack);
    const api = await passwordSignIn(user);
    const hosted = await hostedTokens(user);
    await new Promise((r) => setTimeout(r, 1_100));
    const refreshed = (await refreshTokens(stack, api.RefreshToken!)).AuthenticationResult!;
    for (const token of [refreshed.AccessToken!, refreshed.IdToken!]) {
      expect(decodePayload(token).auth_time).toBe(decodePayload(api.AccessToken!).auth_time);
      expect(decodePayload(token).iat).toBeGreaterThan(decodePayload(token).auth_time as number);
    }
    const viaEndpoint = await tokenRequest(stack, {
      grantType: "refresh_token",
      refreshToken: hosted.refresh_token,
      clientId: stack.web.clientId,
      auth: "none",
    });
    expect(decodePayload(viaEndpoint.body.access_token as string).auth_time).toBe(
      decodePayload(hosted.access_token).auth_time,
    );
  });

  it("AWS copies the authorization request's nonce into the ID token, and only there; the emulator too", async () => {
    const user = await createUser(stack);
    const withNonce = await hostedTokens(user, { nonce: "a-nonce-of-the-app" });
    expect(decodePayload(withNonce.id_token!).nonce).toBe("a-nonce-of-the-app");
    expect(decodePayload(withNonce.access_token).nonce).toBeUndefined();
    const without = await hostedTokens(user);
    expect(decodePayload(without.id_token!)).not.toHaveProperty("nonce");
    // A refreshed ID token is not an answer to that request.
    const refreshed = await refreshTokens(stack, withNonce.refresh_token);
    expect(decodePayload(refreshed.AuthenticationResult!.IdToken!)).not.toHaveProperty("nonce");
  });

  it("OIDC's at_hash is the left half of the access token's SHA-256; the emulator's ID token carries the one of the access token beside it", async () => {
    const tokens = await hostedTokens(await createUser(stack));
    expect(decodePayload(tokens.id_token!).at_hash).toBe(atHash(tokens.access_token));
  });
});

describe("scopes", () => {
  it("AWS: API sign-ins carry aws.cognito.signin.user.admin; Hosted UI tokens the OAuth scopes granted, in AWS's order", async () => {
    const user = await createUser(stack);
    expect(decodePayload((await passwordSignIn(user)).AccessToken!).scope).toBe(ADMIN_SCOPE);
    const hosted = await hostedTokens(user, { scope: "openid email profile" });
    expect(decodePayload(hosted.access_token).scope).toBe("openid profile email");
    // Refreshes keep the scopes granted, by the API or the token endpoint.
    const refreshed = await refreshTokens(stack, hosted.refresh_token);
    expect(decodePayload(refreshed.AuthenticationResult!.AccessToken!).scope).toBe("openid profile email");
  });

  it("AWS grants aws.cognito.signin.user.admin only when asked and allowed, and then its token works on the user's own API; the emulator too", async () => {
    const client = await createClient(stack, { AllowedOAuthScopes: ["openid", "email", "profile", ADMIN_SCOPE] });
    const user = await createUser(stack);
    const without = await hostedTokens(user, { clientId: client.clientId, scope: "openid email" });
    expect(decodePayload(without.access_token).scope).toBe("openid email");
    // AWS: "The access token can be only used against Amazon Cognito user pools if aws.cognito.signin.user.admin scope is requested."
    await expectAwsError(
      stack.sdk.send(new GetUserCommand({ AccessToken: without.access_token })),
      NotAuthorizedException,
      "Access Token does not have required scopes",
    );
    await expectAwsError(
      stack.sdk.send(
        new UpdateUserAttributesCommand({
          AccessToken: without.access_token,
          UserAttributes: [{ Name: "name", Value: "Not Allowed" }],
        }),
      ),
      NotAuthorizedException,
      "Access Token does not have required scopes",
    );
    const withAdmin = await hostedTokens(user, { clientId: client.clientId, scope: `openid email ${ADMIN_SCOPE}` });
    expect(decodePayload(withAdmin.access_token).scope).toBe(`${ADMIN_SCOPE} openid email`);
    const me = await stack.sdk.send(new GetUserCommand({ AccessToken: withAdmin.access_token }));
    expect(me.Username).toBe(user.username);
  });

  it("AWS: 'An ID token is only returned if openid scope is requested'; the emulator's token endpoint too", async () => {
    const client = await createClient(stack, { AllowedOAuthScopes: ["openid", "email", ADMIN_SCOPE] });
    const tokens = await hostedTokens(await createUser(stack), { clientId: client.clientId, scope: ADMIN_SCOPE });
    expect(tokens).not.toHaveProperty("id_token");
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
  });
});

describe("userInfo", () => {
  async function userInfo(accessToken: string) {
    const res = await fetch(`${stack.url}/oauth2/userInfo`, { headers: { authorization: `Bearer ${accessToken}` } });
    return { status: res.status, body: await res.json(), challenge: res.headers.get("www-authenticate") };
  }

  it("AWS: userInfo needs an access token with the openid scope (an API sign-in's has none); the emulator too", async () => {
    const { AccessToken } = await passwordSignIn(await createUser(stack));
    const refused = await userInfo(AccessToken!);
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe("invalid_token");
    expect(refused.challenge).toContain("Access token does not contain openid scope");
  });

  it("AWS answers userInfo per scope: openid alone every attribute, email its two, profile the profile ones (values as strings); the emulator too", async () => {
    const client = await createClient(stack, { AllowedOAuthScopes: ["openid", "email", "profile", "phone"] });
    const user = await createUser(stack, { name: "Jane Example" });
    const as = async (scope: string) =>
      (await userInfo((await hostedTokens(user, { clientId: client.clientId, scope })).access_token)).body;
    const base = { sub: expect.any(String), username: user.username };
    expect(await as("openid")).toEqual({ ...base, email: user.email, email_verified: "true", name: "Jane Example" });
    expect(await as("openid email")).toEqual({ ...base, email: user.email, email_verified: "true" });
    expect(await as("openid profile")).toEqual({ ...base, name: "Jane Example" });
  });
});

describe("revocation by origin_jti", () => {
  it("AWS's RevokeToken ends every access token descended from the refresh token (same origin_jti) on every token-authorised call, and no other sign-in's; the emulator too", async () => {
    const user = await createUser(stack);
    const revoked = await passwordSignIn(user);
    const descendant = (await refreshTokens(stack, revoked.RefreshToken!)).AuthenticationResult!;
    const untouched = await passwordSignIn(user);

    await stack.sdk.send(new RevokeTokenCommand({ ClientId: stack.web.clientId, Token: revoked.RefreshToken }));

    for (const token of [revoked.AccessToken!, descendant.AccessToken!]) {
      for (const call of [
        new GetUserCommand({ AccessToken: token }),
        new UpdateUserAttributesCommand({ AccessToken: token, UserAttributes: [{ Name: "name", Value: "x" }] }),
        new ChangePasswordCommand({
          AccessToken: token,
          PreviousPassword: user.password,
          ProposedPassword: "Pw-0ther!x",
        }),
      ]) {
        await expectAwsError(
          stack.sdk.send(call as GetUserCommand),
          NotAuthorizedException,
          "Access Token has been revoked",
        );
      }
    }
    expect((await stack.sdk.send(new GetUserCommand({ AccessToken: untouched.AccessToken }))).Username).toBe(
      user.username,
    );
    await expectAwsError(
      refreshTokens(stack, revoked.RefreshToken!),
      NotAuthorizedException,
      "Refresh Token has been revoked",
    );
  });

  it("revocations survive an emulator restart: RevokeToken's and AdminUserGlobalSignOut's access tokens stay refused, other sign-ins keep working", async () => {
    const revokedUser = await createUser(stack);
    const signedOutUser = await createUser(stack);
    const keptUser = await createUser(stack);
    const revoked = await passwordSignIn(revokedUser);
    const signedOut = await passwordSignIn(signedOutUser);
    const kept = await passwordSignIn(keptUser);
    await stack.sdk.send(new RevokeTokenCommand({ ClientId: stack.web.clientId, Token: revoked.RefreshToken }));
    await stack.sdk.send(
      new AdminUserGlobalSignOutCommand({ UserPoolId: stack.poolId, Username: signedOutUser.email }),
    );

    await stack.restart();

    for (const tokens of [revoked, signedOut]) {
      await expectAwsError(
        stack.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })),
        NotAuthorizedException,
        "Access Token has been revoked",
      );
      await expectAwsError(
        refreshTokens(stack, tokens.RefreshToken!),
        NotAuthorizedException,
        "Refresh Token has been revoked",
      );
    }
    expect((await stack.sdk.send(new GetUserCommand({ AccessToken: kept.AccessToken }))).Username).toBe(
      keptUser.username,
    );
    const refreshed = await refreshTokens(stack, kept.RefreshToken!);
    expect(decodePayload(refreshed.AuthenticationResult!.AccessToken!).origin_jti).toBe(
      decodePayload(kept.AccessToken!).origin_jti,
    );
  });
});
