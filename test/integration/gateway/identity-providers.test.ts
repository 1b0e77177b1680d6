/**
 * The identity-provider API over the wire, with the AWS SDK against the real
 * gateway and cognito-local: create, describe, list, update, delete and look
 * up by identifier, each provider type's ProviderDetails checked, the fields
 * AWS fills in, and app clients allowed only providers that exist. Each in a
 * pool of its own, made here.
 */
import {
  CreateIdentityProviderCommand,
  type CreateIdentityProviderCommandInput,
  CreateUserPoolClientCommand,
  CreateUserPoolCommand,
  DeleteIdentityProviderCommand,
  DescribeIdentityProviderCommand,
  DuplicateProviderException,
  GetIdentityProviderByIdentifierCommand,
  InvalidParameterException,
  ListIdentityProvidersCommand,
  ResourceNotFoundException,
  UpdateIdentityProviderCommand,
  UpdateUserPoolClientCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectAwsError, type Stack, startStack } from "./support.ts";

let stack: Stack;
let poolId: string;

beforeAll(async () => {
  stack = await startStack({ federation: true });
  const pool = await stack.sdk.send(new CreateUserPoolCommand({ PoolName: `idp-api-${Date.now()}` }));
  poolId = pool.UserPool!.Id!;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
});

const OIDC_DETAILS = () => ({
  client_id: "local-examplecorp",
  client_secret: "local-examplecorp-client-secret",
  authorize_scopes: "openid email profile",
  attributes_request_method: "GET",
  oidc_issuer: stack.idp!.issuer,
});

function create(input: Omit<CreateIdentityProviderCommandInput, "UserPoolId">) {
  return stack.sdk.send(new CreateIdentityProviderCommand({ UserPoolId: poolId, ...input }));
}

describe("CreateIdentityProvider and DescribeIdentityProvider", () => {
  it("AWS: an OIDC provider's endpoints are read from its issuer's discovery, and Describe shows them", async () => {
    const { IdentityProvider: created } = await create({
      ProviderName: "Corp",
      ProviderType: "OIDC",
      ProviderDetails: OIDC_DETAILS(),
      AttributeMapping: { email: "email", email_verified: "email_verified" },
      IdpIdentifiers: ["corp.example"],
    });
    const issuer = stack.idp!.issuer;
    expect(created).toMatchObject({
      UserPoolId: poolId,
      ProviderName: "Corp",
      ProviderType: "OIDC",
      AttributeMapping: { email: "email", email_verified: "email_verified" },
      IdpIdentifiers: ["corp.example"],
      ProviderDetails: {
        ...OIDC_DETAILS(),
        authorize_url: `${issuer}/auth`,
        token_url: `${issuer}/token`,
        attributes_url: `${issuer}/me`,
        jwks_uri: `${issuer}/jwks`,
        attributes_url_add_attributes: "false",
      },
    });
    expect(created?.CreationDate).toBeInstanceOf(Date);
    const { IdentityProvider: described } = await stack.sdk.send(
      new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "Corp" }),
    );
    expect(described).toEqual(created);
  });

  it("AWS: Google takes client_id, client_secret and authorize_scopes, and answers with Google's derived fields", async () => {
    const { IdentityProvider } = await create({
      ProviderName: "Google",
      ProviderType: "Google",
      ProviderDetails: {
        client_id: "x.apps.googleusercontent.com",
        client_secret: "s",
        authorize_scopes: "email profile openid",
      },
    });
    // In the emulator, Google is the local stand-in: the endpoints are where it really goes.
    expect(IdentityProvider?.ProviderDetails).toMatchObject({
      client_id: "x.apps.googleusercontent.com",
      authorize_scopes: "email profile openid",
      oidc_issuer: stack.idp!.issuer,
      authorize_url: `${stack.idp!.issuer}/auth`,
      token_request_method: "POST",
      attributes_url_add_attributes: "true",
    });
  });

  it("AWS: Facebook, LoginWithAmazon, SignInWithApple and SAML are accepted and validated (Apple's private key is never shown)", async () => {
    await create({
      ProviderName: "LoginWithAmazon",
      ProviderType: "LoginWithAmazon",
      ProviderDetails: { client_id: "amzn1.application-oa2-client.1", client_secret: "s", authorize_scopes: "profile" },
    });
    const apple = await create({
      ProviderName: "SignInWithApple",
      ProviderType: "SignInWithApple",
      ProviderDetails: {
        client_id: "com.example",
        team_id: "T",
        key_id: "K",
        private_key: "PRIVATE",
        authorize_scopes: "email name",
      },
    });
    expect(apple.IdentityProvider?.ProviderDetails).not.toHaveProperty("private_key");
    expect(apple.IdentityProvider?.ProviderDetails?.authorize_url).toBe("https://appleid.apple.com/auth/authorize");
    await create({
      ProviderName: "Okta-SAML",
      ProviderType: "SAML",
      ProviderDetails: { MetadataURL: "https://idp.example/metadata", IDPSignout: "true" },
    });
    await expectAwsError(
      create({ ProviderName: "Bad-SAML", ProviderType: "SAML", ProviderDetails: { IDPSignout: "true" } }),
      InvalidParameterException,
    );
  });

  it("refuses what AWS refuses: a missing detail, a social provider not named after its type, a duplicate name or identifier", async () => {
    const details = OIDC_DETAILS();
    await expectAwsError(
      create({ ProviderName: "NoSecret", ProviderType: "OIDC", ProviderDetails: { ...details, client_secret: "" } }),
      InvalidParameterException,
      "client_secret is required for OIDC.",
    );
    await expectAwsError(
      create({
        ProviderName: "NoMethod",
        ProviderType: "OIDC",
        ProviderDetails: { ...details, attributes_request_method: "PATCH" },
      }),
      InvalidParameterException,
    );
    await expectAwsError(
      create({
        ProviderName: "MyGoogle",
        ProviderType: "Google",
        ProviderDetails: { client_id: "a", client_secret: "b", authorize_scopes: "openid" },
      }),
      InvalidParameterException,
    );
    await expectAwsError(
      create({ ProviderName: "Corp", ProviderType: "OIDC", ProviderDetails: details }),
      DuplicateProviderException,
    );
    await expectAwsError(
      create({
        ProviderName: "Corp3",
        ProviderType: "OIDC",
        ProviderDetails: details,
        IdpIdentifiers: ["corp.example"],
      }),
      DuplicateProviderException,
    );
  });

  it("AWS: an OIDC issuer that cannot be reached is refused: 'Unable to contact well-known endpoint'", async () => {
    await expectAwsError(
      create({
        ProviderName: "Gone",
        ProviderType: "OIDC",
        ProviderDetails: { ...OIDC_DETAILS(), oidc_issuer: "http://127.0.0.1:9" },
      }),
      InvalidParameterException,
      "Unable to contact well-known endpoint",
    );
  });

  it("a provider that does not exist is ResourceNotFoundException", async () => {
    await expectAwsError(
      stack.sdk.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "Nobody" })),
      ResourceNotFoundException,
    );
    await expectAwsError(
      stack.sdk.send(new DeleteIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "Nobody" })),
      ResourceNotFoundException,
    );
  });
});

