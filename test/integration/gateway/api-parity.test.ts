/**
 * Parity of the Cognito JSON API through the gateway with AWS, with the AWS SDK v3 against real cognito-local: each error must
 * come out as the SDK exception class AWS would produce.
 */
import {
  AdminDeleteUserCommand,
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AdminSetUserPasswordCommand,
  ChangePasswordCommand,
  CodeMismatchException,
  ConfirmForgotPasswordCommand,
  ConfirmSignUpCommand,
  type CreateUserPoolClientCommandInput,
  CreateUserPoolCommand,
  ForgotPasswordCommand,
  GetUserCommand,
  GlobalSignOutCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  InvalidPasswordException,
  ListGroupsCommand,
  ListUsersCommand,
  NotAuthorizedException,
  ResendConfirmationCodeCommand,
  RespondToAuthChallengeCommand,
  RevokeTokenCommand,
  SignUpCommand,
  UserNotConfirmedException,
  UserNotFoundException,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { addUser } from "../../support/users.ts";
import {
  codeSentTo,
  createClient,
  createUser,
  decodePayload,
  enrolAuthenticator,
  expectAwsError,
  refreshTokens,
  secretHash,
  suiteStack,
  type TestUser,
  totpCode,
  uniqueEmail,
  wrongTotpCode,
} from "./support.ts";

const stack = suiteStack();

function passwordAuth(clientId: string, username: string, password: string, hash?: string) {
  return stack.sdk.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: username, PASSWORD: password, ...(hash ? { SECRET_HASH: hash } : {}) },
    }),
  );
}

async function signIn(user: TestUser, client: { clientId: string; clientSecret?: string } = stack.web) {
  const hash = client.clientSecret ? secretHash(user.email, client.clientId, client.clientSecret) : undefined;
  const { AuthenticationResult } = await passwordAuth(client.clientId, user.email, user.password, hash);
  return AuthenticationResult!;
}

/** REFRESH_TOKEN_AUTH with a sign-in's tokens: the refresh token is opaque, so SECRET_HASH's username comes from the ID token. */
function refreshAuth(
  tokens: { RefreshToken?: string; IdToken?: string },
  client: { clientId: string; clientSecret?: string } = stack.web,
) {
  const refreshToken = tokens.RefreshToken!;
  const username = decodePayload(tokens.IdToken!)["cognito:username"] as string;
  const hash: Record<string, string> = client.clientSecret
    ? { SECRET_HASH: secretHash(username, client.clientId, client.clientSecret) }
    : {};
  return stack.sdk.send(
    new InitiateAuthCommand({
      ClientId: client.clientId,
      AuthFlow: "REFRESH_TOKEN_AUTH",
      AuthParameters: { REFRESH_TOKEN: refreshToken, ...hash },
    }),
  );
}

