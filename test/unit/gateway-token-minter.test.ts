/**
 * The gateway's token minter (cognito-local/gateway/token-minter.ts) on its
 * own: attribute claims and their types, the client's readable attributes,
 * at_hash, the opaque refresh token, and a machine's access token (client
 * credentials: no user).
 */
import { describe, expect, it } from "vitest";
import { atHash, newRefreshToken, TokenMinter } from "../../cognito-local/gateway/token-minter.ts";
import type { AppClient } from "../../cognito-local/gateway/upstream.ts";

const client: AppClient = { ClientId: "client123", UserPoolId: "local_Pool1" };
const minter = new TokenMinter("http://127.0.0.1:9229");
const payload = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString("utf8"));

const subject = {
  username: "alice-sub",
  groups: [],
  attributes: [
    { Name: "sub", Value: "alice-sub" },
    { Name: "email", Value: "alice@example.com" },
    { Name: "email_verified", Value: "false" },
    { Name: "phone_number", Value: "+15550100" },
    { Name: "phone_number_verified", Value: "true" },
    { Name: "custom:tier", Value: "7" },
    // The attribute as cognito-local may hold it: the claim comes from `identities` below, not from this.
    { Name: "identities", Value: "[]" },
  ],
  identities: [
    {
      userId: "1234",
      providerName: "Google",
      providerType: "Google",
      issuer: null,
      primary: true,
      dateCreated: 1642699117273,
    },
  ],
};

describe("TokenMinter", () => {
  it("writes attributes as AWS does: verified flags as booleans, the rest (custom numbers too) as strings, identities as AWS's array of strings", () => {
    const { IdToken } = minter.mint(client, subject, { originJti: "o", authTime: 1 });
    expect(payload(IdToken!)).toMatchObject({
      email: "alice@example.com",
      email_verified: false,
      phone_number: "+15550100",
      phone_number_verified: true,
      "custom:tier": "7",
      // AWS: "primary is the string "true" or "false" ... dateCreated is a string that holds Unix time in milliseconds".
      identities: [
        {
          userId: "1234",
          providerName: "Google",
          providerType: "Google",
          issuer: null,
          primary: "true",
          dateCreated: "1642699117273",
        },
      ],
    });
    expect(payload(IdToken!)).not.toHaveProperty("cognito:groups");
  });

  it("puts only the attributes the client may read into the ID token, when it names them", () => {
    const reader: AppClient = { ...client, ReadAttributes: ["email"] };
    const id = payload(minter.mint(reader, subject, { originJti: "o", authTime: 1 }).IdToken!);
    expect(id.email).toBe("alice@example.com");
    expect(id).not.toHaveProperty("phone_number");
    expect(id).not.toHaveProperty("custom:tier");
    expect(id.sub).toBe("alice-sub");
  });

  it("computes at_hash as OIDC Core's example does (RS256: SHA-256, left half, base64url)", () => {
    expect(atHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y")).toBe("77QmUPtjPfzWtF2AnpK9RQ");
  });

  it("mints a machine's access token (client credentials) with the client as sub, its scopes, and no user", () => {
    const token = minter.accessToken(client, null, { authTime: 100, scopes: ["orders/write", "orders/read"] });
    const claims = payload(token);
    expect(Object.keys(claims).sort()).toEqual(
      ["sub", "iss", "version", "client_id", "token_use", "scope", "auth_time", "exp", "iat", "jti"].sort(),
    );
    expect(claims).toMatchObject({ sub: "client123", client_id: "client123", token_use: "access", version: 2 });
    expect(claims.scope.split(" ").sort()).toEqual(["orders/read", "orders/write"]);
  });

  it("makes every refresh token new and unguessable, in AWS's five-segment shape", () => {
    const tokens = new Set(Array.from({ length: 50 }, () => newRefreshToken()));
    expect(tokens.size).toBe(50);
    for (const token of tokens) {
      expect(token).toMatch(/^[\w-]+(\.[\w-]+){4}$/);
      expect(token).toHaveLength(1800);
    }
  });
});
