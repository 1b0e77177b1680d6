import {
  AdminConfirmSignUpCommand,
  CompleteWebAuthnRegistrationCommand,
  ConfirmSignUpCommand,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteWebAuthnCredentialCommand,
  InitiateAuthCommand,
  InvalidParameterException,
  LimitExceededException,
  ListWebAuthnCredentialsCommand,
  NotAuthorizedException,
  ResourceNotFoundException,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  SignUpCommand,
  StartWebAuthnRegistrationCommand,
  WebAuthnChallengeNotFoundException,
  WebAuthnClientMismatchException,
  WebAuthnNotEnabledException,
  WebAuthnOriginNotAllowedException,
  WebAuthnRelyingPartyMismatchException,
} from "@aws-sdk/client-cognito-identity-provider";
import type {
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
} from "@simplewebauthn/server";
import { describe, expect, it } from "vitest";
import { startPrivateEmulator } from "../../support/emulator.ts";
import { SoftwareAuthenticator } from "../../support/webauthn-authenticator.ts";
import {
  APP,
  createClient,
  createUser,
  decodePayload,
  expectAwsError,
  refreshTokens,
  sdk,
  suiteStack,
  type TestUser,
  uniqueEmail,
} from "./support.ts";

const stack = suiteStack();

async function accessTokenOf(user: TestUser, clientId = stack.web.clientId): Promise<string> {
  const { AuthenticationResult } = await stack.sdk.send(
    new InitiateAuthCommand({
      ClientId: clientId,
      AuthFlow: "USER_PASSWORD_AUTH",
      AuthParameters: { USERNAME: user.email, PASSWORD: user.password },
    }),
  );
  return AuthenticationResult!.AccessToken!;
}

async function startRegistration(accessToken: string): Promise<PublicKeyCredentialCreationOptionsJSON> {
  const { CredentialCreationOptions } = await stack.sdk.send(
    new StartWebAuthnRegistrationCommand({ AccessToken: accessToken }),
  );
  return CredentialCreationOptions as unknown as PublicKeyCredentialCreationOptionsJSON;
}

function complete(accessToken: string, credential: object) {
  return stack.sdk.send(
    new CompleteWebAuthnRegistrationCommand({ AccessToken: accessToken, Credential: credential as never }),
  );
}

/** A user with one passkey on `authenticator`, registered from the app's origin. */
async function userWithPasskey(authenticator = new SoftwareAuthenticator()) {
  const user = await createUser(stack);
  const accessToken = await accessTokenOf(user);
  await complete(accessToken, authenticator.register(await startRegistration(accessToken), APP));
  return { user, accessToken, authenticator };
}

/** Starts a passkey sign-in; returns the session and the options for navigator.credentials.get. */
async function passkeyChallenge(email: string) {
  const started = await stack.sdk.send(
    new InitiateAuthCommand({
      ClientId: stack.web.clientId,
      AuthFlow: "USER_AUTH",
      AuthParameters: { USERNAME: email, PREFERRED_CHALLENGE: "WEB_AUTHN" },
    }),
  );
  expect(started.ChallengeName).toBe("WEB_AUTHN");
  const options = JSON.parse(
    started.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS!,
  ) as PublicKeyCredentialRequestOptionsJSON;
  return { session: started.Session!, options };
}

function answer(email: string, session: string, credential: object | string) {
  return stack.sdk.send(
    new RespondToAuthChallengeCommand({
      ClientId: stack.web.clientId,
      ChallengeName: "WEB_AUTHN",
      Session: session,
      ChallengeResponses: {
        USERNAME: email,
        CREDENTIAL: typeof credential === "string" ? credential : JSON.stringify(credential),
      },
    }),
  );
}

