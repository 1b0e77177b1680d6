import {
  AdminAddUserToGroupCommand,
  AdminConfirmSignUpCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminUpdateUserAttributesCommand,
  AssociateSoftwareTokenCommand,
  CodeMismatchException,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  FeatureUnavailableInTierException,
  GetTokensFromRefreshTokenCommand,
  GetUserCommand,
  GetUserPoolMfaConfigCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  NotAuthorizedException,
  RefreshTokenReuseException,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SetUserMFAPreferenceCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  UpdateUserPoolCommand,
  UserNotFoundException,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { describe, expect, it } from "vitest";
import { freePort } from "../../../cognito-local/free-port.ts";
import { type RunningGateway, startGateway } from "../../../cognito-local/gateway/index.ts";
import { startPrivateEmulator } from "../../support/emulator.ts";
import { waitUntil } from "../../support/wait.ts";
import {
  codeSentTo,
  createClient,
  createUser,
  decodePayload,
  expectAwsError,
  refreshTokens,
  sdk,
  secretHash,
  suiteStack,
  type TestUser,
  tokenRequest,
  totpCode,
  uniqueEmail,
} from "./support.ts";

const stack = suiteStack();

function userAuth(params: Record<string, string>, clientId = stack.web.clientId, session?: string) {
  return stack.sdk.send(
    new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_AUTH", AuthParameters: params, Session: session }),
  );
}

function respond(
  challengeName: string,
  session: string | undefined,
  responses: Record<string, string>,
  clientId = stack.web.clientId,
) {
  return stack.sdk.send(
    new RespondToAuthChallengeCommand({
      ClientId: clientId,
      ChallengeName: challengeName as never,
      Session: session,
      ChallengeResponses: responses,
    }),
  );
}

/** Asks for an email code and returns the session and the code printed in the emulator's log. */
async function emailCode(user: { email: string }, clientId = stack.web.clientId) {
  const since = stack.logs.length;
  const started = await userAuth({ USERNAME: user.email, PREFERRED_CHALLENGE: "EMAIL_OTP" }, clientId);
  expect(started.ChallengeName).toBe("EMAIL_OTP");
  const code = await codeSentTo(stack, user.email, since);
  return { session: started.Session!, code, started };
}

async function signInWithEmailCode(user: { email: string }) {
  const { session, code } = await emailCode(user);
  const done = await respond("EMAIL_OTP", session, { USERNAME: user.email, EMAIL_OTP_CODE: code });
  return done.AuthenticationResult!;
}

/** A user pool of its own, with one app client allowing USER_AUTH. */
async function poolWith(options: { factors?: string[]; tier?: "LITE" | "ESSENTIALS" | "PLUS"; mfa?: "ON" } = {}) {
  const { UserPool } = await stack.sdk.send(
    new CreateUserPoolCommand({
      PoolName: `user-auth-${Date.now().toString(36)}`,
      UsernameAttributes: ["email"],
      AutoVerifiedAttributes: ["email"],
      UserPoolTier: options.tier,
      Policies: options.factors ? { SignInPolicy: { AllowedFirstAuthFactors: options.factors as never } } : undefined,
      MfaConfiguration: options.mfa,
    }),
  );
  const { UserPoolClient } = await stack.sdk.send(
    new CreateUserPoolClientCommand({
      UserPoolId: UserPool!.Id!,
      ClientName: "user-auth",
      ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
      PreventUserExistenceErrors: "ENABLED",
    }),
  );
  return { poolId: UserPool!.Id!, clientId: UserPoolClient!.ClientId! };
}

describe("the pool's sign-in policy and feature plan", () => {
  it("AWS describes a pool with SignInPolicy PASSWORD only and UserPoolTier ESSENTIALS by default; the gateway does too", async () => {
    const { poolId } = await poolWith();
    const { UserPool } = await stack.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(UserPool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors).toEqual(["PASSWORD"]);
    expect(UserPool?.UserPoolTier).toBe("ESSENTIALS");
  });

  it("AWS keeps the SignInPolicy and tier set by CreateUserPool and UpdateUserPool; the gateway does too", async () => {
    const { poolId } = await poolWith({ factors: ["PASSWORD", "EMAIL_OTP"], tier: "PLUS" });
    let { UserPool } = await stack.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
    expect(UserPool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors).toEqual(["PASSWORD", "EMAIL_OTP"]);
    expect(UserPool?.UserPoolTier).toBe("PLUS");
    await stack.sdk.send(
      new UpdateUserPoolCommand({
        UserPoolId: poolId,
        UserPoolTier: "LITE",
        Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "WEB_AUTHN"] } },
      }),
    );
    ({ UserPool } = await stack.sdk.send(new DescribeUserPoolCommand({ UserPoolId: poolId })));
    expect(UserPool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors).toEqual(["PASSWORD", "WEB_AUTHN"]);
    expect(UserPool?.UserPoolTier).toBe("LITE");
  });

  it("AWS refuses a SignInPolicy without PASSWORD or with unknown factors (InvalidParameterException); the gateway does too", async () => {
    const create = (factors: string[]) =>
      stack.sdk.send(
        new CreateUserPoolCommand({
          PoolName: "bad-policy",
          Policies: { SignInPolicy: { AllowedFirstAuthFactors: factors as never } },
        }),
      );
    await expectAwsError(create(["EMAIL_OTP"]), InvalidParameterException);
    await expectAwsError(create(["PASSWORD", "CARRIER_PIGEON"]), InvalidParameterException);
    await expectAwsError(create([]), InvalidParameterException);
  });

  it("AWS keeps WebAuthnConfiguration set with SetUserPoolMfaConfig and shows it in GetUserPoolMfaConfig; the gateway does too", async () => {
    const { poolId } = await poolWith({ factors: ["PASSWORD", "WEB_AUTHN"] });
    const before = await stack.sdk.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
    expect(before.WebAuthnConfiguration?.RelyingPartyId).toBeUndefined();
    expect(before.WebAuthnConfiguration?.UserVerification).toBe("preferred");
    const set = await stack.sdk.send(
      new SetUserPoolMfaConfigCommand({
        UserPoolId: poolId,
        WebAuthnConfiguration: { RelyingPartyId: "auth.example.com", UserVerification: "required" },
      }),
    );
    expect(set.WebAuthnConfiguration).toMatchObject({
      RelyingPartyId: "auth.example.com",
      UserVerification: "required",
    });
    const after = await stack.sdk.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
    expect(after.WebAuthnConfiguration).toMatchObject({
      RelyingPartyId: "auth.example.com",
      UserVerification: "required",
    });
    await expectAwsError(
      stack.sdk.send(
        new SetUserPoolMfaConfigCommand({
          UserPoolId: poolId,
          WebAuthnConfiguration: { UserVerification: "sometimes" as never },
        }),
      ),
      InvalidParameterException,
    );
    await expectAwsError(
      stack.sdk.send(
        new SetUserPoolMfaConfigCommand({
          UserPoolId: poolId,
          WebAuthnConfiguration: { RelyingPartyId: "https://auth.example.com" },
        }),
      ),
      InvalidParameterException,
    );
  });

  it("AWS keeps an app client's RefreshTokenRotation and validates it; the gateway does too", async () => {
    const { poolId } = await poolWith();
    const { UserPoolClient } = await stack.sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: "rotating",
        ExplicitAuthFlows: ["ALLOW_USER_AUTH"],
        RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 10 },
      }),
    );
    expect(UserPoolClient?.RefreshTokenRotation).toEqual({ Feature: "ENABLED", RetryGracePeriodSeconds: 10 });
    const described = await stack.sdk.send(
      new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: UserPoolClient!.ClientId }),
    );
    expect(described.UserPoolClient?.RefreshTokenRotation).toEqual({ Feature: "ENABLED", RetryGracePeriodSeconds: 10 });
    await expectAwsError(
      stack.sdk.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: "bad-rotation",
          RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: 61 },
        }),
      ),
      InvalidParameterException,
    );
  });
});

