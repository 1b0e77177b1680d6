/**
 * Parity of resource servers, custom scopes and the client_credentials grant with AWS: the five
 * resource-server operations and their checks, what AWS refuses in an app client's OAuth
 * settings, and machine-to-machine tokens from /oauth2/token — against real cognito-local behind
 * the gateway, through the AWS SDK v3 and plain HTTP.
 */

import {
  CreateResourceServerCommand,
  type CreateUserPoolClientCommandInput,
  CreateUserPoolCommand,
  DeleteResourceServerCommand,
  DescribeResourceServerCommand,
  InvalidOAuthFlowException,
  InvalidParameterException,
  LimitExceededException,
  ListResourceServersCommand,
  type OAuthFlowType,
  ResourceNotFoundException,
  type ResourceServerScopeType,
  ScopeDoesNotExistException,
  UpdateResourceServerCommand,
  UpdateUserPoolClientCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import { JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { SimpleJwksCache } from "aws-jwt-verify/jwk";
import { describe, expect, it } from "vitest";
import { awsScopeString } from "../../../cognito-local/gateway/claim-order.ts";
import { startPrivateEmulator } from "../../support/emulator.ts";
import {
  authorizeUrl,
  browse,
  CookieJar,
  callbackParams,
  createClient,
  createUser,
  decodePayload,
  expectAwsError,
  hostedSignIn,
  sdk,
  suiteStack,
  tokenRequest,
} from "./support.ts";

const stack = suiteStack();

let counter = 0;
const uniqueIdentifier = (prefix = "https://api.example.com/rs") => `${prefix}-${Date.now().toString(36)}-${++counter}`;

const SCOPES: ResourceServerScopeType[] = [
  { ScopeName: "orders.read", ScopeDescription: "Read orders" },
  { ScopeName: "orders.write", ScopeDescription: "Change orders" },
];

function createResourceServer(identifier: string, scopes = SCOPES, poolId = stack.poolId, client = stack.sdk) {
  return client.send(
    new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: identifier, Name: "Orders API", Scopes: scopes }),
  );
}

/** A resource server of its own, and a machine client allowed `allowed` of its scopes (default: all). */
async function machine(options: { allowed?: string[]; client?: Partial<CreateUserPoolClientCommandInput> } = {}) {
  const identifier = uniqueIdentifier();
  await createResourceServer(identifier);
  const scopes = (options.allowed ?? SCOPES.map((s) => s.ScopeName!)).map((name) => `${identifier}/${name}`);
  const { clientId, clientSecret } = await createClient(stack, {
    GenerateSecret: true,
    AllowedOAuthFlows: ["client_credentials"],
    AllowedOAuthScopes: scopes,
    CallbackURLs: undefined,
    LogoutURLs: undefined,
    ...options.client,
  });
  return { identifier, scopes, clientId, clientSecret: clientSecret! };
}

interface GrantRequest {
  clientId: string;
  clientSecret?: string;
  scope?: string;
  /** HTTP Basic (client_secret_basic) or form fields (client_secret_post). */
  auth?: "basic" | "post";
  grantType?: string;
}