describe("pass-through and sign-in", () => {
  it("AWS answers every other API call itself; the gateway passes them through to cognito-local untouched", async () => {
    const { Groups } = await stack.sdk.send(new ListGroupsCommand({ UserPoolId: stack.poolId }));
    expect(Groups?.map((g) => g.GroupName).sort()).toEqual(["admins", "users"]);
  });

  it("AWS answers a member of the wrong type with SerializationException and changes nothing; the gateway does too", async () => {
    // AWS documents no message for this: the JSON protocol refuses the body
    // before the operation runs (a boolean attribute value is the classic case).
    const email = uniqueEmail("wrong-type");
    const res = await fetch(stack.url, {
      method: "POST",
      headers: {
        "content-type": "application/x-amz-json-1.1",
        "x-amz-target": "AWSCognitoIdentityProviderService.SignUp",
      },
      body: JSON.stringify({
        ClientId: stack.web.clientId,
        Username: email,
        Password: "Passw0rd!wrong-type",
        UserAttributes: [{ Name: "email", Value: true }],
      }),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({
      __type: "SerializationException",
      message: "UserAttributes[0].Value must be a string, not a boolean",
    });
    await expectAwsError(
      stack.sdk.send(new AdminGetUserCommand({ UserPoolId: stack.poolId, Username: email })),
      UserNotFoundException,
    );
  });

  it("AWS answers USER_PASSWORD_AUTH with tokens, ExpiresIn and TokenType; the gateway does too", async () => {
    const result = await passwordAuth(stack.web.clientId, "demo@example.com", "DemoPassw0rd!");
    expect(result.AuthenticationResult).toMatchObject({
      AccessToken: expect.any(String),
      IdToken: expect.any(String),
      RefreshToken: expect.any(String),
      ExpiresIn: 3600,
      TokenType: "Bearer",
    });
  });

  it("AWS answers a wrong password with NotAuthorizedException 'Incorrect username or password.'; the gateway does too", async () => {
    await expectAwsError(
      passwordAuth(stack.web.clientId, "demo@example.com", "Wrong-passw0rd"),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
  });

  it("AWS answers an unknown user like a wrong password when the client prevents user-existence errors, and UserNotFoundException when it does not; the gateway does too", async () => {
    await expectAwsError(
      passwordAuth(stack.web.clientId, "nobody@example.com", "Wrong-passw0rd"),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
    const legacy = await createClient(stack, { PreventUserExistenceErrors: "LEGACY" });
    await expectAwsError(
      passwordAuth(legacy.clientId, "nobody@example.com", "Wrong-passw0rd"),
      UserNotFoundException,
      "User does not exist.",
    );
  });

  it("AWS refuses a disabled user with NotAuthorizedException 'User is disabled.'; the gateway does too", async () => {
    const user = await createUser(stack);
    await stack.sdk.send(new AdminDisableUserCommand({ UserPoolId: stack.poolId, Username: user.email }));
    await expectAwsError(
      passwordAuth(stack.web.clientId, user.email, user.password),
      NotAuthorizedException,
      "User is disabled.",
    );
  });

  it("AWS answers an unconfirmed user's right password with UserNotConfirmedException; the gateway passes that through", async () => {
    const email = uniqueEmail("unconfirmed");
    await stack.sdk.send(
      new SignUpCommand({ ClientId: stack.web.clientId, Username: email, Password: "Unconf1rmed!" }),
    );
    await expectAwsError(passwordAuth(stack.web.clientId, email, "Unconf1rmed!"), UserNotConfirmedException);
    await expectAwsError(
      passwordAuth(stack.web.clientId, email, "Wrong-passw0rd"),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
  });
});

describe("SECRET_HASH for clients with a secret", () => {
  const confidential = () => stack.confidential;

  it("AWS refuses InitiateAuth without SECRET_HASH; the gateway does too", async () => {
    await expectAwsError(
      passwordAuth(confidential().clientId, "demo@example.com", "DemoPassw0rd!"),
      NotAuthorizedException,
      `Client ${confidential().clientId} is configured with secret but SECRET_HASH was not received`,
    );
  });

  it("AWS refuses a wrong SECRET_HASH ('Unable to verify secret hash for client …'); the gateway does too", async () => {
    const wrong = secretHash("demo@example.com", confidential().clientId, "not-the-secret");
    await expectAwsError(
      passwordAuth(confidential().clientId, "demo@example.com", "DemoPassw0rd!", wrong),
      NotAuthorizedException,
      `Unable to verify secret hash for client ${confidential().clientId}`,
    );
    // Hashed for another user than the one signing in.
    const otherUser = secretHash("admin@example.com", confidential().clientId, confidential().clientSecret);
    await expectAwsError(
      passwordAuth(confidential().clientId, "demo@example.com", "DemoPassw0rd!", otherUser),
      NotAuthorizedException,
      `Unable to verify secret hash for client ${confidential().clientId}`,
    );
  });

  it("AWS accepts the right SECRET_HASH, and for REFRESH_TOKEN_AUTH one computed with the user's username; the gateway does too", async () => {
    const { clientId, clientSecret } = confidential();
    const { AuthenticationResult } = await passwordAuth(
      clientId,
      "demo@example.com",
      "DemoPassw0rd!",
      secretHash("demo@example.com", clientId, clientSecret),
    );
    const refreshToken = AuthenticationResult!.RefreshToken!;
    const username = decodePayload(AuthenticationResult!.AccessToken!).username as string;
    const refresh = (hash?: string) =>
      stack.sdk.send(
        new InitiateAuthCommand({
          ClientId: clientId,
          AuthFlow: "REFRESH_TOKEN_AUTH",
          AuthParameters: { REFRESH_TOKEN: refreshToken, ...(hash ? { SECRET_HASH: hash } : {}) },
        }),
      );
    const refreshed = await refresh(secretHash(username, clientId, clientSecret));
    expect(refreshed.AuthenticationResult?.AccessToken).toBeTruthy();
    expect(refreshed.AuthenticationResult?.RefreshToken).toBeUndefined();
    await expectAwsError(
      refresh(),
      NotAuthorizedException,
      `Client ${clientId} is configured with secret but SECRET_HASH was not received`,
    );
    await expectAwsError(refresh(secretHash("someone-else", clientId, clientSecret)), NotAuthorizedException);
  });

  it("AWS requires SecretHash on SignUp, ConfirmSignUp, ForgotPassword, ConfirmForgotPassword and ResendConfirmationCode; the gateway does too", async () => {
    const { clientId, clientSecret } = confidential();
    const message = `Unable to verify secret hash for client ${clientId}`;
    const email = uniqueEmail("hash");
    await expectAwsError(
      stack.sdk.send(new SignUpCommand({ ClientId: clientId, Username: email, Password: "Hash-Passw0rd" })),
      NotAuthorizedException,
      message,
    );
    await expectAwsError(
      stack.sdk.send(
        new ForgotPasswordCommand({ ClientId: clientId, Username: "demo@example.com", SecretHash: "d3Jvbmc=" }),
      ),
      NotAuthorizedException,
      message,
    );
    await expectAwsError(
      stack.sdk.send(new ConfirmSignUpCommand({ ClientId: clientId, Username: email, ConfirmationCode: "123456" })),
      NotAuthorizedException,
      message,
    );
    await expectAwsError(
      stack.sdk.send(
        new ConfirmForgotPasswordCommand({
          ClientId: clientId,
          Username: email,
          ConfirmationCode: "1",
          Password: "Hash-Passw0rd",
        }),
      ),
      NotAuthorizedException,
      message,
    );
    await expectAwsError(
      stack.sdk.send(new ResendConfirmationCodeCommand({ ClientId: clientId, Username: email })),
      NotAuthorizedException,
      message,
    );
    // With the right hash, sign-up works.
    const signedUp = await stack.sdk.send(
      new SignUpCommand({
        ClientId: clientId,
        Username: email,
        Password: "Hash-Passw0rd",
        SecretHash: secretHash(email, clientId, clientSecret),
      }),
    );
    expect(signedUp.UserConfirmed).toBe(false);
  });

  it("AWS requires SECRET_HASH on RespondToAuthChallenge; the gateway does too", async () => {
    const { clientId, clientSecret } = confidential();
    const user = await createUser(stack, { temporary: true });
    const challenge = await passwordAuth(
      clientId,
      user.email,
      user.password,
      secretHash(user.email, clientId, clientSecret),
    );
    expect(challenge.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const respond = (hash?: string) =>
      stack.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: clientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: challenge.Session,
          ChallengeResponses: {
            USERNAME: user.username,
            NEW_PASSWORD: "Chosen-Passw0rd",
            ...(hash ? { SECRET_HASH: hash } : {}),
          },
        }),
      );
    await expectAwsError(
      respond(),
      NotAuthorizedException,
      `Client ${clientId} is configured with secret but SECRET_HASH was not received`,
    );
    const done = await respond(secretHash(user.username, clientId, clientSecret));
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });
});

describe("ExplicitAuthFlows", () => {
  it("AWS refuses USER_PASSWORD_AUTH unless the client allows it (InvalidParameterException); the gateway does too", async () => {
    const noPassword = await createClient(stack, {
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
    });
    await expectAwsError(
      passwordAuth(noPassword.clientId, "demo@example.com", "DemoPassw0rd!"),
      InvalidParameterException,
      "USER_PASSWORD_AUTH flow not enabled for this client",
    );
    const defaults = await createClient(stack, { ExplicitAuthFlows: undefined });
    await expectAwsError(
      passwordAuth(defaults.clientId, "demo@example.com", "DemoPassw0rd!"),
      InvalidParameterException,
      "USER_PASSWORD_AUTH flow not enabled for this client",
    );
    // The legacy name counts.
    const legacy = await createClient(stack, { ExplicitAuthFlows: ["USER_PASSWORD_AUTH"] });
    const ok = await passwordAuth(legacy.clientId, "demo@example.com", "DemoPassw0rd!");
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS refuses REFRESH_TOKEN_AUTH unless the client allows it; the gateway does too", async () => {
    const noRefresh = await createClient(stack, { ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"] });
    const { AuthenticationResult } = await passwordAuth(noRefresh.clientId, "demo@example.com", "DemoPassw0rd!");
    await expectAwsError(
      refreshTokens(stack, AuthenticationResult!.RefreshToken!, noRefresh.clientId),
      InvalidParameterException,
      "REFRESH_TOKEN_AUTH flow not enabled for this client",
    );
  });
});

describe("the pool's password policy", () => {
  const rules: Array<[string, string]> = [
    ["Sh0rt!", "Password not long enough"],
    ["NOLOWERCASE1!", "Password must have lowercase characters"],
    ["nouppercase1!", "Password must have uppercase characters"],
    ["NoNumbers!!", "Password must have numeric characters"],
    ["NoSymbols123", "Password must have symbol characters"],
  ];

  it.each(rules)("AWS refuses SignUp with %j: '%s'; the gateway does too", async (password, rule) => {
    await expectAwsError(
      stack.sdk.send(
        new SignUpCommand({ ClientId: stack.web.clientId, Username: uniqueEmail("policy"), Password: password }),
      ),
      InvalidPasswordException,
      `Password did not conform with policy: ${rule}`,
    );
  });

  it("AWS enforces the policy on ChangePassword, and answers a wrong previous password with NotAuthorizedException; the gateway does too", async () => {
    const user = await createUser(stack);
    const { AccessToken } = await signIn(user);
    await expectAwsError(
      stack.sdk.send(
        new ChangePasswordCommand({ AccessToken, PreviousPassword: user.password, ProposedPassword: "nouppercase1!" }),
      ),
      InvalidPasswordException,
      "Password did not conform with policy: Password must have uppercase characters",
    );
    await expectAwsError(
      stack.sdk.send(
        new ChangePasswordCommand({
          AccessToken,
          PreviousPassword: "Wrong-passw0rd",
          ProposedPassword: "Changed-Passw0rd",
        }),
      ),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
    await stack.sdk.send(
      new ChangePasswordCommand({ AccessToken, PreviousPassword: user.password, ProposedPassword: "Changed-Passw0rd" }),
    );
    expect((await passwordAuth(stack.web.clientId, user.email, "Changed-Passw0rd")).AuthenticationResult).toBeTruthy();
  });

  it("AWS enforces the policy on ConfirmForgotPassword; the gateway does too", async () => {
    const user = await createUser(stack);
    const mark = stack.logs.length;
    const sent = await stack.sdk.send(
      new ForgotPasswordCommand({ ClientId: stack.web.clientId, Username: user.email }),
    );
    expect(sent.CodeDeliveryDetails).toEqual({
      Destination: "u***@e***",
      DeliveryMedium: "EMAIL",
      AttributeName: "email",
    });
    const code = await codeSentTo(stack, user.email, mark);
    const confirm = (password: string) =>
      stack.sdk.send(
        new ConfirmForgotPasswordCommand({
          ClientId: stack.web.clientId,
          Username: user.email,
          ConfirmationCode: code,
          Password: password,
        }),
      );
    await expectAwsError(
      confirm("NoNumbers!!"),
      InvalidPasswordException,
      "Password did not conform with policy: Password must have numeric characters",
    );
    await confirm("Forgot-Passw0rd");
    expect((await passwordAuth(stack.web.clientId, user.email, "Forgot-Passw0rd")).AuthenticationResult).toBeTruthy();
  });

  it("AWS enforces the policy on AdminSetUserPassword; the gateway does too", async () => {
    const user = await createUser(stack);
    await expectAwsError(
      stack.sdk.send(
        new AdminSetUserPasswordCommand({
          UserPoolId: stack.poolId,
          Username: user.email,
          Password: "Sh0rt!",
          Permanent: true,
        }),
      ),
      InvalidPasswordException,
      "Password did not conform with policy: Password not long enough",
    );
    await stack.sdk.send(
      new AdminSetUserPasswordCommand({
        UserPoolId: stack.poolId,
        Username: user.email,
        Password: "Admin-Set-Passw0rd",
        Permanent: true,
      }),
    );
    expect(
      (await passwordAuth(stack.web.clientId, user.email, "Admin-Set-Passw0rd")).AuthenticationResult,
    ).toBeTruthy();
  });

  it("AWS enforces the policy on RespondToAuthChallenge's NEW_PASSWORD, checks the temporary password and the Session; the gateway does too", async () => {
    const user = await createUser(stack, { temporary: true });
    // cognito-local would issue the challenge for any password.
    await expectAwsError(
      passwordAuth(stack.web.clientId, user.email, "Not-the-temp-0"),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
    const challenge = await passwordAuth(stack.web.clientId, user.email, user.password);
    expect(challenge.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const respond = (password: string, session = challenge.Session) =>
      stack.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: stack.web.clientId,
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          Session: session,
          ChallengeResponses: { USERNAME: challenge.ChallengeParameters!.USER_ID_FOR_SRP!, NEW_PASSWORD: password },
        }),
      );
    await expectAwsError(
      respond("NoSymbols123"),
      InvalidPasswordException,
      "Password did not conform with policy: Password must have symbol characters",
    );
    // cognito-local accepts any Session; AWS only the one it issued.
    await expectAwsError(
      respond("Chosen-Passw0rd", "made-up-session"),
      NotAuthorizedException,
      "Invalid session for the user, session is expired.",
    );
    const done = await respond("Chosen-Passw0rd");
    expect(done.AuthenticationResult).toMatchObject({ ExpiresIn: expect.any(Number), TokenType: "Bearer" });
    // The refresh token from the challenge refreshes (cognito-local alone does not store it).
    const refreshed = await refreshAuth(done.AuthenticationResult!);
    expect(refreshed.AuthenticationResult?.AccessToken).toBeTruthy();
    // The session is spent.
    await expectAwsError(
      respond("Chosen-Passw0rd"),
      NotAuthorizedException,
      "Invalid session for the user, session is expired.",
    );
  });
});

describe("access tokens, GlobalSignOut and RevokeToken", () => {
  it("AWS verifies the access token of GetUser & co. (cognito-local only decodes it); the gateway does too", async () => {
    const user = await createUser(stack);
    const { AccessToken, IdToken } = await signIn(user);
    // The same token claiming to be another user: cognito-local alone would answer with that user.
    const admin = await createUser(stack);
    const [header, , signature] = AccessToken!.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...decodePayload(AccessToken!), sub: admin.username, username: admin.username }),
    ).toString("base64url");
    for (const token of ["not-a-jwt", `${header}.${forgedPayload}.${signature}`, IdToken!]) {
      await expectAwsError(
        stack.sdk.send(new GetUserCommand({ AccessToken: token })),
        NotAuthorizedException,
        "Invalid Access Token",
      );
    }
    const me = await stack.sdk.send(new GetUserCommand({ AccessToken }));
    expect(me.Username).toBe(user.username);
  });

  it("AWS refuses an expired access token: 'Access Token has expired'; the gateway does too", async () => {
    const shortLived = await createClient(stack, {
      AccessTokenValidity: 1,
      IdTokenValidity: 1,
      TokenValidityUnits: { AccessToken: "seconds", IdToken: "seconds", RefreshToken: "days" },
    } satisfies Partial<CreateUserPoolClientCommandInput>);
    const user = await createUser(stack);
    const { AccessToken } = await signIn(user, shortLived);
    const exp = decodePayload(AccessToken!).exp as number;
    await new Promise((r) => setTimeout(r, Math.max(0, exp * 1000 - Date.now()) + 50));
    await expectAwsError(
      stack.sdk.send(new GetUserCommand({ AccessToken })),
      NotAuthorizedException,
      "Access Token has expired",
    );
  });

  it("AWS's GlobalSignOut revokes the user's refresh tokens and the access tokens issued before it; the gateway does too", async () => {
    const user = await createUser(stack);
    const first = await signIn(user);
    const second = await signIn(user, stack.confidential);
    await stack.sdk.send(new GetUserCommand({ AccessToken: first.AccessToken }));

    await stack.sdk.send(new GlobalSignOutCommand({ AccessToken: first.AccessToken }));

    for (const [tokens, client] of [
      [first, stack.web],
      [second, stack.confidential],
    ] as const) {
      await expectAwsError(
        stack.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })),
        NotAuthorizedException,
        "Access Token has been revoked",
      );
      await expectAwsError(refreshAuth(tokens, client), NotAuthorizedException, "Refresh Token has been revoked");
    }
    await expectAwsError(
      stack.sdk.send(
        new ChangePasswordCommand({
          AccessToken: first.AccessToken,
          PreviousPassword: user.password,
          ProposedPassword: "After-Passw0rd",
        }),
      ),
      NotAuthorizedException,
      "Access Token has been revoked",
    );
    // Signing in again works, and the new tokens are good.
    const again = await signIn(user);
    expect((await stack.sdk.send(new GetUserCommand({ AccessToken: again.AccessToken }))).Username).toBe(user.username);
    expect(stack.logs.some((l) => l.includes("GlobalSignOut:") && l.includes("2 refresh token(s) revoked"))).toBe(true);
  });

  it("AWS's RevokeToken revokes the refresh token and the access tokens issued with it; the gateway does too", async () => {
    const user = await createUser(stack);
    const tokens = await signIn(user);
    await stack.sdk.send(new RevokeTokenCommand({ ClientId: stack.web.clientId, Token: tokens.RefreshToken }));
    await expectAwsError(
      stack.sdk.send(new GetUserCommand({ AccessToken: tokens.AccessToken })),
      NotAuthorizedException,
      "Access Token has been revoked",
    );
    await expectAwsError(refreshAuth(tokens), NotAuthorizedException, "Refresh Token has been revoked");
  });
});