describe("USER_AUTH: who may use it", () => {
  it("AWS refuses USER_AUTH unless the client allows ALLOW_USER_AUTH (InvalidParameterException); the gateway does too", async () => {
    const { clientId } = await createClient(stack, { ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"] });
    await expectAwsError(
      userAuth({ USERNAME: "demo@example.com" }, clientId),
      InvalidParameterException,
      "USER_AUTH flow not enabled for this client",
    );
    // And a client with no flows set gets AWS's defaults, which do not include it.
    const { clientId: defaults } = await createClient(stack, { ExplicitAuthFlows: undefined });
    await expectAwsError(userAuth({ USERNAME: "demo@example.com" }, defaults), InvalidParameterException);
  });

  it("AWS offers USER_AUTH only from the Essentials tier up (FeatureUnavailableInTierException on Lite); the gateway does too", async () => {
    const { clientId } = await poolWith({ tier: "LITE" });
    await expectAwsError(userAuth({ USERNAME: "someone@example.com" }, clientId), FeatureUnavailableInTierException);
  });

  it("AWS requires SECRET_HASH with USER_AUTH for a client with a secret; the gateway does too", async () => {
    const { clientId, clientSecret } = stack.confidential;
    await expectAwsError(
      userAuth({ USERNAME: "demo@example.com" }, clientId),
      NotAuthorizedException,
      `Client ${clientId} is configured with secret but SECRET_HASH was not received`,
    );
    const hash = secretHash("demo@example.com", clientId, clientSecret);
    const done = await userAuth(
      { USERNAME: "demo@example.com", PREFERRED_CHALLENGE: "PASSWORD", PASSWORD: "DemoPassw0rd!", SECRET_HASH: hash },
      clientId,
    );
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });
});

describe("USER_AUTH: SELECT_CHALLENGE and PASSWORD", () => {
  it("AWS answers USER_AUTH without PREFERRED_CHALLENGE with SELECT_CHALLENGE and the user's AvailableChallenges; the gateway does too", async () => {
    const user = await createUser(stack);
    const started = await userAuth({ USERNAME: user.email });
    expect(started.ChallengeName).toBe("SELECT_CHALLENGE");
    expect(started.Session).toBeTruthy();
    // The seeded pool allows PASSWORD, EMAIL_OTP and WEB_AUTHN; this user has a
    // password (offered as PASSWORD and PASSWORD_SRP) and a verified email, no passkey.
    expect([...(started.AvailableChallenges ?? [])].sort()).toEqual(["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"]);
  });

  it("AWS lists only the factors the pool allows; the gateway does too", async () => {
    const passwordOnly = await poolWith({ factors: ["PASSWORD"] });
    const email = await confirmedUserIn(passwordOnly);
    const started = await userAuth({ USERNAME: email }, passwordOnly.clientId);
    expect(started.AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP"]);
    // The same kind of user where email codes are allowed has both.
    const withCodes = await poolWith({ factors: ["PASSWORD", "EMAIL_OTP"] });
    const other = await confirmedUserIn(withCodes);
    const both = await userAuth({ USERNAME: other }, withCodes.clientId);
    expect([...(both.AvailableChallenges ?? [])].sort()).toEqual(["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"]);
    // An email code is not offered, so preferring one still lists the choices.
    const preferred = await userAuth({ USERNAME: email, PREFERRED_CHALLENGE: "EMAIL_OTP" }, passwordOnly.clientId);
    expect(preferred.ChallengeName).toBe("SELECT_CHALLENGE");
  });

  it("AWS signs in with ANSWER=PASSWORD and PASSWORD in one SELECT_CHALLENGE response; the gateway does too", async () => {
    const user = await createUser(stack);
    const started = await userAuth({ USERNAME: user.email });
    const done = await respond("SELECT_CHALLENGE", started.Session, {
      USERNAME: user.email,
      ANSWER: "PASSWORD",
      PASSWORD: user.password,
    });
    expect(done.AuthenticationResult).toMatchObject({
      AccessToken: expect.any(String),
      IdToken: expect.any(String),
      RefreshToken: expect.any(String),
      ExpiresIn: 3600,
      TokenType: "Bearer",
    });
  });

  it("AWS signs in with PREFERRED_CHALLENGE=PASSWORD and PASSWORD in InitiateAuth itself (one step); the gateway does too", async () => {
    const user = await createUser(stack);
    const done = await userAuth({ USERNAME: user.email, PREFERRED_CHALLENGE: "PASSWORD", PASSWORD: user.password });
    expect(done.ChallengeName).toBeUndefined();
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
    // Its refresh token refreshes, like any password sign-in's.
    const refreshed = await refreshTokens(stack, done.AuthenticationResult!.RefreshToken!);
    expect(refreshed.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS answers a wrong password, and an unknown user, with 'Incorrect username or password.'; the gateway does too", async () => {
    const user = await createUser(stack);
    const wrong = await userAuth({ USERNAME: user.email });
    await expectAwsError(
      respond("SELECT_CHALLENGE", wrong.Session, {
        USERNAME: user.email,
        ANSWER: "PASSWORD",
        PASSWORD: "Wrong-Passw0rd",
      }),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
    await expectAwsError(
      userAuth({ USERNAME: "nobody@example.com", PREFERRED_CHALLENGE: "PASSWORD", PASSWORD: "Wrong-Passw0rd" }),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
  });

  it("AWS asks for TOTP after a password when the user has MFA, through USER_AUTH too; the gateway does too", async () => {
    const user = await createUser(stack);
    const secret = await enrolTotp(user);
    const started = await userAuth({ USERNAME: user.email, PREFERRED_CHALLENGE: "PASSWORD", PASSWORD: user.password });
    expect(started.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
    const done = await respond("SOFTWARE_TOKEN_MFA", started.Session, {
      USERNAME: started.ChallengeParameters!.USER_ID_FOR_SRP!,
      SOFTWARE_TOKEN_MFA_CODE: totpCode(secret),
    });
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS asks a user with a temporary password for a new one after USER_AUTH's PASSWORD, and offers them nothing else; the gateway does too", async () => {
    const user = await createUser(stack, { temporary: true });
    const started = await userAuth({ USERNAME: user.email });
    expect(started.AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP"]);
    const next = await respond("SELECT_CHALLENGE", started.Session, {
      USERNAME: user.email,
      ANSWER: "PASSWORD",
      PASSWORD: user.password,
    });
    expect(next.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
  });

  it("AWS refuses an ANSWER that is not among the AvailableChallenges, and a Session from another client; the gateway does too", async () => {
    const user = await createUser(stack);
    const started = await userAuth({ USERNAME: user.email });
    await expectAwsError(
      respond("SELECT_CHALLENGE", started.Session, { USERNAME: user.email, ANSWER: "WEB_AUTHN" }),
      InvalidParameterException,
    );
    const other = await createClient(stack, { ExplicitAuthFlows: ["ALLOW_USER_AUTH"] });
    await expectAwsError(
      respond(
        "SELECT_CHALLENGE",
        started.Session,
        { USERNAME: user.email, ANSWER: "PASSWORD", PASSWORD: user.password },
        other.clientId,
      ),
      NotAuthorizedException,
      "Invalid session for the user, session is expired.",
    );
  });

  it("AWS falls back to SELECT_CHALLENGE when the user lacks the preferred factor (a passkey); the gateway does too", async () => {
    const user = await createUser(stack);
    const started = await userAuth({ USERNAME: user.email, PREFERRED_CHALLENGE: "WEB_AUTHN" });
    expect(started.ChallengeName).toBe("SELECT_CHALLENGE");
    expect(started.AvailableChallenges).not.toContain("WEB_AUTHN");
  });
});

describe("USER_AUTH: EMAIL_OTP", () => {
  it("AWS sends a code by email and answers with EMAIL_OTP and the masked destination; the gateway prints the code in its log", async () => {
    const user = await createUser(stack);
    const { started, code } = await emailCode(user);
    expect(started.ChallengeParameters).toEqual({
      CODE_DELIVERY_DELIVERY_MEDIUM: "EMAIL",
      CODE_DELIVERY_DESTINATION: `${user.email[0]}***@e***`,
    });
    expect(code).toMatch(/^\d{8}$/);
  });

  it("AWS signs in with the right EMAIL_OTP_CODE; the gateway does too, through SELECT_CHALLENGE as well", async () => {
    const user = await createUser(stack);
    const tokens = await signInWithEmailCode(user);
    expect(tokens).toMatchObject({
      AccessToken: expect.any(String),
      RefreshToken: expect.any(String),
      ExpiresIn: 3600,
    });
    expect(decodePayload(tokens.IdToken!).email).toBe(user.email);

    const since = stack.logs.length;
    const started = await userAuth({ USERNAME: user.email });
    const chosen = await respond("SELECT_CHALLENGE", started.Session, { USERNAME: user.email, ANSWER: "EMAIL_OTP" });
    expect(chosen.ChallengeName).toBe("EMAIL_OTP");
    const code = await codeSentTo(stack, user.email, since);
    const done = await respond("EMAIL_OTP", chosen.Session, { USERNAME: user.email, EMAIL_OTP_CODE: code });
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS answers a wrong code with CodeMismatchException and lets the user try again, a few times; the gateway does too", async () => {
    const user = await createUser(stack);
    const { session, code } = await emailCode(user);
    const wrong = code === "00000000" ? "11111111" : "00000000";
    await expectAwsError(
      respond("EMAIL_OTP", session, { USERNAME: user.email, EMAIL_OTP_CODE: wrong }),
      CodeMismatchException,
    );
    const done = await respond("EMAIL_OTP", session, { USERNAME: user.email, EMAIL_OTP_CODE: code });
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS spends the session after repeated wrong codes: even the right code is refused then; the gateway does too (after 3)", async () => {
    const user = await createUser(stack);
    const { session, code } = await emailCode(user);
    const wrong = code === "00000000" ? "11111111" : "00000000";
    for (let i = 0; i < 3; i++) {
      await expectAwsError(
        respond("EMAIL_OTP", session, { USERNAME: user.email, EMAIL_OTP_CODE: wrong }),
        CodeMismatchException,
      );
    }
    await expectAwsError(
      respond("EMAIL_OTP", session, { USERNAME: user.email, EMAIL_OTP_CODE: code }),
      NotAuthorizedException,
      "Invalid session for the user, session is expired.",
    );
  });

  it("AWS accepts a code once: the same session and code are refused after sign-in; the gateway does too", async () => {
    const user = await createUser(stack);
    const { session, code } = await emailCode(user);
    await respond("EMAIL_OTP", session, { USERNAME: user.email, EMAIL_OTP_CODE: code });
    await expectAwsError(
      respond("EMAIL_OTP", session, { USERNAME: user.email, EMAIL_OTP_CODE: code }),
      NotAuthorizedException,
      "Invalid session for the user, session is expired.",
    );
  });

  it("AWS refuses a code whose session has expired; the gateway does too", async () => {
    // A second gateway in front of the same cognito-local, with 1-second sessions.
    const logs: string[] = [];
    const quick: RunningGateway = await startGateway({
      upstreamUrl: stack.upstreamUrl,
      port: await freePort(),
      challengeTtlMs: 1000,
      log: (line) => logs.push(line),
    });
    try {
      const client = sdk(quick.url);
      const user = await createUser(stack);
      const started = await client.send(
        new InitiateAuthCommand({
          ClientId: stack.web.clientId,
          AuthFlow: "USER_AUTH",
          AuthParameters: { USERNAME: user.email, PREFERRED_CHALLENGE: "EMAIL_OTP" },
        }),
      );
      const startedAt = Date.now();
      const code = /Code: (\d+)/.exec(logs.join("\n"))![1]!;
      await waitUntil(() => Date.now() > startedAt + 1200, 10_000);
      await expectAwsError(
        client.send(
          new RespondToAuthChallengeCommand({
            ClientId: stack.web.clientId,
            ChallengeName: "EMAIL_OTP",
            Session: started.Session,
            ChallengeResponses: { USERNAME: user.email, EMAIL_OTP_CODE: code },
          }),
        ),
        NotAuthorizedException,
        "Invalid session for the user, session is expired.",
      );
    } finally {
      await quick.stop();
    }
  });

  it("AWS gives an unknown user the same choices and a made-up destination, and no code works (user-existence errors prevented); the gateway does too", async () => {
    const started = await userAuth({ USERNAME: "nobody-otp@example.com" });
    expect([...(started.AvailableChallenges ?? [])].sort()).toEqual(["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"]);
    const chosen = await respond("SELECT_CHALLENGE", started.Session, {
      USERNAME: "nobody-otp@example.com",
      ANSWER: "EMAIL_OTP",
    });
    expect(chosen.ChallengeParameters?.CODE_DELIVERY_DESTINATION).toBe("n***@e***");
    await expectAwsError(
      respond("EMAIL_OTP", chosen.Session, { USERNAME: "nobody-otp@example.com", EMAIL_OTP_CODE: "12345678" }),
      CodeMismatchException,
    );
    const legacy = await createClient(stack, {
      ExplicitAuthFlows: ["ALLOW_USER_AUTH"],
      PreventUserExistenceErrors: "LEGACY",
    });
    await expectAwsError(
      userAuth({ USERNAME: "nobody-otp@example.com" }, legacy.clientId),
      UserNotFoundException,
      "User does not exist.",
    );
  });

  it("AWS refuses a disabled user's right code with 'User is disabled.'; the gateway does too", async () => {
    const user = await createUser(stack);
    const { session, code } = await emailCode(user);
    await stack.sdk.send(new AdminDisableUserCommand({ UserPoolId: stack.poolId, Username: user.email }));
    await expectAwsError(
      respond("EMAIL_OTP", session, { USERNAME: user.email, EMAIL_OTP_CODE: code }),
      NotAuthorizedException,
      "User is disabled.",
    );
  });

  it("AWS does not offer passwordless factors in a pool that requires MFA; the gateway does not either", async () => {
    const required = await poolWith({ factors: ["PASSWORD", "EMAIL_OTP"], mfa: "ON" });
    const { UserPool } = await stack.sdk.send(new DescribeUserPoolCommand({ UserPoolId: required.poolId }));
    expect(UserPool?.MfaConfiguration).toBe("ON");
    const email = await confirmedUserIn(required);
    const started = await userAuth({ USERNAME: email }, required.clientId);
    expect(started.AvailableChallenges).toEqual(["PASSWORD", "PASSWORD_SRP"]);
  });
});

describe("tokens from a passwordless sign-in", () => {
  it("AWS's tokens verify against the pool's JWKS whatever the factor; the gateway's minted ones do too, with aws-jwt-verify as the app uses it", async () => {
    const user = await createUser(stack);
    const tokens = await signInWithEmailCode(user);
    const issuer = `${stack.url}/${stack.poolId}`;
    const jwksCache = new SimpleJwksCache({
      fetcher: { fetch: async (uri: string) => (await fetch(uri)).arrayBuffer() },
    });
    const clientId = stack.web.clientId;
    const common = { issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
    const id = await JwtVerifier.create(
      {
        ...common,
        audience: clientId,
        customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: "id", clientId }),
      },
      { jwksCache },
    ).verify(tokens.IdToken!);
    expect(id.email).toBe(user.email);
    const access = await JwtVerifier.create(
      {
        ...common,
        audience: null,
        customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: "access", clientId }),
      },
      { jwksCache },
    ).verify(tokens.AccessToken!);
    expect(access.username).toBe(user.username);
  });

  it("AWS lays out every sign-in's tokens alike; the emulator's password and email-code sign-ins do too (same header, claims in the same order, opaque refresh tokens of one shape)", async () => {
    const user = await createUser(stack);
    await stack.sdk.send(
      new AdminAddUserToGroupCommand({ UserPoolId: stack.poolId, Username: user.email, GroupName: "users" }),
    );
    const password = await userAuth({ USERNAME: user.email, PREFERRED_CHALLENGE: "PASSWORD", PASSWORD: user.password });
    const emailed = await signInWithEmailCode(user);
    const theirs = password.AuthenticationResult!;
    for (const kind of ["AccessToken", "IdToken"] as const) {
      expect(decodeHeader(emailed[kind]!), kind).toEqual(decodeHeader(theirs[kind]!));
      expect(Object.keys(decodePayload(emailed[kind]!)), kind).toEqual(Object.keys(decodePayload(theirs[kind]!)));
    }
    const segmentLengths = (token: string) => token.split(".").map((segment) => segment.length);
    expect(segmentLengths(emailed.RefreshToken!)).toEqual(segmentLengths(theirs.RefreshToken!));
    expect(decodeHeader(emailed.RefreshToken!)).toEqual(decodeHeader(theirs.RefreshToken!));
    const access = decodePayload(emailed.AccessToken!);
    expect(access).toMatchObject({
      "cognito:groups": ["users"],
      client_id: stack.web.clientId,
      username: user.username,
      token_use: "access",
      iss: `${stack.url}/${stack.poolId}`,
    });
    // The same lifetimes.
    const mine = decodePayload(emailed.IdToken!);
    const ref = decodePayload(theirs.IdToken!);
    expect((mine.exp as number) - (mine.iat as number)).toBe((ref.exp as number) - (ref.iat as number));
  });

  it("AWS's passwordless refresh token works for REFRESH_TOKEN_AUTH, keeping auth_time; the gateway's does too", async () => {
    const user = await createUser(stack);
    const tokens = await signInWithEmailCode(user);
    const refreshed = await refreshTokens(stack, tokens.RefreshToken!);
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    const access = decodePayload(refreshed.AuthenticationResult!.AccessToken!);
    expect(access.auth_time).toBe(decodePayload(tokens.AccessToken!).auth_time);
    const { Username } = await stack.sdk.send(
      new GetUserCommand({ AccessToken: refreshed.AuthenticationResult!.AccessToken }),
    );
    expect(Username).toBe(user.username);
    // Another client cannot use it.
    const other = await createClient(stack);
    await expectAwsError(
      refreshTokens(stack, tokens.RefreshToken!, other.clientId),
      NotAuthorizedException,
      "Invalid Refresh Token",
    );
  });

  it("AWS's RevokeToken revokes a passwordless refresh token and its access token; the gateway does too", async () => {
    const user = await createUser(stack);
    const tokens = await signInWithEmailCode(user);
    await stack.sdk.send(new RevokeTokenCommand({ ClientId: stack.web.clientId, Token: tokens.RefreshToken! }));
    await expectAwsError(
      refreshTokens(stack, tokens.RefreshToken!),
      NotAuthorizedException,
      "Refresh Token has been revoked",
    );
    await expectAwsError(
      stack.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })),
      NotAuthorizedException,
      "Access Token has been revoked",
    );
  });

  it("AWS's GlobalSignOut revokes passwordless refresh tokens too; the gateway does too", async () => {
    const user = await createUser(stack);
    const first = await signInWithEmailCode(user);
    const second = await signInWithEmailCode(user);
    await stack.sdk.send(new GlobalSignOutCommand({ AccessToken: second.AccessToken }));
    for (const tokens of [first, second]) {
      await expectAwsError(
        refreshTokens(stack, tokens.RefreshToken!),
        NotAuthorizedException,
        "Refresh Token has been revoked",
      );
    }
  });
});

describe("passwordless sign-up", () => {
  it("AWS lets users sign up without a password where the pool allows email codes, confirm, and sign in with the Session straight away; the gateway does too", async () => {
    const email = uniqueEmail("nopass");
    const since = stack.logs.length;
    const signedUp = await stack.sdk.send(
      new SignUpCommand({
        ClientId: stack.web.clientId,
        Username: email,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    );
    expect(signedUp.UserConfirmed).toBe(false);
    expect(signedUp.Session).toBeTruthy();
    const code = await codeSentTo(stack, email, since);
    const confirmed = await stack.sdk.send(
      new ConfirmSignUpCommand({
        ClientId: stack.web.clientId,
        Username: email,
        ConfirmationCode: code,
        Session: signedUp.Session,
      }),
    );
    expect(confirmed.Session).toBeTruthy();
    const signedIn = await userAuth({ USERNAME: email }, stack.web.clientId, confirmed.Session);
    expect(signedIn.AuthenticationResult?.AccessToken).toBeTruthy();
    expect(decodePayload(signedIn.AuthenticationResult!.IdToken!).email_verified).toBe(true);
    // Once: the session is spent.
    await expectAwsError(
      userAuth({ USERNAME: email }, stack.web.clientId, confirmed.Session),
      NotAuthorizedException,
      "Invalid session for the user, session is expired.",
    );
    // From then on, an email code — and never a password — is what this user has.
    const later = await userAuth({ USERNAME: email });
    expect(later.AvailableChallenges).toEqual(["EMAIL_OTP"]);
    const { UserAttributes } = await stack.sdk.send(
      new AdminGetUserCommand({ UserPoolId: stack.poolId, Username: email }),
    );
    expect(UserAttributes).toContainEqual({ Name: "email_verified", Value: "true" });
  });

  it("AWS refuses the sign-up Session for another user; the gateway does too", async () => {
    const email = uniqueEmail("nopass");
    const since = stack.logs.length;
    await stack.sdk.send(new SignUpCommand({ ClientId: stack.web.clientId, Username: email }));
    const code = await codeSentTo(stack, email, since);
    const confirmed = await stack.sdk.send(
      new ConfirmSignUpCommand({ ClientId: stack.web.clientId, Username: email, ConfirmationCode: code }),
    );
    await expectAwsError(
      userAuth({ USERNAME: "demo@example.com" }, stack.web.clientId, confirmed.Session),
      NotAuthorizedException,
      "Invalid session for the user, session is expired.",
    );
  });

  it("AWS requires a password where the pool allows no one-time codes; the gateway does too", async () => {
    const { clientId } = await poolWith({ factors: ["PASSWORD"] });
    await expectAwsError(
      stack.sdk.send(new SignUpCommand({ ClientId: clientId, Username: uniqueEmail("nopass") })),
      InvalidParameterException,
    );
  });
});

describe("GetTokensFromRefreshToken and refresh-token rotation", () => {
  /** An app client of the seeded pool that rotates refresh tokens, with this grace period. */
  async function rotatingClient(graceSeconds: number, extra: Record<string, unknown> = {}) {
    return createClient(stack, {
      ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
      RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: graceSeconds },
      ...extra,
    });
  }

  function getTokens(clientId: string, refreshToken: string, clientSecret?: string) {
    return stack.sdk.send(
      new GetTokensFromRefreshTokenCommand({
        ClientId: clientId,
        RefreshToken: refreshToken,
        ClientSecret: clientSecret,
      }),
    );
  }

  async function passwordSignIn(user: TestUser, clientId: string) {
    const done = await userAuth(
      { USERNAME: user.email, PREFERRED_CHALLENGE: "PASSWORD", PASSWORD: user.password },
      clientId,
    );
    return done.AuthenticationResult!;
  }

  it("AWS's GetTokensFromRefreshToken without rotation returns new ID and access tokens only; the gateway does too", async () => {
    const user = await createUser(stack);
    const tokens = await passwordSignIn(user, stack.web.clientId);
    const { AuthenticationResult } = await getTokens(stack.web.clientId, tokens.RefreshToken!);
    expect(AuthenticationResult).toMatchObject({ AccessToken: expect.any(String), IdToken: expect.any(String) });
    expect(AuthenticationResult?.RefreshToken).toBeUndefined();
    // The same refresh token keeps working.
    expect((await getTokens(stack.web.clientId, tokens.RefreshToken!)).AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS rotates: a new refresh token each time, the old one refused at once without a grace period (RefreshTokenReuseException); the gateway does too", async () => {
    const user = await createUser(stack);
    const { clientId } = await rotatingClient(0);
    const first = await passwordSignIn(user, clientId);
    const second = (await getTokens(clientId, first.RefreshToken!)).AuthenticationResult!;
    expect(second.RefreshToken).toBeTruthy();
    expect(second.RefreshToken).not.toBe(first.RefreshToken);
    await expectAwsError(getTokens(clientId, first.RefreshToken!), RefreshTokenReuseException);
    const third = (await getTokens(clientId, second.RefreshToken!)).AuthenticationResult!;
    expect(third.RefreshToken).not.toBe(second.RefreshToken);
    await expectAwsError(getTokens(clientId, second.RefreshToken!), RefreshTokenReuseException);
    // The session is the same sign-in: auth_time and origin_jti are kept (the refresh token's end too: next test).
    expect(decodePayload(third.AccessToken!).auth_time).toBe(decodePayload(first.AccessToken!).auth_time);
    expect(decodePayload(third.AccessToken!).origin_jti).toBe(decodePayload(first.AccessToken!).origin_jti);
    const { Username } = await stack.sdk.send(new GetUserCommand({ AccessToken: third.AccessToken }));
    expect(Username).toBe(user.username);
  });

  it("AWS's rotation renews the token, not the session: a rotated-in refresh token ends when the sign-in's first one would have; the gateway's does too", async () => {
    const user = await createUser(stack);
    const { clientId } = await rotatingClient(0, {
      RefreshTokenValidity: 3,
      TokenValidityUnits: { AccessToken: "hours", IdToken: "hours", RefreshToken: "seconds" },
    });
    const signedInAt = Date.now();
    const first = await passwordSignIn(user, clientId);
    await new Promise((r) => setTimeout(r, 1_100));
    const second = (await getTokens(clientId, first.RefreshToken!)).AuthenticationResult!;
    // A fresh 3 seconds from the rotation would last until signedInAt + 4.1 s; the sign-in's ends at + 3 s.
    await new Promise((r) => setTimeout(r, Math.max(0, signedInAt + 3_200 - Date.now())));
    await expectAwsError(
      getTokens(clientId, second.RefreshToken!),
      NotAuthorizedException,
      "Refresh Token has expired",
    );
  });

  it("AWS keeps a rotated-out token working for RetryGracePeriodSeconds (client retries, concurrent refreshes), then refuses it; the gateway does too", async () => {
    const user = await createUser(stack);
    const { clientId } = await rotatingClient(60);
    const first = await passwordSignIn(user, clientId);
    // Two refreshes of the same session at once: both succeed.
    const [a, b] = await Promise.all([
      getTokens(clientId, first.RefreshToken!),
      getTokens(clientId, first.RefreshToken!),
    ]);
    expect(a.AuthenticationResult?.RefreshToken).toBeTruthy();
    expect(b.AuthenticationResult?.RefreshToken).toBeTruthy();
    // A retry later within the grace period succeeds too.
    expect((await getTokens(clientId, first.RefreshToken!)).AuthenticationResult?.AccessToken).toBeTruthy();

    const short = await rotatingClient(1);
    const other = await passwordSignIn(user, short.clientId);
    await getTokens(short.clientId, other.RefreshToken!);
    const rotatedAt = Date.now();
    await waitUntil(() => Date.now() > rotatedAt + 1200, 10_000);
    await expectAwsError(getTokens(short.clientId, other.RefreshToken!), RefreshTokenReuseException);
  });

  it("AWS: with RetryGracePeriodSeconds 0 'a successful request immediately invalidates the submitted refresh token'; the gateway holds to that for two concurrent refreshes too (one is refused)", async () => {
    // AWS documents the rule, not a race; the gateway once let both through (check, await, rotate).
    const user = await createUser(stack);
    const { clientId } = await rotatingClient(0);
    const first = await passwordSignIn(user, clientId);
    const results = await Promise.allSettled([
      getTokens(clientId, first.RefreshToken!),
      getTokens(clientId, first.RefreshToken!),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(refused.reason).toBeInstanceOf(RefreshTokenReuseException);
  });

  it("AWS refuses REFRESH_TOKEN_AUTH on a client with rotation (GetTokensFromRefreshToken only); the gateway does too", async () => {
    const user = await createUser(stack);
    const { clientId } = await rotatingClient(0, {
      ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    const tokens = await passwordSignIn(user, clientId);
    await expectAwsError(refreshTokens(stack, tokens.RefreshToken!, clientId), InvalidParameterException);
  });

  it("AWS rotates the refresh tokens of passwordless sign-ins too; the gateway does too", async () => {
    const user = await createUser(stack);
    const { clientId } = await rotatingClient(0);
    const { session, code } = await emailCode(user, clientId);
    const first = (await respond("EMAIL_OTP", session, { USERNAME: user.email, EMAIL_OTP_CODE: code }, clientId))
      .AuthenticationResult!;
    const second = (await getTokens(clientId, first.RefreshToken!)).AuthenticationResult!;
    expect(second.RefreshToken).not.toBe(first.RefreshToken);
    await expectAwsError(getTokens(clientId, first.RefreshToken!), RefreshTokenReuseException);
    expect(decodePayload(second.AccessToken!).auth_time).toBe(decodePayload(first.AccessToken!).auth_time);
  });

  it("AWS checks the ClientSecret of a client with a secret, the refresh token's client and revocation; the gateway does too", async () => {
    const { clientId, clientSecret } = stack.confidential;
    const user = await createUser(stack);
    const tokens = (
      await userAuth(
        {
          USERNAME: user.email,
          PREFERRED_CHALLENGE: "PASSWORD",
          PASSWORD: user.password,
          SECRET_HASH: secretHash(user.email, clientId, clientSecret),
        },
        clientId,
      )
    ).AuthenticationResult!;
    await expectAwsError(getTokens(clientId, tokens.RefreshToken!), NotAuthorizedException);
    await expectAwsError(getTokens(clientId, tokens.RefreshToken!, "not-the-secret"), NotAuthorizedException);
    expect(
      (await getTokens(clientId, tokens.RefreshToken!, clientSecret)).AuthenticationResult?.AccessToken,
    ).toBeTruthy();
    // Another client's refresh token, and a revoked one.
    const mine = await passwordSignIn(user, stack.web.clientId);
    await expectAwsError(
      getTokens(clientId, mine.RefreshToken!, clientSecret),
      NotAuthorizedException,
      "Invalid Refresh Token",
    );
    const { clientId: rotating } = await rotatingClient(0);
    const rotatingTokens = await passwordSignIn(user, rotating);
    const next = (await getTokens(rotating, rotatingTokens.RefreshToken!)).AuthenticationResult!;
    await stack.sdk.send(new RevokeTokenCommand({ ClientId: rotating, Token: next.RefreshToken! }));
    await expectAwsError(
      getTokens(rotating, next.RefreshToken!),
      NotAuthorizedException,
      "Refresh Token has been revoked",
    );
  });

  it("AWS's token endpoint rotates refresh tokens for a rotating client too; the gateway's does too", async () => {
    const user = await createUser(stack);
    const { clientId } = await rotatingClient(0);
    const tokens = await passwordSignIn(user, clientId);
    const refreshed = await tokenRequest(stack, {
      grantType: "refresh_token",
      refreshToken: tokens.RefreshToken!,
      clientId,
      auth: "none",
    });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).toBeTruthy();
    expect(refreshed.body.refresh_token).not.toBe(tokens.RefreshToken);
    const reused = await tokenRequest(stack, {
      grantType: "refresh_token",
      refreshToken: tokens.RefreshToken!,
      clientId,
      auth: "none",
    });
    expect(reused.status).toBe(400);
    expect(reused.body.error).toBe("invalid_grant");
  });
});

describe("the gateway's state is durable", () => {
  it("AWS keeps pool settings and refresh tokens; the gateway's survive a restart with the same data directory", async () => {
    const local = await startPrivateEmulator({ env: { CODE: "24681357" } });
    try {
      const client = sdk(local.url);
      const { UserPool } = await client.send(
        new CreateUserPoolCommand({
          PoolName: "durable",
          UsernameAttributes: ["email"],
          AutoVerifiedAttributes: ["email"],
          UserPoolTier: "PLUS",
          Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "EMAIL_OTP"] } },
        }),
      );
      const poolId = UserPool!.Id!;
      await client.send(
        new SetUserPoolMfaConfigCommand({
          UserPoolId: poolId,
          WebAuthnConfiguration: { RelyingPartyId: "example.org" },
        }),
      );
      const { UserPoolClient } = await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: "c",
          ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }),
      );
      const clientId = UserPoolClient!.ClientId!;
      const { UserPoolClient: other } = await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: "other",
          ExplicitAuthFlows: ["ALLOW_REFRESH_TOKEN_AUTH"],
        }),
      );
      const email = uniqueEmail("durable");
      await client.send(new SignUpCommand({ ClientId: clientId, Username: email }));
      const confirmed = await client.send(
        new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: "24681357" }),
      );
      const signedIn = await client.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "USER_AUTH",
          AuthParameters: { USERNAME: email },
          Session: confirmed.Session,
        }),
      );
      const refreshToken = signedIn.AuthenticationResult!.RefreshToken!;

      await local.stop();
      await local.start();

      // Still bound to its client after the restart (asked first: a refresh would remind the gateway's memory).
      await expectAwsError(
        client.send(
          new InitiateAuthCommand({
            ClientId: other!.ClientId,
            AuthFlow: "REFRESH_TOKEN_AUTH",
            AuthParameters: { REFRESH_TOKEN: refreshToken },
          }),
        ),
        NotAuthorizedException,
        "Invalid Refresh Token",
      );
      const { UserPool: after } = await client.send(new DescribeUserPoolCommand({ UserPoolId: poolId }));
      expect(after?.UserPoolTier).toBe("PLUS");
      const mfa = await client.send(new GetUserPoolMfaConfigCommand({ UserPoolId: poolId }));
      expect(mfa.WebAuthnConfiguration?.RelyingPartyId).toBe("example.org");
      const refreshed = await client.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: refreshToken },
        }),
      );
      expect(refreshed.AuthenticationResult?.AccessToken).toBeTruthy();
      await client.send(new RevokeTokenCommand({ ClientId: clientId, Token: refreshToken }));
      await expectAwsError(
        client.send(
          new InitiateAuthCommand({
            ClientId: clientId,
            AuthFlow: "REFRESH_TOKEN_AUTH",
            AuthParameters: { REFRESH_TOKEN: refreshToken },
          }),
        ),
        NotAuthorizedException,
        "Refresh Token has been revoked",
      );
      // Still passwordless after the restart.
      const started = await client.send(
        new InitiateAuthCommand({ ClientId: clientId, AuthFlow: "USER_AUTH", AuthParameters: { USERNAME: email } }),
      );
      expect(started.AvailableChallenges).toEqual(["EMAIL_OTP"]);
    } finally {
      await local.dispose();
    }
  });
});

