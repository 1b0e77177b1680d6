/**
 * The emulator driven by the client libraries people point at Cognito, used
 * as their documentation says: AWS Amplify v6 (`aws-amplify/auth`, with
 * `userPoolEndpoint`), amazon-cognito-identity-js (`endpoint` in the pool
 * data), and the AWS SDK v3 making the administrator's calls a boto3 script
 * makes (aliases, groups, admin sign-in). The snippets in
 * cognito-local/README.md ("Use it from your client") are these.
 */
import {
  AdminAddUserToGroupCommand,
  AdminInitiateAuthCommand,
  AdminListGroupsForUserCommand,
  CreateGroupCommand,
  GetUserCommand,
  InitiateAuthCommand,
  NotAuthorizedException,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  AuthenticationDetails,
  type CognitoRefreshToken,
  CognitoUser,
  CognitoUserPool,
  type CognitoUserSession,
} from "amazon-cognito-identity-js";
import { Amplify } from "aws-amplify";
import { fetchAuthSession, getCurrentUser, signIn, signOut } from "aws-amplify/auth";
import { beforeAll, describe, expect, it } from "vitest";
import { createClient, createUser, decodePayload, expectAwsError, refreshTokens, suiteStack } from "./support.ts";

const stack = suiteStack();

describe("AWS Amplify v6", () => {
  beforeAll(() => {
    // As Amplify's docs configure a user pool; userPoolEndpoint points it at the emulator.
    Amplify.configure({
      Auth: {
        Cognito: {
          userPoolId: stack.poolId,
          userPoolClientId: stack.web.clientId,
          userPoolEndpoint: stack.url,
        },
      },
    });
  });

  it("signIn() (SRP by default) signs in; fetchAuthSession refreshes; the tokens are the emulator's", async () => {
    const user = await createUser(stack);
    const result = await signIn({ username: user.email, password: user.password });
    expect(result.isSignedIn).toBe(true);
    expect(result.nextStep.signInStep).toBe("DONE");
    const current = await getCurrentUser();
    expect(current.userId).toBe(user.username);

    const { tokens } = await fetchAuthSession();
    expect(tokens?.accessToken.payload.username).toBe(user.username);
    expect(tokens?.accessToken.payload.iss).toBe(`${stack.url}/${stack.poolId}`);
    const refreshed = await fetchAuthSession({ forceRefresh: true });
    expect(refreshed.tokens?.accessToken.toString()).toBeTruthy();
    expect(refreshed.tokens?.idToken?.payload.email).toBe(user.email);
    await signOut();
  });

  it("signIn() with a wrong password fails as AWS answers it", async () => {
    const user = await createUser(stack);
    await expect(signIn({ username: user.email, password: `${user.password}x` })).rejects.toMatchObject({
      name: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
  });

  it("signIn() with a temporary password asks for a new one (CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED)", async () => {
    const user = await createUser(stack, { temporary: true });
    const result = await signIn({ username: user.email, password: user.password });
    expect(result.isSignedIn).toBe(false);
    expect(result.nextStep.signInStep).toBe("CONFIRM_SIGN_IN_WITH_NEW_PASSWORD_REQUIRED");
  });

  it("signOut() revokes the refresh token: afterwards it is refused", async () => {
    const user = await createUser(stack);
    await signIn({ username: user.email, password: user.password });
    // Amplify keeps the refresh token in its token store; the key names are Amplify's.
    const refreshToken = await amplifyRefreshToken(stack.web.clientId, user.username);
    expect(refreshToken).toBeTruthy();
    expect((await refreshTokens(stack, refreshToken!)).AuthenticationResult?.AccessToken).toBeTruthy();
    await signOut();
    await expectAwsError(refreshTokens(stack, refreshToken!), NotAuthorizedException);
  });
});

/** The refresh token Amplify stored for the signed-in user (its default, in-memory key-value store in Node). */
async function amplifyRefreshToken(clientId: string, username: string): Promise<string | null> {
  const { defaultStorage } = await import("aws-amplify/utils");
  return defaultStorage.getItem(`CognitoIdentityServiceProvider.${clientId}.${username}.refreshToken`);
}

describe("amazon-cognito-identity-js", () => {
  const poolFor = () =>
    new CognitoUserPool({ UserPoolId: stack.poolId, ClientId: stack.web.clientId, endpoint: stack.url });

  function authenticate(cognitoUser: CognitoUser, username: string, password: string) {
    return new Promise<CognitoUserSession>((resolve, reject) =>
      cognitoUser.authenticateUser(new AuthenticationDetails({ Username: username, Password: password }), {
        onSuccess: resolve,
        onFailure: reject,
        newPasswordRequired: () => reject(new Error("newPasswordRequired")),
        totpRequired: () => reject(new Error("totpRequired")),
      }),
    );
  }

  it("authenticateUser (SRP, its default) signs in, refreshSession refreshes, and the tokens work on GetUser", async () => {
    const user = await createUser(stack);
    const cognitoUser = new CognitoUser({ Username: user.email, Pool: poolFor() });
    const session = await authenticate(cognitoUser, user.email, user.password);
    expect(session.isValid()).toBe(true);
    expect(session.getIdToken().payload.email).toBe(user.email);
    // The library continues under USER_ID_FOR_SRP, the canonical username.
    expect(cognitoUser.getUsername()).toBe(user.username);

    const refreshed = await new Promise<CognitoUserSession>((resolve, reject) =>
      cognitoUser.refreshSession(session.getRefreshToken(), (error: Error | null, s: CognitoUserSession) =>
        error ? reject(error) : resolve(s),
      ),
    );
    const me = await stack.sdk.send(new GetUserCommand({ AccessToken: refreshed.getAccessToken().getJwtToken() }));
    expect(me.Username).toBe(user.username);
  });

  it("authenticateUser with a wrong password fails with AWS's NotAuthorizedException", async () => {
    const user = await createUser(stack);
    const cognitoUser = new CognitoUser({ Username: user.email, Pool: poolFor() });
    await expect(authenticate(cognitoUser, user.email, `${user.password}x`)).rejects.toMatchObject({
      code: "NotAuthorizedException",
      message: "Incorrect username or password.",
    });
  });

  it("signOut revokes the refresh token: afterwards it is refused", async () => {
    const user = await createUser(stack);
    const cognitoUser = new CognitoUser({ Username: user.email, Pool: poolFor() });
    const session = await authenticate(cognitoUser, user.email, user.password);
    const refreshToken: CognitoRefreshToken = session.getRefreshToken();
    await new Promise<void>((resolve) => cognitoUser.signOut(() => resolve()));
    await expectAwsError(refreshTokens(stack, refreshToken.getToken()), NotAuthorizedException);
  });
});

describe("AWS SDK v3, an administrator's calls (as a boto3 script makes them)", () => {
  it("AWS: AdminListGroupsForUser accepts the email alias and returns the user's groups", async () => {
    const user = await createUser(stack);
    const group = `readers-${Date.now().toString(36)}`;
    await stack.sdk.send(new CreateGroupCommand({ UserPoolId: stack.poolId, GroupName: group }));
    await stack.sdk.send(
      new AdminAddUserToGroupCommand({ UserPoolId: stack.poolId, Username: user.email, GroupName: group }),
    );
    for (const name of [user.email, user.username]) {
      const { Groups } = await stack.sdk.send(
        new AdminListGroupsForUserCommand({ UserPoolId: stack.poolId, Username: name }),
      );
      expect(Groups?.map((g) => g.GroupName)).toContain(group);
    }
  });

  it("AWS: AdminInitiateAuth (ADMIN_USER_PASSWORD_AUTH) signs in where the client allows it, and its tokens are the user's", async () => {
    const user = await createUser(stack);
    const admin = await createClient(stack, { ExplicitAuthFlows: ["ALLOW_ADMIN_USER_PASSWORD_AUTH"] });
    const { AuthenticationResult } = await stack.sdk.send(
      new AdminInitiateAuthCommand({
        UserPoolId: stack.poolId,
        ClientId: admin.clientId,
        AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
      }),
    );
    expect(decodePayload(AuthenticationResult!.AccessToken!).username).toBe(user.username);
    // The same client may not use the flows it does not list.
    await expect(
      stack.sdk.send(
        new InitiateAuthCommand({
          ClientId: admin.clientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
        }),
      ),
    ).rejects.toMatchObject({ name: "InvalidParameterException" });
  });
});
