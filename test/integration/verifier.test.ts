import { InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createTokenVerifiers } from "../../app/cognito/verify.server.ts";
import { adminClient } from "../support/app.ts";

describe("token verifiers against real emulator tokens", () => {
  let tokens: { AccessToken?: string; IdToken?: string; RefreshToken?: string };
  beforeAll(async () => {
    const res = await adminClient().send(
      new InitiateAuthCommand({
        ClientId: inject("webClientId"),
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: "admin@example.com", PASSWORD: "AdminPassw0rd!" },
      }),
    );
    tokens = res.AuthenticationResult!;
  });

  const emulatorSettings = () => ({
    region: "us-east-1",
    userPoolId: inject("userPoolId"),
    clientId: inject("webClientId"),
    endpoint: inject("emulatorUrl"),
  });

  it("configured for the emulator, accepts its access and ID tokens and reads the groups", async () => {
    const verifiers = createTokenVerifiers(emulatorSettings());
    const access = await verifiers.verifyAccessToken(tokens.AccessToken!);
    expect(access["cognito:groups"]).toEqual(["admins", "users"]);
    const id = await verifiers.verifyIdToken(tokens.IdToken!);
    expect(id.email).toBe("admin@example.com");
    // One JWKS fetch served both verifications.
    expect(verifiers.jwksFetches).toBe(1);
  });

  it("rejects token-use swaps and other clients' tokens", async () => {
    const verifiers = createTokenVerifiers(emulatorSettings());
    await expect(verifiers.verifyAccessToken(tokens.IdToken!)).rejects.toThrow();
    await expect(verifiers.verifyIdToken(tokens.AccessToken!)).rejects.toThrow();
    await expect(verifiers.verifyAccessToken(tokens.RefreshToken!)).rejects.toThrow();
    const other = createTokenVerifiers({ ...emulatorSettings(), clientId: "someotherclient" });
    await expect(other.verifyAccessToken(tokens.AccessToken!)).rejects.toThrow(/client/i);
    await expect(other.verifyIdToken(tokens.IdToken!)).rejects.toThrow(/audience|client/i);
  });

  it("configured for AWS (no COGNITO_ENDPOINT), rejects emulator-signed tokens", async () => {
    // Same client, an AWS-shaped pool ID: the emulator's issuer is not an AWS issuer.
    for (const userPoolId of ["us-east-1_AbCdEf123", `us-east-1_${inject("userPoolId").split("_")[1]}`]) {
      const aws = createTokenVerifiers({ region: "us-east-1", userPoolId, clientId: inject("webClientId") });
      await expect(aws.verifyAccessToken(tokens.AccessToken!)).rejects.toThrow(/issuer/i);
      await expect(aws.verifyIdToken(tokens.IdToken!)).rejects.toThrow(/issuer/i);
      expect(aws.jwksFetches).toBe(0);
    }
  });
});
