/**
 * The identity-provider API's input rules and Describe shape
 * (gateway/federation/provider-details.ts) and the claim-to-attribute
 * mapping (attribute-mapping.ts), pure. The same rules over the wire, with
 * the AWS SDK, are in test/integration/gateway/identity-providers.test.ts.
 */
import { describe, expect, it } from "vitest";
import { mapAttributes } from "../../cognito-local/gateway/federation/attribute-mapping.ts";
import { identitiesAttribute, identitiesClaim } from "../../cognito-local/gateway/federation/identities.ts";
import {
  checkAttributeMapping,
  checkDetails,
  checkIdpIdentifiers,
  checkProviderName,
  checkProviderType,
  describedDetails,
  resolveEndpoints,
} from "../../cognito-local/gateway/federation/provider-details.ts";

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect((error as { type?: string }).type).toBe("InvalidParameterException");
    return (error as Error).message;
  }
  throw new Error("expected InvalidParameterException");
}

const GOOGLE = {
  client_id: "id.apps.googleusercontent.com",
  client_secret: "s",
  authorize_scopes: "openid email profile",
};
const OIDC = { ...GOOGLE, attributes_request_method: "GET", oidc_issuer: "https://idp.example" };

describe("ProviderDetails per type", () => {
  it("Google: client_id, client_secret and authorize_scopes, nothing unknown", () => {
    expect(checkDetails("Google", GOOGLE)).toEqual(GOOGLE);
    expect(refusal(() => checkDetails("Google", { ...GOOGLE, client_secret: undefined }))).toContain("client_secret");
    expect(refusal(() => checkDetails("Google", { ...GOOGLE, team_id: "x" }))).toContain("team_id");
    expect(refusal(() => checkDetails("Google", { ...GOOGLE, client_id: 7 }))).toContain("string");
  });

  it("accepts back what Describe showed (derived fields are dropped and derived again)", () => {
    const described = describedDetails("Google", GOOGLE, undefined);
    expect(described).toMatchObject({
      authorize_url: "https://accounts.google.com/o/oauth2/v2/auth",
      oidc_issuer: "https://accounts.google.com",
    });
    expect(checkDetails("Google", described)).toEqual(GOOGLE);
  });

  it("OIDC: an issuer, GET or POST for attributes, openid in the scopes, http(s) endpoints", () => {
    expect(checkDetails("OIDC", OIDC)).toEqual(OIDC);
    expect(refusal(() => checkDetails("OIDC", { ...OIDC, oidc_issuer: undefined }))).toContain("oidc_issuer");
    expect(refusal(() => checkDetails("OIDC", { ...OIDC, attributes_request_method: "PUT" }))).toContain("GET or POST");
    expect(refusal(() => checkDetails("OIDC", { ...OIDC, authorize_scopes: "email profile" }))).toContain("openid");
    expect(refusal(() => checkDetails("OIDC", { ...OIDC, jwks_uri: "file:///etc/passwd" }))).toContain("jwks_uri");
  });

  it("SignInWithApple keeps its private key out of Describe; Facebook gets its versioned URLs", () => {
    const apple = {
      client_id: "com.example",
      team_id: "T",
      key_id: "K",
      private_key: "PRIVATE",
      authorize_scopes: "email name",
    };
    expect(checkDetails("SignInWithApple", apple)).toEqual(apple);
    expect(describedDetails("SignInWithApple", apple, undefined)).not.toHaveProperty("private_key");
    const facebook = describedDetails(
      "Facebook",
      { ...GOOGLE, authorize_scopes: "public_profile, email", api_version: "v18.0" },
      undefined,
    );
    expect(facebook.token_url).toBe("https://graph.facebook.com/v18.0/oauth/access_token");
  });

  it("SAML: exactly one of MetadataURL and MetadataFile, boolean flags", () => {
    expect(checkDetails("SAML", { MetadataURL: "https://idp.example/metadata", IDPSignout: "true" })).toBeTruthy();
    expect(refusal(() => checkDetails("SAML", {}))).toContain("Exactly one");
    expect(refusal(() => checkDetails("SAML", { MetadataURL: "https://x", MetadataFile: "<xml/>" }))).toContain(
      "Exactly one",
    );
    expect(refusal(() => checkDetails("SAML", { MetadataFile: "<xml/>", IDPSignout: "yes" }))).toContain("IDPSignout");
  });
});