describe("the sign-in's time and its MFA codes", () => {
  it("AWS keeps the sign-in's auth_time in tokens from REFRESH_TOKEN_AUTH (OIDC: when the End-User authenticated); the gateway does too, for password sign-ins", async () => {
    const user = await createUser(stack);
    const tokens = await signIn(user);
    const signedInAt = decodePayload(tokens.IdToken!).auth_time as number;
    // auth_time counts seconds: refresh in a later one.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    const { AuthenticationResult } = await refreshAuth(tokens);
    for (const token of [AuthenticationResult!.IdToken!, AuthenticationResult!.AccessToken!]) {
      expect(decodePayload(token).auth_time).toBe(signedInAt);
      expect(decodePayload(token).iat as number).toBeGreaterThan(signedInAt);
    }
    const me = await stack.sdk.send(new GetUserCommand({ AccessToken: AuthenticationResult!.AccessToken }));
    expect(me.Username).toBe(user.username);
    // Revoking the refresh token still revokes the access tokens refreshed from it.
    await stack.sdk.send(new RevokeTokenCommand({ ClientId: stack.web.clientId, Token: tokens.RefreshToken }));
    await expectAwsError(
      stack.sdk.send(new GetUserCommand({ AccessToken: AuthenticationResult!.AccessToken })),
      NotAuthorizedException,
      "Access Token has been revoked",
    );
  });

  it('AWS: "After five unsuccessful attempts to present an MFA code, Amazon Cognito begins the exponential-timeout lockout process"; the gateway takes five wrong authenticator codes per sign-in, then the sign-in is spent', async () => {
    const user = await createUser(stack);
    const secret = await enrolAuthenticator(stack, user);
    const startSignIn = async () => {
      const challenge = await passwordAuth(stack.web.clientId, user.email, user.password);
      expect(challenge.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
      return challenge;
    };
    const answer = (challenge: Awaited<ReturnType<typeof startSignIn>>, code: string) =>
      stack.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: stack.web.clientId,
          ChallengeName: "SOFTWARE_TOKEN_MFA",
          Session: challenge.Session,
          ChallengeResponses: {
            USERNAME: challenge.ChallengeParameters!.USER_ID_FOR_SRP!,
            SOFTWARE_TOKEN_MFA_CODE: code,
          },
        }),
      );

    const challenge = await startSignIn();
    for (let attempt = 1; attempt <= 5; attempt++) {
      await expectAwsError(
        answer(challenge, wrongTotpCode(secret)),
        CodeMismatchException,
        "Invalid code received for user",
      );
    }
    // Even the right code: this sign-in has had its tries.
    await expectAwsError(
      answer(challenge, totpCode(secret)),
      NotAuthorizedException,
      "Invalid session for the user, session is expired.",
    );
    // Signing in again (the password first) starts over, and a wrong code before the right one is fine.
    const again = await startSignIn();
    await expectAwsError(answer(again, wrongTotpCode(secret)), CodeMismatchException, "Invalid code received for user");
    const done = await answer(again, totpCode(secret));
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });
});