describe("registering a passkey", () => {
  it("AWS's StartWebAuthnRegistration answers CredentialCreationOptions for the pool's relying party; the gateway does too", async () => {
    const user = await createUser(stack);
    const options = await startRegistration(await accessTokenOf(user));
    expect(options.rp).toEqual({ id: "app.example", name: "app.example" });
    expect(options.challenge).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(options.user.name).toBe(user.email);
    // The user handle is the user's sub (what a passkey returns at sign-in), not the email.
    expect(Buffer.from(options.user.id, "base64url").toString("utf8")).toBe(user.username);
    expect(options.pubKeyCredParams.map((p) => p.alg)).toEqual([-7, -257]);
    // The seeded pool requires user verification (scripts/lib/seed.ts).
    expect(options.authenticatorSelection).toMatchObject({ residentKey: "required", userVerification: "required" });
    expect(options.excludeCredentials).toEqual([]);
  });

  it("AWS's CompleteWebAuthnRegistration stores the passkey, and ListWebAuthnCredentials shows it; the gateway does too", async () => {
    const { accessToken, authenticator } = await userWithPasskey();
    const { Credentials } = await stack.sdk.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken }));
    expect(Credentials).toHaveLength(1);
    expect(Credentials![0]).toMatchObject({
      CredentialId: authenticator.credentialIds[0],
      FriendlyCredentialName: expect.any(String),
      RelyingPartyId: "app.example",
      AuthenticatorAttachment: "platform",
      AuthenticatorTransports: ["internal"],
    });
    expect(Credentials![0]!.CreatedAt).toBeInstanceOf(Date);
    expect(Math.abs(Credentials![0]!.CreatedAt!.getTime() - Date.now())).toBeLessThan(60_000);
    // The next registration excludes it, so an authenticator does not register twice.
    const again = await startRegistration(accessToken);
    expect(again.excludeCredentials?.map((c) => c.id)).toEqual(authenticator.credentialIds);
  });

  it("AWS pages ListWebAuthnCredentials with MaxResults and NextToken; the gateway does too", async () => {
    const { accessToken } = await userWithPasskey();
    await complete(accessToken, new SoftwareAuthenticator().register(await startRegistration(accessToken), APP));
    const first = await stack.sdk.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken, MaxResults: 1 }));
    expect(first.Credentials).toHaveLength(1);
    expect(first.NextToken).toBeTruthy();
    const second = await stack.sdk.send(
      new ListWebAuthnCredentialsCommand({ AccessToken: accessToken, MaxResults: 1, NextToken: first.NextToken }),
    );
    expect(second.Credentials).toHaveLength(1);
    expect(second.NextToken).toBeUndefined();
    expect(second.Credentials![0]!.CredentialId).not.toBe(first.Credentials![0]!.CredentialId);
  });

  it("AWS refuses a passkey made on another origin (WebAuthnOriginNotAllowedException); the gateway does too", async () => {
    const user = await createUser(stack);
    const accessToken = await accessTokenOf(user);
    const credential = new SoftwareAuthenticator().register(
      await startRegistration(accessToken),
      "https://evil.example",
    );
    await expectAwsError(complete(accessToken, credential), WebAuthnOriginNotAllowedException);
    // A look-alike host is another origin too.
    const lookalike = new SoftwareAuthenticator().register(
      await startRegistration(accessToken),
      "https://app.example.evil.example",
    );
    await expectAwsError(complete(accessToken, lookalike), WebAuthnOriginNotAllowedException);
  });

  it("AWS refuses a passkey for another relying party (WebAuthnRelyingPartyMismatchException); the gateway does too", async () => {
    const user = await createUser(stack);
    const accessToken = await accessTokenOf(user);
    const credential = new SoftwareAuthenticator().register(await startRegistration(accessToken), APP, {
      rpId: "evil.example",
    });
    await expectAwsError(complete(accessToken, credential), WebAuthnRelyingPartyMismatchException);
  });

  it("AWS accepts a registration challenge once, and only one it issued (WebAuthnChallengeNotFoundException); the gateway does too", async () => {
    const user = await createUser(stack);
    const accessToken = await accessTokenOf(user);
    const unstarted = new SoftwareAuthenticator().register(
      { ...(await startRegistration(await accessTokenOf(await createUser(stack)))) },
      APP,
    );
    await expectAwsError(complete(accessToken, unstarted), WebAuthnChallengeNotFoundException);

    const options = await startRegistration(accessToken);
    const forged = new SoftwareAuthenticator().register(options, APP, { challenge: "bm90LXRoZS1jaGFsbGVuZ2U" });
    await expectAwsError(complete(accessToken, forged), WebAuthnChallengeNotFoundException);

    const options2 = await startRegistration(accessToken);
    const authenticator = new SoftwareAuthenticator();
    await complete(accessToken, authenticator.register(options2, APP));
    await expectAwsError(
      complete(accessToken, new SoftwareAuthenticator().register(options2, APP)),
      WebAuthnChallengeNotFoundException,
    );
  });

  it("AWS refuses to complete with an access token of another app client (WebAuthnClientMismatchException); the gateway does too", async () => {
    const user = await createUser(stack);
    const other = await createClient(stack);
    const options = await startRegistration(await accessTokenOf(user));
    await expectAwsError(
      complete(await accessTokenOf(user, other.clientId), new SoftwareAuthenticator().register(options, APP)),
      WebAuthnClientMismatchException,
    );
  });

  // AWS (WebAuthnConfigurationType.UserVerification): "When required, users can only register and
  // sign in users with passkeys that are capable of user verification. When preferred, your user
  // pool doesn't require the use of authenticators with user verification but encourages it."
  it("AWS requires user verification when the pool says so, at registration and at sign-in; the gateway does too", async () => {
    const { user, accessToken, authenticator } = await userWithPasskey();
    // The seeded pool says "required".
    const options = await startRegistration(accessToken);
    expect(options.authenticatorSelection?.userVerification).toBe("required");
    const unverified = new SoftwareAuthenticator().register(options, APP, { userVerified: false });
    await expectAwsError(complete(accessToken, unverified), InvalidParameterException);
    // Signing in without user verification fails too.
    const { session, options: request } = await passkeyChallenge(user.email);
    expect(request.userVerification).toBe("required");
    await expectAwsError(
      answer(user.email, session, authenticator.authenticate(request, APP, { userVerified: false })),
      NotAuthorizedException,
    );
    // "preferred" lets the same touch-only assertion through.
    await setUserVerification("preferred");
    try {
      const again = await passkeyChallenge(user.email);
      expect(again.options.userVerification).toBe("preferred");
      const done = await answer(
        user.email,
        again.session,
        authenticator.authenticate(again.options, APP, { userVerified: false }),
      );
      expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
    } finally {
      await setUserVerification("required");
    }
  });

  it("AWS refuses StartWebAuthnRegistration without a valid access token; the gateway does too", async () => {
    await expectAwsError(
      stack.sdk.send(new StartWebAuthnRegistrationCommand({ AccessToken: "not-a-token" })),
      NotAuthorizedException,
      "Invalid Access Token",
    );
  });

  it("AWS refuses passkeys in a pool whose sign-in policy does not allow them (WebAuthnNotEnabledException); the gateway does too", async () => {
    const { UserPool } = await stack.sdk.send(
      new CreateUserPoolCommand({ PoolName: "no-passkeys", UsernameAttributes: ["email"] }),
    );
    const { UserPoolClient } = await stack.sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: UserPool!.Id,
        ClientName: "c",
        ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH"],
      }),
    );
    const email = uniqueEmail("nopasskey");
    await stack.sdk.send(
      new SignUpCommand({ ClientId: UserPoolClient!.ClientId, Username: email, Password: "NoPasskey-Passw0rd" }),
    );
    await stack.sdk.send(new AdminConfirmSignUpCommand({ UserPoolId: UserPool!.Id, Username: email }));
    const accessToken = await accessTokenOf(
      { email, password: "NoPasskey-Passw0rd", username: email },
      UserPoolClient!.ClientId,
    );
    await expectAwsError(
      stack.sdk.send(new StartWebAuthnRegistrationCommand({ AccessToken: accessToken })),
      WebAuthnNotEnabledException,
    );
  });

  it("AWS limits a user to 20 passkeys (LimitExceededException); the gateway does too", async () => {
    const user = await createUser(stack);
    const accessToken = await accessTokenOf(user);
    for (let i = 0; i < 20; i++) {
      await complete(accessToken, new SoftwareAuthenticator().register(await startRegistration(accessToken), APP));
    }
    await expectAwsError(startRegistration(accessToken), LimitExceededException);
  });
});