describe("names, types, mappings and identifiers", () => {
  it("a social provider is named after its type; other names follow Cognito's pattern and are not reserved", () => {
    expect(checkProviderName("Google", "Google")).toBe("Google");
    expect(refusal(() => checkProviderName("MyGoogle", "Google"))).toContain("must be Google");
    expect(checkProviderName("ExampleCorp", "OIDC")).toBe("ExampleCorp");
    for (const bad of ["_x", "a b", "", "x".repeat(33), "Google", "COGNITO"]) {
      refusal(() => checkProviderName(bad, "OIDC"));
    }
    expect(refusal(() => checkProviderType("Twitter"))).toContain("enum value set");
  });

  it("maps only pool attributes (standard or custom:) from claim names of 1 to 131 characters", () => {
    expect(checkAttributeMapping({ email: "email", "custom:team": "groups", username: "sub" })).toBeTruthy();
    expect(refusal(() => checkAttributeMapping({ favourite_colour: "colour" }))).toContain("favourite_colour");
    expect(refusal(() => checkAttributeMapping({ email: "" }))).toContain("131");
  });

  it("IdpIdentifiers: up to 50, 1 to 40 plain characters, no repeats", () => {
    expect(checkIdpIdentifiers(["example.com", "corp"])).toEqual(["example.com", "corp"]);
    refusal(() => checkIdpIdentifiers(["a", "a"]));
    refusal(() => checkIdpIdentifiers(["<script>"]));
    refusal(() => checkIdpIdentifiers(Array.from({ length: 51 }, (_, i) => `id${i}`)));
  });
});

describe("OIDC endpoints", () => {
  const discovered = {
    issuer: "https://idp.example",
    authorization_endpoint: "https://idp.example/auth",
    token_endpoint: "https://idp.example/token",
    userinfo_endpoint: "https://idp.example/me",
    jwks_uri: "https://idp.example/jwks",
  };

  it("come from discovery, explicit ones winning; none fetched when all are given", async () => {
    const asked: string[] = [];
    const discover = async (issuer: string) => {
      asked.push(issuer);
      return discovered;
    };
    expect(
      await resolveEndpoints("https://idp.example", { token_url: "https://other.example/token" }, discover),
    ).toEqual({
      issuer: "https://idp.example",
      authorizeUrl: "https://idp.example/auth",
      tokenUrl: "https://other.example/token",
      attributesUrl: "https://idp.example/me",
      jwksUri: "https://idp.example/jwks",
    });
    const explicit = {
      authorize_url: "https://a.example/a",
      token_url: "https://a.example/t",
      jwks_uri: "https://a.example/k",
    };
    await resolveEndpoints("https://idp.example", explicit, discover);
    expect(asked).toEqual(["https://idp.example"]);
  });

  it("an unreachable issuer is refused as AWS words it", async () => {
    const unreachable = async () => {
      throw new Error("ECONNREFUSED");
    };
    await expect(resolveEndpoints("https://idp.example", {}, unreachable)).rejects.toMatchObject({
      type: "InvalidParameterException",
      message: "Unable to contact well-known endpoint",
    });
  });
});

describe("claims to attributes", () => {
  it("maps present claims as strings, leaves absent ones alone, and never maps username", () => {
    const mapping = {
      email: "email",
      email_verified: "email_verified",
      name: "name",
      username: "sub",
      nickname: "nick",
    };
    expect(mapAttributes(mapping, { sub: "1", email: "a@example.com", email_verified: true, name: "A" })).toEqual({
      email: "a@example.com",
      email_verified: "true",
      name: "A",
    });
  });

  it("marks a mapped email unverified unless email_verified is mapped too (AWS's default)", () => {
    expect(mapAttributes({ email: "email" }, { email: "a@example.com", email_verified: true })).toEqual({
      email: "a@example.com",
      email_verified: "false",
    });
    expect(
      mapAttributes(
        { email: "email", email_verified: "email_verified" },
        { email: "a@example.com", email_verified: "yes" },
      ).email_verified,
    ).toBe("false");
  });

  it("refuses a value longer than an attribute holds", () => {
    expect(() => mapAttributes({ name: "name" }, { name: "x".repeat(2049) })).toThrow(/longer than 2048/);
  });
});

describe("identities", () => {
  const google = {
    userId: "1",
    providerName: "Google",
    providerType: "Google",
    issuer: null,
    primary: true,
    dateCreated: 1700000000000,
  };
  it("the attribute keeps booleans and numbers; the ID token claim has strings, as AWS's tokens do", () => {
    expect(identitiesAttribute([google])).toBe(
      '[{"userId":"1","providerName":"Google","providerType":"Google","issuer":null,"primary":true,"dateCreated":1700000000000}]',
    );
    expect(identitiesClaim([google])).toEqual([{ ...google, primary: "true", dateCreated: "1700000000000" }]);
  });
});