describe("sign-up confirmation codes", () => {
  it("AWS's ResendConfirmationCode sends a new code to an unconfirmed user, which confirms the sign-up; the gateway does too", async () => {
    const email = uniqueEmail("resend");
    const first = stack.logs.length;
    const signedUp = await stack.sdk.send(
      new SignUpCommand({ ClientId: stack.web.clientId, Username: email, Password: "Resend-Passw0rd" }),
    );
    expect(signedUp.CodeDeliveryDetails).toEqual({
      Destination: "r***@e***",
      DeliveryMedium: "EMAIL",
      AttributeName: "email",
    });
    const signUpCode = await codeSentTo(stack, email, first);

    const second = stack.logs.length;
    const resent = await stack.sdk.send(
      new ResendConfirmationCodeCommand({ ClientId: stack.web.clientId, Username: email }),
    );
    expect(resent.CodeDeliveryDetails).toEqual({
      Destination: "r***@e***",
      DeliveryMedium: "EMAIL",
      AttributeName: "email",
    });
    const newCode = await codeSentTo(stack, email, second);
    expect(stack.logs.slice(second).some((l) => l.includes(`ResendConfirmationCode for ${email}`))).toBe(true);

    if (newCode !== signUpCode) {
      await expectAwsError(
        stack.sdk.send(
          new ConfirmSignUpCommand({ ClientId: stack.web.clientId, Username: email, ConfirmationCode: signUpCode }),
        ),
        CodeMismatchException,
      );
    }
    await stack.sdk.send(
      new ConfirmSignUpCommand({ ClientId: stack.web.clientId, Username: email, ConfirmationCode: newCode }),
    );
    expect((await passwordAuth(stack.web.clientId, email, "Resend-Passw0rd")).AuthenticationResult).toBeTruthy();
  });

  it("AWS answers ResendConfirmationCode for an unknown user with made-up delivery details (user-existence errors prevented), and refuses a confirmed one; the gateway does too", async () => {
    const unknown = await stack.sdk.send(
      new ResendConfirmationCodeCommand({ ClientId: stack.web.clientId, Username: "ghost@example.com" }),
    );
    expect(unknown.CodeDeliveryDetails).toEqual({
      Destination: "g***@e***",
      DeliveryMedium: "EMAIL",
      AttributeName: "email",
    });
    await expectAwsError(
      stack.sdk.send(new ResendConfirmationCodeCommand({ ClientId: stack.web.clientId, Username: "demo@example.com" })),
      InvalidParameterException,
      "User is already confirmed.",
    );
  });

  it("AWS answers a wrong confirmation code with CodeMismatchException; the gateway does too", async () => {
    const email = uniqueEmail("mismatch");
    await stack.sdk.send(
      new SignUpCommand({ ClientId: stack.web.clientId, Username: email, Password: "Mismatch-Passw0rd" }),
    );
    await expectAwsError(
      stack.sdk.send(
        new ConfirmSignUpCommand({ ClientId: stack.web.clientId, Username: email, ConfirmationCode: "not-it" }),
      ),
      CodeMismatchException,
      "Invalid verification code provided, please try again.",
    );
  });
});

