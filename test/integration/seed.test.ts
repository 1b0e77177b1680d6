import fs from "node:fs";
import path from "node:path";
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  DescribeResourceServerCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  GetUserPoolMfaConfigCommand,
  InitiateAuthCommand,
  ListGroupsCommand,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  ListUsersCommand,
  RespondToAuthChallengeCommand,
  SetUserPoolMfaConfigCommand,
  UpdateUserPoolClientCommand,
  UpdateUserPoolCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, inject, it } from "vitest";
import {
  PASSWORDLESS_SEED_USERS,
  POOL_NAME,
  readTotpSecrets,
  SEED_AUTH_FLOWS,
  SEED_MACHINE_SCOPES,
  SEED_RESOURCE_SERVER,
  SEED_SIGN_IN_FACTORS,
  SEED_USERS,
  seed,
  totpCode,
} from "../../scripts/lib/seed.ts";
import { adminClient } from "../support/app.ts";
import { startOwnEmulator } from "../support/own-emulator.ts";

describe("seeding (against the test emulator)", () => {
  it("is idempotent: a second run finds everything, creates nothing, returns the same IDs", async () => {
    const again = await seed({ endpoint: inject("emulatorUrl"), totpSecretsFile: inject("totpSecretsFile") });
    expect(again.created).toEqual([]);
    expect(again.userPoolId).toBe(inject("userPoolId"));
    expect(again.clients.web.clientId).toBe(inject("webClientId"));
    expect(again.clients["web-confidential"].clientId).toBe(inject("confidentialClientId"));
    expect(again.clients.machine).toEqual({
      clientId: inject("machineClientId"),
      clientSecret: inject("machineClientSecret"),
    });

    const cognito = adminClient();
    const pools = await cognito.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    expect(pools.UserPools!.filter((p) => p.Name === POOL_NAME)).toHaveLength(1);
    const clients = await cognito.send(
      new ListUserPoolClientsCommand({ UserPoolId: again.userPoolId, MaxResults: 60 }),
    );
    const names = clients.UserPoolClients!.map((c) => c.ClientName);
    expect(names.filter((n) => n === "web")).toHaveLength(1);
    expect(names.filter((n) => n === "web-confidential")).toHaveLength(1);
    expect(names.filter((n) => n === "machine")).toHaveLength(1);
    const groups = await cognito.send(new ListGroupsCommand({ UserPoolId: again.userPoolId }));
    // Other tests add groups of their own to the shared pool; the seed's exist exactly once.
    const groupNames = groups.Groups!.map((g) => g.GroupName);
    expect(groupNames.filter((g) => g === "admins")).toHaveLength(1);
    expect(groupNames.filter((g) => g === "users")).toHaveLength(1);
    for (const user of SEED_USERS) {
      // By email: the shared pool holds every test's users, more than one page of ListUsers.
      const users = await cognito.send(
        new ListUsersCommand({ UserPoolId: again.userPoolId, Filter: `email = "${user.email}"` }),
      );
      expect(users.Users, user.email).toHaveLength(1);
    }
  });

  it("creates users with verified email, in their groups, confirmed unless their password is temporary", async () => {
    const cognito = adminClient();
    for (const user of SEED_USERS) {
      const got = await cognito.send(
        new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: user.email }),
      );
      expect(got.UserStatus).toBe(user.status === "temporary" ? "FORCE_CHANGE_PASSWORD" : "CONFIRMED");
      expect(got.UserAttributes).toContainEqual({ Name: "email_verified", Value: "true" });
      const groups = await cognito.send(
        // got.Username is the canonical name (the sub); see scripts/lib/seed.ts.
        new AdminListGroupsForUserCommand({ UserPoolId: inject("userPoolId"), Username: got.Username }),
      );
      expect(groups.Groups!.map((g) => g.GroupName).sort()).toEqual([...user.groups].sort());
    }
  });

  it("gives the confidential client a secret and the web client none", async () => {
    expect(inject("confidentialClientSecret")).toMatch(/\w{10,}/);
    const cognito = adminClient();
    const clients = await cognito.send(
      new ListUserPoolClientsCommand({ UserPoolId: inject("userPoolId"), MaxResults: 60 }),
    );
    expect(clients.UserPoolClients!.find((c) => c.ClientName === "web")!.ClientId).toBe(inject("webClientId"));
  });

  it("creates the app's API as a resource server, and a machine client with a secret allowed its scopes by client_credentials only", async () => {
    const cognito = adminClient();
    const { ResourceServer } = await cognito.send(
      new DescribeResourceServerCommand({
        UserPoolId: inject("userPoolId"),
        Identifier: SEED_RESOURCE_SERVER.identifier,
      }),
    );
    expect(ResourceServer?.Scopes?.map((scope) => scope.ScopeName)).toEqual(["users.read", "sessions.write"]);
    const { UserPoolClient: machine } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId: inject("userPoolId"), ClientId: inject("machineClientId") }),
    );
    expect(machine).toMatchObject({
      ClientName: "machine",
      ClientSecret: inject("machineClientSecret"),
      AllowedOAuthFlows: ["client_credentials"],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: SEED_MACHINE_SCOPES,
    });
    expect(SEED_MACHINE_SCOPES).toEqual(["remix-cognito/users.read", "remix-cognito/sessions.write"]);
  });
});