describe("signing in with a passkey", () => {
  it("AWS offers WEB_AUTHN to a user with a passkey and signs in with its CREDENTIAL; the gateway does too", async () => {
    const { user, authenticator } = await userWithPasskey();
    const choices = await stack.sdk.send(
      new InitiateAuthCommand({
        ClientId: stack.web.clientId,
        AuthFlow: "USER_AUTH",
        AuthParameters: { USERNAME: user.email },
      }),
    );
    expect([...(choices.AvailableChallenges ?? [])].sort()).toEqual([
      "EMAIL_OTP",
      "PASSWORD",
      "PASSWORD_SRP",
      "WEB_AUTHN",
    ]);
    const chosen = await stack.sdk.send(
      new RespondToAuthChallengeCommand({
        ClientId: stack.web.clientId,
        ChallengeName: "SELECT_CHALLENGE",
        Session: choices.Session,
        ChallengeResponses: { USERNAME: user.email, ANSWER: "WEB_AUTHN" },
      }),
    );
    expect(chosen.ChallengeName).toBe("WEB_AUTHN");
    const options = JSON.parse(
      chosen.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS!,
    ) as PublicKeyCredentialRequestOptionsJSON;
    expect(options.rpId).toBe("app.example");
    expect(options.allowCredentials?.map((c) => c.id)).toEqual(authenticator.credentialIds);
    const done = await answer(user.email, chosen.Session!, authenticator.authenticate(options, APP));
    expect(done.AuthenticationResult).toMatchObject({
      AccessToken: expect.any(String),
      RefreshToken: expect.any(String),
    });
    expect(decodePayload(done.AuthenticationResult!.AccessToken!).username).toBe(user.username);
  });

  it("AWS signs in with PREFERRED_CHALLENGE=WEB_AUTHN, and the passkey's refresh token refreshes; the gateway does too", async () => {
    const { user, authenticator } = await userWithPasskey();
    const { session, options } = await passkeyChallenge(user.email);
    const done = await answer(user.email, session, authenticator.authenticate(options, APP));
    const refreshed = await refreshTokens(stack, done.AuthenticationResult!.RefreshToken!);
    expect(refreshed.AuthenticationResult?.AccessToken).toBeTruthy();
  });

  it("AWS refuses a tampered signature, another origin, another relying party, and the same challenge twice; the gateway does too", async () => {
    const { user, authenticator } = await userWithPasskey();

    let { session, options } = await passkeyChallenge(user.email);
    const assertion = authenticator.authenticate(options, APP);
    const signature = Buffer.from(assertion.response.signature, "base64url");
    signature.writeUInt8(signature.readUInt8(signature.length - 1) ^ 0xff, signature.length - 1);
    const tampered = { ...assertion, response: { ...assertion.response, signature: signature.toString("base64url") } };
    await expectAwsError(answer(user.email, session, tampered), NotAuthorizedException);

    ({ session, options } = await passkeyChallenge(user.email));
    await expectAwsError(
      answer(user.email, session, authenticator.authenticate(options, "https://evil.example")),
      WebAuthnOriginNotAllowedException,
    );

    ({ session, options } = await passkeyChallenge(user.email));
    await expectAwsError(
      answer(user.email, session, authenticator.authenticate(options, APP, { rpId: "evil.example" })),
      NotAuthorizedException,
    );

    ({ session, options } = await passkeyChallenge(user.email));
    const good = authenticator.authenticate(options, APP);
    await answer(user.email, session, good);
    await expectAwsError(
      answer(user.email, session, good),
      NotAuthorizedException,
      "Invalid session for the user, session is expired.",
    );
    // An assertion for one challenge does not answer another.
    const next = await passkeyChallenge(user.email);
    await expectAwsError(answer(user.email, next.session, good), NotAuthorizedException);
  });

  it("AWS refuses a replayed signature counter (a cloned authenticator); the gateway does too", async () => {
    const { user, authenticator } = await userWithPasskey();
    let { session, options } = await passkeyChallenge(user.email);
    await answer(user.email, session, authenticator.authenticate(options, APP));
    authenticator.setSignCount(authenticator.credentialIds[0]!, 0);
    ({ session, options } = await passkeyChallenge(user.email));
    await expectAwsError(answer(user.email, session, authenticator.authenticate(options, APP)), NotAuthorizedException);
  });

  it("AWS signs in only with the user's own passkey: another user's is refused; the gateway does too", async () => {
    const alice = await userWithPasskey();
    const bob = await userWithPasskey();
    const { session, options } = await passkeyChallenge(bob.user.email);
    const alicesAssertion = alice.authenticator.authenticate({ ...options, allowCredentials: [] }, APP);
    await expectAwsError(answer(bob.user.email, session, alicesAssertion), NotAuthorizedException);
  });

  it("AWS refuses a CREDENTIAL that is not an AuthenticationResponse JSON; the gateway does too", async () => {
    const { user } = await userWithPasskey();
    const { session } = await passkeyChallenge(user.email);
    await expectAwsError(answer(user.email, session, "{not json"), InvalidParameterException);
  });
});