async function clientCredentials(r: GrantRequest) {
  const form = new URLSearchParams({ grant_type: r.grantType ?? "client_credentials" });
  if (r.scope !== undefined) form.set("scope", r.scope);
  const headers: Record<string, string> = { "content-type": "application/x-www-form-urlencoded" };
  if ((r.auth ?? "basic") === "basic") {
    headers.authorization = `Basic ${Buffer.from(`${r.clientId}:${r.clientSecret ?? ""}`).toString("base64")}`;
  } else {
    form.set("client_id", r.clientId);
    if (r.clientSecret !== undefined) form.set("client_secret", r.clientSecret);
  }
  const response = await fetch(`${stack.url}/oauth2/token`, { method: "POST", headers, body: form.toString() });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe("resource servers", () => {
  it("AWS: CreateResourceServer 'creates a new OAuth2.0 resource server and defines custom scopes within it'; Describe, Update and Delete act on it by identifier; the gateway does the same", async () => {
    const identifier = uniqueIdentifier();
    const created = await createResourceServer(identifier);
    const expected = { UserPoolId: stack.poolId, Identifier: identifier, Name: "Orders API", Scopes: SCOPES };
    expect(created.ResourceServer).toEqual(expected);
    const described = await stack.sdk.send(
      new DescribeResourceServerCommand({ UserPoolId: stack.poolId, Identifier: identifier }),
    );
    expect(described.ResourceServer).toEqual(expected);

    // AWS: an update sets the whole resource server; scopes it leaves out are gone.
    const updated = await stack.sdk.send(
      new UpdateResourceServerCommand({
        UserPoolId: stack.poolId,
        Identifier: identifier,
        Name: "Orders API v2",
        Scopes: [SCOPES[0]!],
      }),
    );
    expect(updated.ResourceServer).toEqual({ ...expected, Name: "Orders API v2", Scopes: [SCOPES[0]] });

    await stack.sdk.send(new DeleteResourceServerCommand({ UserPoolId: stack.poolId, Identifier: identifier }));
    await expectAwsError(
      stack.sdk.send(new DescribeResourceServerCommand({ UserPoolId: stack.poolId, Identifier: identifier })),
      ResourceNotFoundException,
    );
    await expectAwsError(
      stack.sdk.send(new DeleteResourceServerCommand({ UserPoolId: stack.poolId, Identifier: identifier })),
      ResourceNotFoundException,
    );
    await expectAwsError(
      stack.sdk.send(new UpdateResourceServerCommand({ UserPoolId: stack.poolId, Identifier: identifier, Name: "x" })),
      ResourceNotFoundException,
    );
  });

  it("AWS: ListResourceServers returns at most MaxResults (1–50) and a NextToken for the rest; the gateway pages them in creation order", async () => {
    const client = sdk(stack.url);
    const { UserPool } = await client.send(new CreateUserPoolCommand({ PoolName: "paging" }));
    const poolId = UserPool!.Id!;
    const identifiers = ["a-api", "b-api", "c-api"];
    for (const identifier of identifiers) await createResourceServer(identifier, SCOPES, poolId);
    const first = await client.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 2 }));
    expect(first.ResourceServers?.map((s) => s.Identifier)).toEqual(["a-api", "b-api"]);
    expect(first.NextToken).toEqual(expect.any(String));
    const second = await client.send(
      new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 2, NextToken: first.NextToken }),
    );
    expect(second.ResourceServers?.map((s) => s.Identifier)).toEqual(["c-api"]);
    expect(second.NextToken).toBeUndefined();
    await expectAwsError(
      client.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 51 })),
      InvalidParameterException,
    );
    await expectAwsError(
      client.send(new ListResourceServersCommand({ UserPoolId: poolId, MaxResults: 2, NextToken: "forged" })),
      InvalidParameterException,
    );
  });

  it("AWS: the identifier, name and scope names must match the API reference's patterns and be 1–256 characters, with at most 100 scopes; the gateway refuses the rest with InvalidParameterException and stores nothing", async () => {
    const refused: Array<{ identifier?: string; name?: string; scopes?: ResourceServerScopeType[] }> = [
      { identifier: "has space" }, // pattern [\x21\x23-\x5B\x5D-\x7E]+: no space,
      { identifier: 'has"quote' }, // no double quote,
      { identifier: "back\\slash" }, // no backslash
      { identifier: "x".repeat(257) },
      { identifier: "" },
      { name: "semi;colon" }, // name pattern [\w\s+=,.@-]+
      { scopes: [{ ScopeName: "with/slash", ScopeDescription: "d" }] }, // scope names: no slash
      { scopes: [{ ScopeName: "ok", ScopeDescription: "" }] },
      { scopes: [{ ScopeName: "ok" } as ResourceServerScopeType] }, // ScopeDescription is required
      {
        scopes: [
          { ScopeName: "twice", ScopeDescription: "a" },
          { ScopeName: "twice", ScopeDescription: "b" },
        ],
      },
      { scopes: Array.from({ length: 101 }, (_, i) => ({ ScopeName: `s${i}`, ScopeDescription: "d" })) },
    ];
    for (const r of refused) {
      const identifier = r.identifier ?? uniqueIdentifier();
      await expectAwsError(
        stack.sdk.send(
          new CreateResourceServerCommand({
            UserPoolId: stack.poolId,
            Identifier: identifier,
            Name: r.name ?? "Orders API",
            Scopes: r.scopes ?? SCOPES,
          }),
        ),
        InvalidParameterException,
      );
      if (identifier.length > 0 && identifier.length <= 256 && !/["\\ ]/.test(identifier)) {
        await expectAwsError(
          stack.sdk.send(new DescribeResourceServerCommand({ UserPoolId: stack.poolId, Identifier: identifier })),
          ResourceNotFoundException,
        );
      }
    }
    // The API reference's own examples pass.
    await createResourceServer(uniqueIdentifier("solar-system-data"));
    await createResourceServer(uniqueIdentifier("https://solar-system-data-api.example.com"));
  });

  it("AWS: an identifier is unique in its pool, the pool must exist, and a pool holds at most 25 resource servers; the gateway refuses the rest", async () => {
    const identifier = uniqueIdentifier();
    await createResourceServer(identifier);
    await expectAwsError(createResourceServer(identifier), InvalidParameterException);
    await expectAwsError(
      createResourceServer(uniqueIdentifier(), SCOPES, "local_nosuchpool"),
      ResourceNotFoundException,
    );

    const { UserPool } = await stack.sdk.send(new CreateUserPoolCommand({ PoolName: "quota" }));
    const poolId = UserPool!.Id!;
    for (let i = 0; i < 25; i++) await createResourceServer(`api-${i}`, SCOPES, poolId);
    await expectAwsError(createResourceServer("api-25", SCOPES, poolId), LimitExceededException);
  });

  it("AWS keeps resource servers like the rest of the pool; the gateway keeps them in its state directory, across a restart", async () => {
    const emulator = await startPrivateEmulator();
    try {
      const client = sdk(emulator.url);
      const { UserPool } = await client.send(new CreateUserPoolCommand({ PoolName: "durable-rs" }));
      await createResourceServer("durable-api", SCOPES, UserPool!.Id!, client);
      await emulator.stop();
      await emulator.start();
      const { ResourceServer } = await sdk(emulator.url).send(
        new DescribeResourceServerCommand({ UserPoolId: UserPool!.Id!, Identifier: "durable-api" }),
      );
      expect(ResourceServer?.Scopes).toEqual(SCOPES);
    } finally {
      await emulator.dispose();
    }
  });
});