describe("the emulator", () => {
  it("issues tokens for the seeded users through the SDK, with an issuer at its own URL", async () => {
    const cognito = adminClient();
    const res = await cognito.send(
      new InitiateAuthCommand({
        ClientId: inject("webClientId"),
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "demo@example.com", PASSWORD: "DemoPassw0rd!" },
      }),
    );
    const tokens = res.AuthenticationResult!;
    expect(tokens.AccessToken).toBeTruthy();
    expect(tokens.IdToken).toBeTruthy();
    expect(tokens.RefreshToken).toBeTruthy();
    const claims = JSON.parse(Buffer.from(tokens.IdToken!.split(".")[1]!, "base64url").toString());
    const issuer = `${inject("emulatorUrl")}/${inject("userPoolId")}`;
    expect(claims.iss).toBe(issuer);
    expect(claims.email).toBe("demo@example.com");
    // The JWKS is served where the issuer says it is.
    const jwks = await (await fetch(`${issuer}/.well-known/jwks.json`)).json();
    const header = JSON.parse(Buffer.from(tokens.IdToken!.split(".")[0]!, "base64url").toString());
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
  });

  it("refuses a wrong password", async () => {
    await expect(
      adminClient().send(
        new InitiateAuthCommand({
          ClientId: inject("webClientId"),
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: "demo@example.com", PASSWORD: "nope" },
        }),
      ),
    ).rejects.toThrow();
  });
});

describe("seeded lifecycle users", () => {
  it("newhire@example.com must choose a new password; mfa@example.com has TOTP enabled with a stored secret", async () => {
    const cognito = adminClient();
    const newhire = await cognito.send(
      new InitiateAuthCommand({
        ClientId: inject("webClientId"),
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "newhire@example.com", PASSWORD: "TempPassw0rd!" },
      }),
    );
    expect(newhire.ChallengeName).toBe("NEW_PASSWORD_REQUIRED");
    const mfa = await cognito.send(
      new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: "mfa@example.com" }),
    );
    expect(mfa.UserMFASettingList).toContain("SOFTWARE_TOKEN_MFA");
    expect(readTotpSecrets(inject("totpSecretsFile"))["mfa@example.com"]).toMatch(/^[A-Z2-7]{16,}=*$/);
  });
});