describe("ListIdentityProviders, GetIdentityProviderByIdentifier, Update and Delete", () => {
  it("lists a pool's providers in pages", async () => {
    const all = await stack.sdk.send(new ListIdentityProvidersCommand({ UserPoolId: poolId }));
    const names = all.Providers?.map((p) => p.ProviderName) ?? [];
    expect(names).toEqual(expect.arrayContaining(["Corp", "Google", "SignInWithApple"]));
    const first = await stack.sdk.send(new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults: 2 }));
    expect(first.Providers).toHaveLength(2);
    const second = await stack.sdk.send(
      new ListIdentityProvidersCommand({ UserPoolId: poolId, MaxResults: 60, NextToken: first.NextToken }),
    );
    expect([...first.Providers!, ...second.Providers!].map((p) => p.ProviderName)).toEqual(names);
  });

  it("AWS: GetIdentityProviderByIdentifier finds the provider that has the identifier", async () => {
    const { IdentityProvider } = await stack.sdk.send(
      new GetIdentityProviderByIdentifierCommand({ UserPoolId: poolId, IdpIdentifier: "corp.example" }),
    );
    expect(IdentityProvider?.ProviderName).toBe("Corp");
    await expectAwsError(
      stack.sdk.send(new GetIdentityProviderByIdentifierCommand({ UserPoolId: poolId, IdpIdentifier: "nope" })),
      ResourceNotFoundException,
    );
  });

  it("updates the mapping and identifiers, keeping what the update leaves out; deletes", async () => {
    const { IdentityProvider } = await stack.sdk.send(
      new UpdateIdentityProviderCommand({
        UserPoolId: poolId,
        ProviderName: "Corp",
        AttributeMapping: { email: "email", name: "name" },
        IdpIdentifiers: ["corp2.example"],
      }),
    );
    expect(IdentityProvider?.AttributeMapping).toEqual({ email: "email", name: "name" });
    expect(IdentityProvider?.ProviderDetails?.client_id).toBe("local-examplecorp");
    expect(IdentityProvider!.LastModifiedDate!.getTime()).toBeGreaterThanOrEqual(
      IdentityProvider!.CreationDate!.getTime(),
    );
    await stack.sdk.send(new DeleteIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "LoginWithAmazon" }));
    await expectAwsError(
      stack.sdk.send(new DescribeIdentityProviderCommand({ UserPoolId: poolId, ProviderName: "LoginWithAmazon" })),
      ResourceNotFoundException,
    );
  });
});

describe("AWS: an app client's SupportedIdentityProviders may name only providers the pool has", () => {
  it("refuses an unknown provider on create and update ('The provider X does not exist for User Pool …')", async () => {
    await expectAwsError(
      stack.sdk.send(
        new CreateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientName: "c",
          SupportedIdentityProviders: ["COGNITO", "Nope"],
        }),
      ),
      InvalidParameterException,
      `The provider Nope does not exist for User Pool ${poolId}`,
    );
    const { UserPoolClient } = await stack.sdk.send(
      new CreateUserPoolClientCommand({
        UserPoolId: poolId,
        ClientName: "c",
        SupportedIdentityProviders: ["COGNITO", "Corp"],
      }),
    );
    expect(UserPoolClient?.SupportedIdentityProviders).toEqual(["COGNITO", "Corp"]);
    await expectAwsError(
      stack.sdk.send(
        new UpdateUserPoolClientCommand({
          UserPoolId: poolId,
          ClientId: UserPoolClient!.ClientId,
          SupportedIdentityProviders: ["Corp", "Gone"],
        }),
      ),
      InvalidParameterException,
    );
  });
});