describe("app clients' OAuth settings", () => {
  it("AWS: 'Your app client must have a client secret to perform client_credentials grants'; without one, CreateUserPoolClient and UpdateUserPoolClient fail with InvalidOAuthFlowException", async () => {
    const identifier = uniqueIdentifier();
    await createResourceServer(identifier);
    await expectAwsError(
      createClient(stack, {
        AllowedOAuthFlows: ["client_credentials"],
        AllowedOAuthScopes: [`${identifier}/orders.read`],
      }),
      InvalidOAuthFlowException,
      "client_credentials flow can not be selected if client does not have a client secret.",
    );
    const { clientId } = await createClient(stack);
    await expectAwsError(
      stack.sdk.send(
        new UpdateUserPoolClientCommand({
          UserPoolId: stack.poolId,
          ClientId: clientId,
          AllowedOAuthFlows: ["client_credentials"],
          AllowedOAuthScopes: [`${identifier}/orders.read`],
        }),
      ),
      InvalidOAuthFlowException,
      "client_credentials flow can not be selected if client does not have a client secret.",
    );
  });

  it("AWS: 'You can't enable client credentials grants in the same app client as either implicit or authorization code grants'; the gateway refuses that too", async () => {
    const identifier = uniqueIdentifier();
    await createResourceServer(identifier);
    for (const other of ["code", "implicit"] as const) {
      await expectAwsError(
        createClient(stack, {
          GenerateSecret: true,
          AllowedOAuthFlows: ["client_credentials", other],
          AllowedOAuthScopes: [`${identifier}/orders.read`],
        }),
        InvalidOAuthFlowException,
        "client_credentials flow can not be selected along with code flow or implicit flow.",
      );
    }
  });

  it("AWS: 'Because you don't invoke the client credentials flow as a user, you can only populate custom scopes' with it; a custom scope must exist ('Invalid scope requested'); the gateway checks both", async () => {
    const identifier = uniqueIdentifier();
    await createResourceServer(identifier);
    await expectAwsError(
      createClient(stack, {
        GenerateSecret: true,
        AllowedOAuthFlows: ["client_credentials"],
        AllowedOAuthScopes: [`${identifier}/orders.read`, "openid"],
      }),
      InvalidOAuthFlowException,
      "openid is not supported with client_credentials flow",
    );
    for (const flows of [["client_credentials"], ["code"]] satisfies OAuthFlowType[][]) {
      await expectAwsError(
        createClient(stack, {
          GenerateSecret: true,
          AllowedOAuthFlows: flows,
          AllowedOAuthScopes: [`${identifier}/orders.delete`],
        }),
        ScopeDoesNotExistException,
        `Invalid scope requested: ${identifier}/orders.delete`,
      );
    }
    // A user-facing (code) client may be allowed custom scopes beside OpenID's.
    await createClient(stack, { AllowedOAuthScopes: ["openid", "email", `${identifier}/orders.read`] });
  });
});