describe("ListUsers", () => {
  it("AWS returns at most Limit users (60 by default) and a PaginationToken for the rest; the gateway pages cognito-local's whole answer, with no user twice or missed", async () => {
    const client = stack.sdk;
    const { UserPool } = await client.send(new CreateUserPoolCommand({ PoolName: "listing" }));
    const poolId = UserPool!.Id!;
    const pool = { cognito: client, poolId };
    const emails = Array.from({ length: 7 }, (_, i) => `listed-${i}@example.com`);
    for (const email of emails) await addUser({ email, password: "Passw0rd!listed" }, pool);

    const seen: string[] = [];
    let PaginationToken: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 3, PaginationToken }));
      expect(page.Users!.length).toBeLessThanOrEqual(3);
      seen.push(...page.Users!.map((u) => u.Attributes!.find((a) => a.Name === "email")!.Value!));
      PaginationToken = page.PaginationToken;
      pages++;
    } while (PaginationToken);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual([...emails].sort());
    await expectAwsError(
      client.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 61 })),
      InvalidParameterException,
    );
    await expectAwsError(
      client.send(new ListUsersCommand({ UserPoolId: poolId, PaginationToken: "not a token" })),
      InvalidParameterException,
    );
  });

  it("AWS's PaginationToken continues the listing where it was; the gateway's names the last user handed out, so a user deleted or added between pages skips or repeats nobody", async () => {
    const client = stack.sdk;
    const { UserPool } = await client.send(new CreateUserPoolCommand({ PoolName: "listing-moves" }));
    const poolId = UserPool!.Id!;
    const pool = { cognito: client, poolId };
    for (let i = 0; i < 6; i++) await addUser({ email: `moving-${i}@example.com`, password: "Passw0rd!listed" }, pool);
    const names = (users: { Username?: string }[] = []) => users.map((u) => u.Username!);

    const first = await client.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 3 }));
    const firstPage = names(first.Users);
    const all = names((await client.send(new ListUsersCommand({ UserPoolId: poolId }))).Users);
    const notYetListed = all.filter((name) => !firstPage.includes(name));
    expect(notYetListed).toHaveLength(3);

    // One of the first page's users goes; one new user comes.
    await client.send(new AdminDeleteUserCommand({ UserPoolId: poolId, Username: firstPage[0]! }));
    await addUser({ email: "moving-new@example.com", password: "Passw0rd!listed" }, pool);

    const rest: string[] = [];
    let PaginationToken = first.PaginationToken;
    while (PaginationToken) {
      const page = await client.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 3, PaginationToken }));
      rest.push(...names(page.Users));
      PaginationToken = page.PaginationToken;
    }
    // Every user not yet listed comes, none of the first page again, and nobody twice.
    for (const name of notYetListed) expect(rest).toContain(name);
    for (const name of firstPage) expect(rest).not.toContain(name);
    expect(new Set(rest).size).toBe(rest.length);
  });
});
