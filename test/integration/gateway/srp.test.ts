/**
 * SRP sign-in (USER_SRP_AUTH → PASSWORD_VERIFIER, and PASSWORD_SRP in
 * choice-based sign-in) through the gateway, as AWS answers it, driven with
 * the AWS SDK v3 and the app's own SRP client (app/cognito/srp.server.ts);
 * AWS's client libraries drive it in test/integration/clients.test.ts.
 */
import { createHmac } from "node:crypto";
import {
  AdminDisableUserCommand,
  AdminGetUserCommand,
  AssociateSoftwareTokenCommand,
  InitiateAuthCommand,
  type InitiateAuthCommandOutput,
  InvalidParameterException,
  NotAuthorizedException,
  RespondToAuthChallengeCommand,
  SetUserMFAPreferenceCommand,
  UserNotFoundException,
  VerifySoftwareTokenCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, it } from "vitest";
import { SrpSignIn } from "../../../app/cognito/srp.server";
import { N } from "../../../cognito-local/gateway/srp/math.ts";
import {
  createClient,
  createUser,
  decodePayload,
  expectAwsError,
  refreshTokens,
  secretHash,
  suiteStack,
  type TestUser,
  totpCode,
  uniqueEmail,
} from "./support.ts";

const stack = suiteStack();

interface Client {
  clientId: string;
  clientSecret?: string;
}

function hashFor(client: Client, username: string): Record<string, string> {
  return client.clientSecret ? { SECRET_HASH: secretHash(username, client.clientId, client.clientSecret) } : {};
}

async function startSrp(username: string, client: Client = stack.web, extra: Record<string, string> = {}) {
  const srp = new SrpSignIn(stack.poolId);
  const started = await stack.sdk.send(
    new InitiateAuthCommand({
      ClientId: client.clientId,
      AuthFlow: "USER_SRP_AUTH",
      AuthParameters: { USERNAME: username, SRP_A: srp.srpA, ...hashFor(client, username), ...extra },
    }),
  );
  return { srp, started };
}

function answer(
  srp: SrpSignIn,
  started: InitiateAuthCommandOutput,
  password: string,
  client: Client = stack.web,
  overrides: Record<string, string> = {},
) {
  const responses = { ...srp.answer(started.ChallengeParameters ?? {}, password), ...overrides };
  return stack.sdk.send(
    new RespondToAuthChallengeCommand({
      ClientId: client.clientId,
      ChallengeName: "PASSWORD_VERIFIER",
      Session: started.Session,
      ChallengeResponses: { ...responses, ...hashFor(client, responses.USERNAME) },
    }),
  );
}

async function srpSignIn(user: TestUser, password = user.password, client: Client = stack.web) {
  const { srp, started } = await startSrp(user.email, client);
  return answer(srp, started, password, client);
}