describe("/oauth2/token with grant_type=client_credentials", () => {
  const verifier = (clientId: string) =>
    JwtVerifier.create(
      {
        issuer: `${stack.url}/${stack.poolId}`,
        jwksUri: `${stack.url}/${stack.poolId}/.well-known/jwks.json`,
        audience: null,
        customJwtCheck: ({ payload }) =>
          validateCognitoJwtFields(payload, { tokenUse: "access", clientId, groups: null }),
      },
      // aws-jwt-verify's own fetcher takes https only; the emulator is http.
      { jwksCache: new SimpleJwksCache({ fetcher: { fetch: async (uri) => (await fetch(uri)).arrayBuffer() } }) },
    );

  it("AWS: with HTTP Basic credentials and no scope, 'the authentication server uses all custom scopes associated with the client'; the token is the client's own (no user), lives as the client's access tokens do, and verifies against the JWKS", async () => {
    const m = await machine({ client: { AccessTokenValidity: 5, TokenValidityUnits: { AccessToken: "minutes" } } });
    const res = await clientCredentials({ clientId: m.clientId, clientSecret: m.clientSecret });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toBe("no-store");
    expect(res.body).toEqual({ access_token: expect.any(String), expires_in: 300, token_type: "Bearer" });
    const claims = decodePayload(res.body.access_token as string);
    expect(claims).toEqual({
      sub: m.clientId,
      token_use: "access",
      // In the order AWS lays a scope set out (a Java HashSet's, checked against AWS's examples in
      // gateway-claim-order.test.ts): it depends on the scope strings, which are random per test.
      scope: awsScopeString(m.scopes),
      auth_time: expect.any(Number),
      iss: `${stack.url}/${stack.poolId}`,
      exp: (claims.iat as number) + 300,
      iat: expect.any(Number),
      version: 2,
      jti: expect.any(String),
      client_id: m.clientId,
    });
    await expect(verifier(m.clientId).verify(res.body.access_token as string)).resolves.toMatchObject({
      client_id: m.clientId,
    });
  });

  it("AWS: the client may ask for a subset of its scopes, with its credentials in the form (client_secret_post); the token carries just those", async () => {
    const m = await machine();
    const res = await clientCredentials({
      clientId: m.clientId,
      clientSecret: m.clientSecret,
      auth: "post",
      scope: m.scopes[1],
    });
    expect(res.status).toBe(200);
    expect(decodePayload(res.body.access_token as string).scope).toBe(m.scopes[1]);
  });

  it("AWS: 'If a client requests a disallowed scope at runtime, an error is returned and an access token isn't issued' (invalid_scope); the gateway too, for a scope it is not allowed or one that exists nowhere", async () => {
    const m = await machine({ allowed: ["orders.read"] });
    for (const scope of [`${m.identifier}/orders.write`, `${m.scopes[0]} ${m.identifier}/orders.write`, "openid"]) {
      const res = await clientCredentials({ clientId: m.clientId, clientSecret: m.clientSecret, scope });
      expect(res.status, scope).toBe(400);
      expect(res.body).toEqual({ error: "invalid_scope", error_description: expect.any(String) });
    }
  });

  it("AWS: 'If a client app requests the deleted scope at runtime, the scope is ignored and is not included in the access token'; the gateway leaves it out too", async () => {
    const m = await machine();
    await stack.sdk.send(
      new UpdateResourceServerCommand({
        UserPoolId: stack.poolId,
        Identifier: m.identifier,
        Name: "Orders API",
        Scopes: [SCOPES[0]!],
      }),
    );
    const all = await clientCredentials({ clientId: m.clientId, clientSecret: m.clientSecret });
    expect(decodePayload(all.body.access_token as string).scope).toBe(m.scopes[0]);
    const asked = await clientCredentials({
      clientId: m.clientId,
      clientSecret: m.clientSecret,
      scope: m.scopes.join(" "),
    });
    expect(decodePayload(asked.body.access_token as string).scope).toBe(m.scopes[0]);
  });

  it("AWS: invalid_client (401) when 'there's no such client with that client_id and client_secret'; the gateway too, for a wrong secret, none, or an unknown client", async () => {
    const m = await machine();
    for (const r of [
      { clientId: m.clientId, clientSecret: `${m.clientSecret}x` },
      { clientId: m.clientId, clientSecret: undefined, auth: "post" as const },
      { clientId: "nosuchclient1234567890", clientSecret: m.clientSecret },
    ]) {
      const res = await clientCredentials(r);
      expect(res.status).toBe(401);
      expect(res.body).toEqual({ error: "invalid_client", error_description: expect.any(String) });
      expect(res.body.access_token).toBeUndefined();
    }
  });

  it("AWS: unauthorized_client when the client is not allowed the grant; the gateway refuses a user-facing client, public or confidential", async () => {
    const confidential = await createClient(stack, { GenerateSecret: true });
    for (const r of [
      { clientId: stack.web.clientId, auth: "post" as const },
      { clientId: confidential.clientId, clientSecret: confidential.clientSecret },
    ]) {
      const res = await clientCredentials(r);
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: "unauthorized_client", error_description: expect.any(String) });
    }
  });
});

