/**
 * App clients: `CreateUserPoolClient`, `UpdateUserPoolClient` and
 * `DescribeUserPoolClient`, with the client's `RefreshTokenRotation`, which
 * cognito-local drops, kept in the gateway's PoolSettings.
 */
import type { RefreshTokenRotationType, UserPoolClientType } from "@aws-sdk/client-cognito-identity-provider";
import { AwsError, validationError } from "../errors.ts";
import type { PoolSettings } from "../pool-settings.ts";
import type { OperationContext } from "./context.ts";
import type { Handler, OperationTable } from "./operation.ts";
import { page } from "./pages.ts";

const createUserPoolClient: Handler<"CreateUserPoolClient"> = async (input, ctx) => {
  checkSupportedProviders(ctx, input.UserPoolId, input.SupportedIdentityProviders);
  const rotation = parseRotation(input.RefreshTokenRotation);
  const { RefreshTokenRotation: _, ...forward } = input;
  const result = await ctx.up.call("CreateUserPoolClient", forward);
  return keepRotation(ctx.stores.settings, result, result.UserPoolClient?.ClientId, rotation);
};

const updateUserPoolClient: Handler<"UpdateUserPoolClient"> = async (input, ctx) => {
  checkSupportedProviders(ctx, input.UserPoolId, input.SupportedIdentityProviders);
  const rotation = parseRotation(input.RefreshTokenRotation);
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
  });
  return { UserPoolClients: items, ...(next ? { NextToken: next } : {}) };
};

export const clientOperations = {
  CreateUserPoolClient: createUserPoolClient,
  UpdateUserPoolClient: updateUserPoolClient,
  DescribeUserPoolClient: describeUserPoolClient,
  ListUserPoolClients: listUserPoolClients,
} satisfies OperationTable;