// --- helpers -------------------------------------------------------------------

async function enrolTotp(user: TestUser): Promise<string> {
  const { AuthenticationResult } = await userAuth({
    USERNAME: user.email,
    PREFERRED_CHALLENGE: "PASSWORD",
    PASSWORD: user.password,
  });
  const AccessToken = AuthenticationResult!.AccessToken!;
  const { SecretCode } = await stack.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken }));
  await stack.sdk.send(new VerifySoftwareTokenCommand({ AccessToken, UserCode: totpCode(SecretCode!) }));
  await stack.sdk.send(
    new SetUserMFAPreferenceCommand({ AccessToken, SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true } }),
  );
  return SecretCode!;
}

function decodeHeader(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[0]!, "base64url").toString("utf8"));
}

/** A confirmed user with a password and a verified email, in a pool of its own. */
async function confirmedUserIn(pool: { poolId: string; clientId: string }): Promise<string> {
  const email = uniqueEmail("pool");
  await stack.sdk.send(new SignUpCommand({ ClientId: pool.clientId, Username: email, Password: "Pool-Passw0rd" }));
  await stack.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: pool.poolId, Username: email }));
  await stack.sdk.send(
    new AdminUpdateUserAttributesCommand({
      UserPoolId: pool.poolId,
      Username: email,
      UserAttributes: [
        { Name: "email", Value: email },
        { Name: "email_verified", Value: "true" },
      ],
    }),
  );
  return email;
}