describe("custom scopes for users", () => {
  it("AWS: the authorization server 'checks that the scopes requested are part of the scopes authorized for this client id', and the tokens carry the scopes requested; a user's Hosted UI sign-in asking for a custom scope the client allows gets it in the access token, the gateway too", async () => {
    const identifier = uniqueIdentifier();
    await createResourceServer(identifier);
    const read = `${identifier}/orders.read`;
    const write = `${identifier}/orders.write`;
    const client = await createClient(stack, { AllowedOAuthScopes: ["openid", "email", read] });
    const user = await createUser(stack);

    const { code, verifier } = await hostedSignIn(stack, {
      clientId: client.clientId,
      username: user.email,
      password: user.password,
      scope: `openid ${read}`,
    });
    const exchanged = await tokenRequest(stack, { code, verifier, clientId: client.clientId, auth: "none" });
    expect(exchanged.status).toBe(200);
    const access = decodePayload(exchanged.body.access_token as string);
    expect(access.scope).toBe(awsScopeString(["openid", read]));
    expect(access.username).toBe(user.username);
    // Not asked for, not granted: the client's other scopes stay out.
    expect(String(access.scope).split(" ")).not.toContain("email");

    // A custom scope the client is not allowed is refused before any sign-in page.
    const refused = await browse(
      authorizeUrl(stack, { clientId: client.clientId, scope: `openid ${write}`, state: "s-1" }),
      new CookieJar(),
    );
    const { url } = callbackParams(refused);
    expect(url.searchParams.get("error")).toBe("invalid_scope");
    expect(url.searchParams.get("state")).toBe("s-1");
  });
});