describe("deleting a passkey", () => {
  it("AWS's DeleteWebAuthnCredential removes it: it is no longer listed, offered or accepted; the gateway does too", async () => {
    const { user, accessToken, authenticator } = await userWithPasskey();
    const { session, options } = await passkeyChallenge(user.email);
    await stack.sdk.send(
      new DeleteWebAuthnCredentialCommand({ AccessToken: accessToken, CredentialId: authenticator.credentialIds[0] }),
    );
    const { Credentials } = await stack.sdk.send(new ListWebAuthnCredentialsCommand({ AccessToken: accessToken }));
    expect(Credentials).toEqual([]);
    // A sign-in begun before the deletion cannot finish with it.
    await expectAwsError(answer(user.email, session, authenticator.authenticate(options, APP)), NotAuthorizedException);
    const after = await stack.sdk.send(
      new InitiateAuthCommand({
        ClientId: stack.web.clientId,
        AuthFlow: "USER_AUTH",
        AuthParameters: { USERNAME: user.email, PREFERRED_CHALLENGE: "WEB_AUTHN" },
      }),
    );
    expect(after.ChallengeName).toBe("SELECT_CHALLENGE");
    expect(after.AvailableChallenges).not.toContain("WEB_AUTHN");
  });

  it("AWS answers ResourceNotFoundException for an unknown passkey or someone else's; the gateway does too", async () => {
    const alice = await userWithPasskey();
    const bob = await userWithPasskey();
    await expectAwsError(
      stack.sdk.send(new DeleteWebAuthnCredentialCommand({ AccessToken: bob.accessToken, CredentialId: "bm9uZQ" })),
      ResourceNotFoundException,
    );
    await expectAwsError(
      stack.sdk.send(
        new DeleteWebAuthnCredentialCommand({
          AccessToken: bob.accessToken,
          CredentialId: alice.authenticator.credentialIds[0],
        }),
      ),
      ResourceNotFoundException,
    );
    const { Credentials } = await stack.sdk.send(
      new ListWebAuthnCredentialsCommand({ AccessToken: alice.accessToken }),
    );
    expect(Credentials).toHaveLength(1);
  });
});