describe("USER_SRP_AUTH", () => {
  it("AWS: answers PASSWORD_VERIFIER with SALT, SRP_B, SECRET_BLOCK and USER_ID_FOR_SRP (the canonical username), and tokens for the right proof", async () => {
    const user = await createUser(stack);
    const { srp, started } = await startSrp(user.email);
    expect(started.ChallengeName).toBe("PASSWORD_VERIFIER");
    const params = started.ChallengeParameters!;
    expect(Object.keys(params).sort()).toEqual(["SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"]);
    // The pool signs in by email: the canonical username is the sub.
    expect(params.USER_ID_FOR_SRP).toBe(user.username);
    expect(params.USERNAME).toBe(user.username);
    expect(params.SALT).toMatch(/^[0-9a-f]{32}$/);
    expect(BigInt(`0x${params.SRP_B}`) % N).not.toBe(0n);
    expect(Buffer.from(params.SECRET_BLOCK!, "base64").length).toBeGreaterThanOrEqual(32);
    // A USER_SRP_AUTH challenge carries its state in SECRET_BLOCK, not a Session.
    expect(started.Session).toBeUndefined();

    const done = await answer(srp, started, user.password);
    expect(done.ChallengeName).toBeUndefined();
    const result = done.AuthenticationResult!;
    expect(decodePayload(result.AccessToken!).username).toBe(user.username);
    expect(result.TokenType).toBe("Bearer");
    expect(result.ExpiresIn).toBeGreaterThan(0);
    // The refresh token refreshes, like a password sign-in's.
    const refreshed = await refreshTokens(stack, result.RefreshToken!);
    expect(refreshed.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS: the salt is the user's (the same on every attempt), SRP_B and SECRET_BLOCK new each time", async () => {
    const user = await createUser(stack);
    const first = (await startSrp(user.email)).started.ChallengeParameters!;
    const second = (await startSrp(user.email)).started.ChallengeParameters!;
    expect(second.SALT).toBe(first.SALT);
    expect(second.SRP_B).not.toBe(first.SRP_B);
    expect(second.SECRET_BLOCK).not.toBe(first.SECRET_BLOCK);
  });

  it('AWS: a wrong password → NotAuthorizedException "Incorrect username or password."', async () => {
    const user = await createUser(stack);
    await expectAwsError(
      srpSignIn(user, `${user.password}x`),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
  });

  it("AWS: the claim is checked over the TIMESTAMP sent, which must be in AWS's format (day without a leading zero)", async () => {
    const user = await createUser(stack);
    const signedAt = (timestamp: string, srp: SrpSignIn, started: InitiateAuthCommandOutput) => {
      const p = started.ChallengeParameters!;
      const key = srp.passwordKey(p.USER_ID_FOR_SRP!, user.password, BigInt(`0x${p.SRP_B}`), BigInt(`0x${p.SALT}`));
      return createHmac("sha256", key)
        .update(stack.poolId.split("_")[1]!)
        .update(p.USER_ID_FOR_SRP!)
        .update(Buffer.from(p.SECRET_BLOCK!, "base64"))
        .update(timestamp)
        .digest("base64");
    };
    // Signed over one time, sent with another: refused like a wrong password.
    const a = await startSrp(user.email);
    await expectAwsError(
      answer(a.srp, a.started, user.password, stack.web, { TIMESTAMP: "Thu Jan 1 00:00:00 UTC 1970" }),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
    // Signed correctly, but over a day written "05": not a timestamp AWS's clients send.
    const b = await startSrp(user.email);
    const padded = "Tue Mar 05 07:08:09 UTC 2024";
    await expectAwsError(
      answer(b.srp, b.started, user.password, stack.web, {
        TIMESTAMP: padded,
        PASSWORD_CLAIM_SIGNATURE: signedAt(padded, b.srp, b.started),
      }),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
    // The same signing, over the form AWS's clients send, is accepted (the helper above is right).
    const c = await startSrp(user.email);
    const plain = "Tue Mar 5 07:08:09 UTC 2024";
    const ok = await answer(c.srp, c.started, user.password, stack.web, {
      TIMESTAMP: plain,
      PASSWORD_CLAIM_SIGNATURE: signedAt(plain, c.srp, c.started),
    });
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS: SECRET_BLOCK answers once, for the client it was issued to", async () => {
    const user = await createUser(stack);
    const { srp, started } = await startSrp(user.email);
    await answer(srp, started, user.password);
    await expectAwsError(answer(srp, started, user.password), NotAuthorizedException);

    const other = await createClient(stack, { ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH"] });
    const second = await startSrp(user.email);
    await expectAwsError(answer(second.srp, second.started, user.password, other), NotAuthorizedException);
    // After a wrong answer the challenge is spent: the right proof no longer works either.
    const third = await startSrp(user.email);
    await expectAwsError(answer(third.srp, third.started, `${user.password}x`), NotAuthorizedException);
    await expectAwsError(answer(third.srp, third.started, user.password), NotAuthorizedException);
  });

  it("AWS: the app client must allow ALLOW_USER_SRP_AUTH → InvalidParameterException", async () => {
    const user = await createUser(stack);
    const passwordOnly = await createClient(stack, { ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"] });
    await expectAwsError(
      startSrp(user.email, passwordOnly),
      InvalidParameterException,
      "USER_SRP_AUTH flow not enabled for this client",
    );
    // AWS's defaults (no ExplicitAuthFlows) include SRP.
    const defaults = await createClient(stack, { ExplicitAuthFlows: [] });
    expect((await srpSignIn(user, user.password, defaults)).AuthenticationResult?.IdToken).toBeTruthy();
  });

  it("AWS: SECRET_HASH is required from a client with a secret, on both steps", async () => {
    const user = await createUser(stack);
    const confidential = stack.confidential;
    const srp = new SrpSignIn(stack.poolId);
    await expectAwsError(
      stack.sdk.send(
        new InitiateAuthCommand({
          ClientId: confidential.clientId,
          AuthFlow: "USER_SRP_AUTH",
          AuthParameters: { USERNAME: user.email, SRP_A: srp.srpA },
        }),
      ),
      NotAuthorizedException,
      `Client ${confidential.clientId} is configured with secret but SECRET_HASH was not received`,
    );
    const { srp: srp2, started } = await startSrp(user.email, confidential);
    const claim = srp2.answer(started.ChallengeParameters!, user.password);
    await expectAwsError(
      stack.sdk.send(
        new RespondToAuthChallengeCommand({
          ClientId: confidential.clientId,
          ChallengeName: "PASSWORD_VERIFIER",
          ChallengeResponses: { ...claim },
        }),
      ),
      NotAuthorizedException,
    );
    const ok = await srpSignIn(user, user.password, confidential);
    expect(ok.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS: SRP_A is required, and one that is 0 mod N is refused (InvalidParameterException)", async () => {
    const user = await createUser(stack);
    const send = (params: Record<string, string>) =>
      stack.sdk.send(
        new InitiateAuthCommand({
          ClientId: stack.web.clientId,
          AuthFlow: "USER_SRP_AUTH",
          AuthParameters: { USERNAME: user.email, ...params },
        }),
      );
    await expectAwsError(send({}), InvalidParameterException, "Missing required parameter SRP_A");
    await expectAwsError(send({ SRP_A: N.toString(16) }), InvalidParameterException);
    await expectAwsError(send({ SRP_A: "0" }), InvalidParameterException);
    await expectAwsError(send({ SRP_A: "not-hex" }), InvalidParameterException);
  });

  it("AWS: an unknown user gets a simulated challenge (the same salt and UUID for the same name), then NotAuthorizedException", async () => {
    const name = uniqueEmail("nobody");
    const first = await startSrp(name);
    const second = await startSrp(name);
    const params = first.started.ChallengeParameters!;
    expect(params.USER_ID_FOR_SRP).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second.started.ChallengeParameters!.USER_ID_FOR_SRP).toBe(params.USER_ID_FOR_SRP);
    expect(second.started.ChallengeParameters!.SALT).toBe(params.SALT);
    expect(Object.keys(params).sort()).toEqual(["SALT", "SECRET_BLOCK", "SRP_B", "USERNAME", "USER_ID_FOR_SRP"]);
    await expectAwsError(
      answer(first.srp, first.started, "Any-Passw0rd!"),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
  });

  it("AWS: with user-existence errors not prevented (LEGACY), an unknown user → UserNotFoundException", async () => {
    const legacy = await createClient(stack, {
      ExplicitAuthFlows: ["ALLOW_USER_SRP_AUTH"],
      PreventUserExistenceErrors: "LEGACY",
    });
    await expectAwsError(startSrp(uniqueEmail("nobody"), legacy), UserNotFoundException, "User does not exist.");
  });

  it("AWS: a temporary password is followed by NEW_PASSWORD_REQUIRED, then tokens for the new one", async () => {
    const user = await createUser(stack, { temporary: true });
    const challenge = await srpSignIn(user);
    expect(challenge.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const newPassword = `${user.password}New1!`;
    const done = await stack.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: stack.web.clientId,
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: user.username, NEW_PASSWORD: newPassword },
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
    // The verifier follows the new password at once.
    expect((await srpSignIn(user, newPassword)).AuthenticationResult?.AccessToken).toBeTruthy();
    await expectAwsError(srpSignIn(user), NotAuthorizedException, "Incorrect username or password.");
  });

  it("AWS: TOTP MFA follows the password proof (SOFTWARE_TOKEN_MFA), then tokens", async () => {
    const user = await createUser(stack);
    const first = (await srpSignIn(user)).AuthenticationResult!;
    const { SecretCode } = await stack.sdk.send(new AssociateSoftwareTokenCommand({ AccessToken: first.AccessToken }));
    await stack.sdk.send(
      new VerifySoftwareTokenCommand({ AccessToken: first.AccessToken, UserCode: totpCode(SecretCode!) }),
    );
    await stack.sdk.send(
      new SetUserMFAPreferenceCommand({
        AccessToken: first.AccessToken,
        SoftwareTokenMfaSettings: { Enabled: true, PreferredMfa: true },
      }),
    );
    const challenge = await srpSignIn(user);
    expect(challenge.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
    const done = await stack.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: stack.web.clientId,
        ChallengeName: "SOFTWARE_TOKEN_MFA",
        Session: challenge.Session,
        ChallengeResponses: { USERNAME: user.username, SOFTWARE_TOKEN_MFA_CODE: totpCode(SecretCode!) },
      }),
    );
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS: USERNAME may be an alias (the email) or the username itself; DEVICE_KEY is accepted and ignored", async () => {
    const user = await createUser(stack);
    const { Username } = await stack.sdk.send(
      new AdminGetUserCommand({ UserPoolId: stack.poolId, Username: user.email }),
    );
    const byName = await startSrp(Username!, stack.web, { DEVICE_KEY: "us-east-1_not-a-device" });
    expect(byName.started.ChallengeParameters?.USER_ID_FOR_SRP).toBe(Username);
    const done = await answer(byName.srp, byName.started, user.password);
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it('AWS: a disabled user learns it only with the right proof ("User is disabled.")', async () => {
    const user = await createUser(stack);
    await stack.sdk.send(new AdminDisableUserCommand({ UserPoolId: stack.poolId, Username: user.email }));
    await expectAwsError(
      srpSignIn(user, `${user.password}x`),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
    await expectAwsError(srpSignIn(user), NotAuthorizedException, "User is disabled.");
  });
});

describe("PASSWORD_SRP in choice-based sign-in (USER_AUTH)", () => {
  it("AWS: AvailableChallenges lists PASSWORD_SRP beside PASSWORD; ANSWER=PASSWORD_SRP with SRP_A → PASSWORD_VERIFIER", async () => {
    const user = await createUser(stack);
    const select = await stack.sdk.send(
      new InitiateAuthCommand({
        ClientId: stack.web.clientId,
        AuthFlow: "USER_AUTH",
        AuthParameters: { USERNAME: user.email },
      }),
    );
    expect(select.ChallengeName).toBe("SELECT_CHALLENGE");
    expect(select.AvailableChallenges).toEqual(expect.arrayContaining(["PASSWORD", "PASSWORD_SRP"]));
    const srp = new SrpSignIn(stack.poolId);
    const verifier = await stack.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: stack.web.clientId,
        ChallengeName: "SELECT_CHALLENGE",
        Session: select.Session,
        ChallengeResponses: { USERNAME: user.email, ANSWER: "PASSWORD_SRP", SRP_A: srp.srpA },
      }),
    );
    expect(verifier.ChallengeName).toBe("PASSWORD_VERIFIER");
    expect(verifier.Session).toBeTruthy();
    const done = await answer(srp, verifier, user.password);
    expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS: PREFERRED_CHALLENGE=PASSWORD_SRP with SRP_A goes straight to PASSWORD_VERIFIER; a wrong proof fails as a wrong password", async () => {
    const user = await createUser(stack);
    const start = async () => {
      const srp = new SrpSignIn(stack.poolId);
      const started = await stack.sdk.send(
        new InitiateAuthCommand({
          ClientId: stack.web.clientId,
          AuthFlow: "USER_AUTH",
          AuthParameters: { USERNAME: user.email, PREFERRED_CHALLENGE: "PASSWORD_SRP", SRP_A: srp.srpA },
        }),
      );
      expect(started.ChallengeName).toBe("PASSWORD_VERIFIER");
      return { srp, started };
    };
    const wrong = await start();
    await expectAwsError(
      answer(wrong.srp, wrong.started, `${user.password}x`),
      NotAuthorizedException,
      "Incorrect username or password.",
    );
    const right = await start();
    expect((await answer(right.srp, right.started, user.password)).AuthenticationResult?.IdToken).toBeTruthy();
  });
});
