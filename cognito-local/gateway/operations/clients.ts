/**
 * App clients: `CreateUserPoolClient`, `UpdateUserPoolClient` and
 * `DescribeUserPoolClient`, with the client's `RefreshTokenRotation`, which
 * cognito-local drops, kept in the gateway's PoolSettings, and its OAuth
 * flows and scopes checked as AWS checks them (cognito-local stores any).
 */
import type { RefreshTokenRotationType, UserPoolClientType } from "@aws-sdk/client-cognito-identity-provider";
import { AwsError, validationError } from "../errors.ts";
import type { PoolSettings } from "../pool-settings.ts";
import type { ResourceServers } from "../resource-servers.ts";
import type { OperationContext } from "./context.ts";
import type { Handler, OperationTable } from "./operation.ts";
import { page } from "./pages.ts";

/** The scopes AWS defines itself; any other scope is a resource server's custom scope. */
export const STANDARD_SCOPES: readonly string[] = [
  "openid",
  "email",
  "phone",
  "profile",
  "aws.cognito.signin.user.admin",
];
const OAUTH_FLOWS: readonly string[] = ["code", "implicit", "client_credentials"];

const createUserPoolClient: Handler<"CreateUserPoolClient"> = async (input, ctx) => {
  checkSupportedProviders(ctx, input.UserPoolId, input.SupportedIdentityProviders);
  const rotation = parseRotation(input.RefreshTokenRotation);
  checkOAuthSettings(ctx.stores.resourceServers, String(input.UserPoolId), {
    flows: input.AllowedOAuthFlows,
    scopes: input.AllowedOAuthScopes,
    hasSecret: input.GenerateSecret === true,
  });
  const { RefreshTokenRotation: _, ...forward } = input;
  const result = await ctx.up.call("CreateUserPoolClient", forward);
  return keepRotation(ctx.stores.settings, result, result.UserPoolClient?.ClientId, rotation);
};

const updateUserPoolClient: Handler<"UpdateUserPoolClient"> = async (input, ctx) => {
  checkSupportedProviders(ctx, input.UserPoolId, input.SupportedIdentityProviders);
  const rotation = parseRotation(input.RefreshTokenRotation);
  if (input.AllowedOAuthFlows !== undefined || input.AllowedOAuthScopes !== undefined) {
    // What the client will hold: cognito-local keeps a setting the update leaves out.
    const current = await ctx.up.call("DescribeUserPoolClient", {
      UserPoolId: input.UserPoolId,
      ClientId: input.ClientId,
    });
    checkOAuthSettings(ctx.stores.resourceServers, String(input.UserPoolId), {
      flows: input.AllowedOAuthFlows ?? current.UserPoolClient?.AllowedOAuthFlows,
      scopes: input.AllowedOAuthScopes ?? current.UserPoolClient?.AllowedOAuthScopes,
      hasSecret: Boolean(current.UserPoolClient?.ClientSecret),
      // A custom scope deleted since it was allowed stays allowed (AWS marks it inactive).
      newScopes: input.AllowedOAuthScopes !== undefined,
    });
  }
  const { RefreshTokenRotation: _, ...forward } = input;
  const result = await ctx.up.call("UpdateUserPoolClient", forward);
  return keepRotation(ctx.stores.settings, result, result.UserPoolClient?.ClientId ?? input.ClientId, rotation);
};

/**
 * Keeps `RefreshTokenRotation`. Like cognito-local's own update (and
 * unlike AWS, which resets what an update omits), an update without it
 * keeps the current setting.
 */
function keepRotation<R extends { UserPoolClient?: UserPoolClientType }>(
  settings: PoolSettings,
  result: R,
  clientId: string | undefined,
  rotation: RefreshTokenRotationType | undefined,
): R {
  if (rotation && clientId) settings.setRotation(clientId, rotation);
  return result.UserPoolClient
    ? { ...result, UserPoolClient: withClientSettings(settings, result.UserPoolClient) }
    : result;
}

const describeUserPoolClient: Handler<"DescribeUserPoolClient"> = async (input, ctx) => {
  const result = await ctx.up.call("DescribeUserPoolClient", input);
  return result.UserPoolClient
    ? { ...result, UserPoolClient: withClientSettings(ctx.stores.settings, result.UserPoolClient) }
    : result;
};

/** AWS allows a client only the pool's own sign-in (COGNITO) and providers the pool has. */
function checkSupportedProviders(ctx: OperationContext, poolId: unknown, names: string[] | undefined): void {
  for (const name of names ?? []) {
    if (name === "COGNITO" || (typeof poolId === "string" && ctx.federation.providers.get(poolId, name))) continue;
    throw new AwsError(
      "InvalidParameterException",
      `The provider ${name} does not exist for User Pool ${String(poolId)}`,
    );
  }
}