describe("passkeys are durable", () => {
  it("AWS keeps passkeys; the gateway's survive a restart with the same data directory, and still sign in", async () => {
    const origin = "http://localhost:3000";
    const local = await startPrivateEmulator({ env: { CODE: "13572468" } });
    try {
      const client = sdk(local.url);
      const { UserPool } = await client.send(
        new CreateUserPoolCommand({
          PoolName: "durable-passkeys",
          UsernameAttributes: ["email"],
          AutoVerifiedAttributes: ["email"],
          Policies: { SignInPolicy: { AllowedFirstAuthFactors: ["PASSWORD", "EMAIL_OTP", "WEB_AUTHN"] } },
        }),
      );
      const { UserPoolClient } = await client.send(
        new CreateUserPoolClientCommand({
          UserPoolId: UserPool!.Id,
          ClientName: "c",
          ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }),
      );
      const ClientId = UserPoolClient!.ClientId!;
      const email = uniqueEmail("durable");
      await client.send(new SignUpCommand({ ClientId, Username: email }));
      const confirmed = await client.send(
        new ConfirmSignUpCommand({
          ClientId,
          Username: email,
          ConfirmationCode: "13572468",
        }),
      );
      const signedIn = await client.send(
        new InitiateAuthCommand({
          ClientId,
          AuthFlow: "USER_AUTH",
          AuthParameters: { USERNAME: email },
          Session: confirmed.Session,
        }),
      );
      const AccessToken = signedIn.AuthenticationResult!.AccessToken!;
      const authenticator = new SoftwareAuthenticator();
      const { CredentialCreationOptions } = await client.send(new StartWebAuthnRegistrationCommand({ AccessToken }));
      // No relying party set: locally, localhost.
      expect((CredentialCreationOptions as { rp: { id: string } }).rp.id).toBe("localhost");
      await client.send(
        new CompleteWebAuthnRegistrationCommand({
          AccessToken,
          Credential: authenticator.register(
            CredentialCreationOptions as unknown as PublicKeyCredentialCreationOptionsJSON,
            origin,
          ) as never,
        }),
      );

      await local.stop();
      await local.start();

      const started = await client.send(
        new InitiateAuthCommand({
          ClientId,
          AuthFlow: "USER_AUTH",
          AuthParameters: { USERNAME: email, PREFERRED_CHALLENGE: "WEB_AUTHN" },
        }),
      );
      expect(started.ChallengeName).toBe("WEB_AUTHN");
      const options = JSON.parse(started.ChallengeParameters!.CREDENTIAL_REQUEST_OPTIONS!);
      const done = await client.send(
        new RespondToAuthChallengeCommand({
          ClientId,
          ChallengeName: "WEB_AUTHN",
          Session: started.Session,
          ChallengeResponses: {
            USERNAME: email,
            CREDENTIAL: JSON.stringify(authenticator.authenticate(options, origin)),
          },
        }),
      );
      expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
    } finally {
      await local.dispose();
    }
  });
});

// --- helpers -------------------------------------------------------------------

async function setUserVerification(UserVerification: "required" | "preferred") {
  await stack.sdk.send(
    new SetUserPoolMfaConfigCommand({
      UserPoolId: stack.poolId,
      WebAuthnConfiguration: { RelyingPartyId: "app.example", UserVerification },
    }),
  );
}