describe("seeding repairs a seeded MFA user whose stored TOTP secret went stale", () => {
  it("re-enrols the user, and the newly stored secret answers the challenge", async () => {
    const own = await startOwnEmulator();
    try {
      const file = path.join(own.dataDir, "totp-secrets.json");
      fs.writeFileSync(file, JSON.stringify({ "mfa@example.com": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP" }));
      const again = await seed({ endpoint: own.url, totpSecretsFile: file });
      expect(again.created).toContain("user mfa@example.com");
      const secret = readTotpSecrets(file)["mfa@example.com"]!;
      expect(secret).not.toBe("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
      const auth = await own.admin.send(
        new InitiateAuthCommand({
          ClientId: own.webClientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: "mfa@example.com", PASSWORD: "MfaPassw0rd!" },
        }),
      );
      expect(auth.ChallengeName).toBe("SOFTWARE_TOKEN_MFA");
      const done = await own.admin.send(
        new RespondToAuthChallengeCommand({
          ClientId: own.webClientId,
          ChallengeName: "SOFTWARE_TOKEN_MFA",
          Session: auth.Session,
          ChallengeResponses: {
            USERNAME: auth.ChallengeParameters!.USER_ID_FOR_SRP!,
            SOFTWARE_TOKEN_MFA_CODE: totpCode(secret),
          },
        }),
      );
      expect(done.AuthenticationResult?.AccessToken).toBeTruthy();
    } finally {
      await own.dispose();
    }
  });
});

describe("choice-based sign-in in the seeded pool", () => {
  it("allows PASSWORD, EMAIL_OTP and WEB_AUTHN, passkeys for the app's host, and USER_AUTH on the web client", async () => {
    const cognito = adminClient();
    const UserPoolId = inject("userPoolId");
    const { UserPool } = await cognito.send(new DescribeUserPoolCommand({ UserPoolId }));
    expect(UserPool?.Policies?.SignInPolicy?.AllowedFirstAuthFactors).toEqual([...SEED_SIGN_IN_FACTORS]);
    const mfa = await cognito.send(new GetUserPoolMfaConfigCommand({ UserPoolId }));
    expect(mfa.WebAuthnConfiguration?.RelyingPartyId).toBe("localhost");
    // A passkey must prove the user (PIN, biometric), not only a touch: it also serves as step-up.
    expect(mfa.WebAuthnConfiguration?.UserVerification).toBe("required");
    const { UserPoolClient } = await cognito.send(
      new DescribeUserPoolClientCommand({ UserPoolId, ClientId: inject("webClientId") }),
    );
    expect(UserPoolClient?.ExplicitAuthFlows).toEqual(expect.arrayContaining(["ALLOW_USER_AUTH"]));
  });

  it("seeds a passwordless user, offered an email code and no password; password users are offered both", async () => {
    const cognito = adminClient();
    const choices = async (email: string) =>
      (
        await cognito.send(
          new InitiateAuthCommand({
            ClientId: inject("webClientId"),
            AuthFlow: "USER_AUTH",
            AuthParameters: { USERNAME: email },
          }),
        )
      ).AvailableChallenges;
    const passwordless = PASSWORDLESS_SEED_USERS[0]!;
    expect(await choices(passwordless.email)).toEqual(["EMAIL_OTP"]);
    expect([...((await choices("demo@example.com")) ?? [])].sort()).toEqual(["EMAIL_OTP", "PASSWORD", "PASSWORD_SRP"]);
  });

  it("adds choice-based sign-in to a pool and clients seeded before it existed, and requires user verification for passkeys", async () => {
    const own = await startOwnEmulator();
    try {
      // Back to how an older seed left them: password-only policy, no USER_AUTH.
      const { UserPool } = await own.admin.send(new DescribeUserPoolCommand({ UserPoolId: own.userPoolId }));
      await own.admin.send(
        new UpdateUserPoolCommand({
          UserPoolId: own.userPoolId,
          AutoVerifiedAttributes: UserPool?.AutoVerifiedAttributes,
          MfaConfiguration: UserPool?.MfaConfiguration,
          Policies: { PasswordPolicy: UserPool?.Policies?.PasswordPolicy },
        }),
      );
      await own.admin.send(
        new UpdateUserPoolClientCommand({
          UserPoolId: own.userPoolId,
          ClientId: own.webClientId,
          ExplicitAuthFlows: ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
        }),
      );
      // …and passkeys as the seed once set them up, user verification only "preferred".
      await own.admin.send(
        new SetUserPoolMfaConfigCommand({
          UserPoolId: own.userPoolId,
          MfaConfiguration: "OPTIONAL",
          SoftwareTokenMfaConfiguration: { Enabled: true },
          WebAuthnConfiguration: { RelyingPartyId: "localhost", UserVerification: "preferred" },
        }),
      );
      const again = await seed({ endpoint: own.url, totpSecretsFile: path.join(own.dataDir, "totp-secrets.json") });
      expect(again.created).toContain(`sign-in policy (${SEED_SIGN_IN_FACTORS.join(", ")})`);
      const mfa = await own.admin.send(new GetUserPoolMfaConfigCommand({ UserPoolId: own.userPoolId }));
      expect(mfa.WebAuthnConfiguration).toMatchObject({ RelyingPartyId: "localhost", UserVerification: "required" });
      const { UserPool: after } = await own.admin.send(new DescribeUserPoolCommand({ UserPoolId: own.userPoolId }));
      expect(after?.Policies?.SignInPolicy?.AllowedFirstAuthFactors).toEqual([...SEED_SIGN_IN_FACTORS]);
      // The rest of the pool is as it was.
      expect(after?.Policies?.PasswordPolicy).toEqual(UserPool?.Policies?.PasswordPolicy);
      expect(after?.AutoVerifiedAttributes).toEqual(["email"]);
      expect(after?.MfaConfiguration).toBe("OPTIONAL");
      const { UserPoolClient } = await own.admin.send(
        new DescribeUserPoolClientCommand({ UserPoolId: own.userPoolId, ClientId: own.webClientId }),
      );
      expect(UserPoolClient?.ExplicitAuthFlows).toEqual(expect.arrayContaining(SEED_AUTH_FLOWS));
    } finally {
      await own.dispose();
    }
  });
});