function withClientSettings(settings: PoolSettings, client: UserPoolClientType): UserPoolClientType {
  const rotation = settings.storedRotation(client.ClientId ?? "");
  return rotation ? { ...client, RefreshTokenRotation: rotation } : client;
}

/**
 * AllowedOAuthFlows and AllowedOAuthScopes as AWS accepts them: known flows;
 * `client_credentials` only for a client with a secret and never beside
 * `code` or `implicit`; scopes that exist (AWS's own, or a custom scope of
 * one of the pool's resource servers), and only custom ones for
 * `client_credentials`, which has no user to carry them.
 */
function checkOAuthSettings(
  resourceServers: ResourceServers,
  poolId: string,
  client: { flows?: string[]; scopes?: string[]; hasSecret: boolean; newScopes?: boolean },
): void {
  const flows = client.flows ?? [];
  const scopes = client.scopes ?? [];
  if (flows.some((flow) => !OAUTH_FLOWS.includes(flow))) {
    throw validationError(
      flows,
      "allowedOAuthFlows",
      `Member must satisfy constraint: [Member must satisfy enum value set: [${OAUTH_FLOWS.join(", ")}]]`,
    );
  }
  const machine = flows.includes("client_credentials");
  if (machine && !client.hasSecret) {
    throw new AwsError(
      "InvalidOAuthFlowException",
      "client_credentials flow can not be selected if client does not have a client secret.",
    );
  }
  if (machine && (flows.includes("code") || flows.includes("implicit"))) {
    throw new AwsError(
      "InvalidOAuthFlowException",
      "client_credentials flow can not be selected along with code flow or implicit flow.",
    );
  }
  for (const scope of client.newScopes === false ? [] : scopes) {
    if (!STANDARD_SCOPES.includes(scope) && !resourceServers.hasScope(poolId, scope)) {
      throw new AwsError("ScopeDoesNotExistException", `Invalid scope requested: ${scope}`);
    }
  }
  const standard = machine ? scopes.find((scope) => STANDARD_SCOPES.includes(scope)) : undefined;
  if (standard !== undefined) {
    throw new AwsError("InvalidOAuthFlowException", `${standard} is not supported with client_credentials flow`);
  }
}

function parseRotation(value: unknown): RefreshTokenRotationType | undefined {
  if (value === undefined) return undefined;
  const { Feature, RetryGracePeriodSeconds } = (value ?? {}) as Record<string, unknown>;
  if (Feature !== "ENABLED" && Feature !== "DISABLED") {
    throw validationError(
      Feature,
      "refreshTokenRotation.feature",
      "Member must satisfy enum value set: [ENABLED, DISABLED]",
    );
  }
  if (
    RetryGracePeriodSeconds !== undefined &&
    (typeof RetryGracePeriodSeconds !== "number" ||
      !Number.isInteger(RetryGracePeriodSeconds) ||
      RetryGracePeriodSeconds < 0 ||
      RetryGracePeriodSeconds > 60)
  ) {
    throw validationError(
      RetryGracePeriodSeconds,
      "refreshTokenRotation.retryGracePeriodSeconds",
      "Member must have value between 0 and 60",
    );
  }
  return {
    Feature,
    ...(RetryGracePeriodSeconds !== undefined ? { RetryGracePeriodSeconds: RetryGracePeriodSeconds as number } : {}),
  };
}

/** ListUserPoolClients: MaxResults 1…60 (default 60), and the list pages. */
const listUserPoolClients: Handler<"ListUserPoolClients"> = async (input, ctx) => {
  const { MaxResults, NextToken, ...rest } = input;
  const { UserPoolClients = [] } = await ctx.up.call("ListUserPoolClients", rest);
  const { items, next } = page(UserPoolClients, MaxResults, NextToken, {
    limitName: "maxResults",
    min: 1,
    default: 60,
    listKey: `clients:${rest.UserPoolId}`,
    keyOf: (c) => c.ClientId ?? "",
  });
  return { UserPoolClients: items, ...(next ? { NextToken: next } : {}) };
};

export const clientOperations = {
  CreateUserPoolClient: createUserPoolClient,
  UpdateUserPoolClient: updateUserPoolClient,
  DescribeUserPoolClient: describeUserPoolClient,
  ListUserPoolClients: listUserPoolClients,
} satisfies OperationTable;
