/**
 * Resource servers: `CreateResourceServer`, `DescribeResourceServer`,
 * `ListResourceServers`, `UpdateResourceServer`, `DeleteResourceServer`,
 * checked as AWS checks them (the API reference's length and pattern
 * constraints, its quotas of 25 resource servers per pool and 100 scopes per
 * server) and kept in the gateway's ResourceServers store: cognito-local has
 * no resource servers at all.
 */
import type { ResourceServerType } from "@aws-sdk/client-cognito-identity-provider";
import { AwsError, missingParameter, validationError } from "../errors.ts";
import type { StoredResourceServer } from "../resource-servers.ts";
import type { OperationContext } from "./context.ts";
import type { Handler, OperationTable } from "./operation.ts";

/** AWS's quotas: resource servers per user pool (its default), scopes per resource server. */
export const MAX_RESOURCE_SERVERS_PER_POOL = 25;
export const MAX_SCOPES_PER_RESOURCE_SERVER = 100;
const MAX_LIST_RESULTS = 50;

/** The API reference's patterns (ResourceServerType, ResourceServerScopeType). */
const IDENTIFIER = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const NAME = /^[\w\s+=,.@-]+$/;
const SCOPE_NAME = /^[\x21\x23-\x2E\x30-\x5B\x5D-\x7E]+$/;

const createResourceServer: Handler<"CreateResourceServer"> = async (input, ctx) => {
  const server = await checkedServer(input, ctx);
  const { resourceServers } = ctx.stores;
  if (resourceServers.get(server.UserPoolId, server.Identifier)) {
    throw new AwsError(
      "InvalidParameterException",
      `${server.Identifier} already exists in user pool ${server.UserPoolId}.`,
    );
  }
  if (resourceServers.list(server.UserPoolId).length >= MAX_RESOURCE_SERVERS_PER_POOL) {
    throw new AwsError(
      "LimitExceededException",
      `The user pool ${server.UserPoolId} has reached its limit of ${MAX_RESOURCE_SERVERS_PER_POOL} resource servers.`,
    );
  }
  resourceServers.put(server);
  return { ResourceServer: resourceServers.get(server.UserPoolId, server.Identifier)! };
};

const describeResourceServer: Handler<"DescribeResourceServer"> = async (input, ctx) => {
  const poolId = await existingPool(input.UserPoolId, ctx);
  return { ResourceServer: existingServer(ctx, poolId, input.Identifier) };
};

/** Pages of the pool's resource servers; NextToken is the identifier to go on after. */
const listResourceServers: Handler<"ListResourceServers"> = async (input, ctx) => {
  const poolId = await existingPool(input.UserPoolId, ctx);
  const max = input.MaxResults ?? MAX_LIST_RESULTS;
  if (!Number.isInteger(max) || max < 1 || max > MAX_LIST_RESULTS) {
    throw validationError(max, "maxResults", `Member must have value between 1 and ${MAX_LIST_RESULTS}`);
  }
  const all = ctx.stores.resourceServers.list(poolId);
  let start = 0;
  if (input.NextToken !== undefined) {
    const after = decodeToken(input.NextToken);
    const at = after === null ? -1 : all.findIndex((s) => s.Identifier === after);
    if (at < 0) throw new AwsError("InvalidParameterException", "Invalid pagination token.");
    start = at + 1;
  }
  const page = all.slice(start, start + max);
  const more = start + max < all.length;
  return {
    ResourceServers: page,
    ...(more ? { NextToken: encodeToken(page[page.length - 1]!.Identifier!) } : {}),
  };
};

/** As on AWS, an update sets the whole server: scopes it leaves out are gone. */
const updateResourceServer: Handler<"UpdateResourceServer"> = async (input, ctx) => {
  const server = await checkedServer(input, ctx);
  existingServer(ctx, server.UserPoolId, server.Identifier);
  ctx.stores.resourceServers.put(server);
  return { ResourceServer: ctx.stores.resourceServers.get(server.UserPoolId, server.Identifier)! };
};

const deleteResourceServer: Handler<"DeleteResourceServer"> = async (input, ctx) => {
  const poolId = await existingPool(input.UserPoolId, ctx);
  existingServer(ctx, poolId, input.Identifier);
  ctx.stores.resourceServers.delete(poolId, String(input.Identifier));
  return {};
};

/** The request's resource server, every member checked; the pool must exist. */
async function checkedServer(
  input: { UserPoolId?: string; Identifier?: string; Name?: string; Scopes?: ResourceServerType["Scopes"] },
  ctx: OperationContext,
): Promise<StoredResourceServer> {
  const identifier = checkString(input.Identifier, "identifier", IDENTIFIER);
  const name = checkString(input.Name, "name", NAME);
  const scopes = input.Scopes ?? [];
  if (scopes.length > MAX_SCOPES_PER_RESOURCE_SERVER) {
    throw validationError(
      scopes.length,
      "scopes",
      `Member must have length less than or equal to ${MAX_SCOPES_PER_RESOURCE_SERVER}`,
    );
  }
  const checked = scopes.map((scope, i) => ({
    ScopeName: checkString(scope?.ScopeName, `scopes.${i + 1}.member.scopeName`, SCOPE_NAME),
    ScopeDescription: checkString(scope?.ScopeDescription, `scopes.${i + 1}.member.scopeDescription`),
  }));
  const names = checked.map((s) => s.ScopeName);
  const repeated = names.find((n, i) => names.indexOf(n) !== i);
  if (repeated !== undefined) {
    throw new AwsError("InvalidParameterException", `Duplicate scope name ${repeated} in the resource server.`);
  }
  const poolId = await existingPool(input.UserPoolId, ctx);
  return { UserPoolId: poolId, Identifier: identifier, Name: name, Scopes: checked };
}

async function existingPool(poolId: unknown, ctx: OperationContext): Promise<string> {
  if (typeof poolId !== "string" || !poolId) throw missingParameter("userPoolId");
  await ctx.up.pool(poolId);
  return poolId;
}

function existingServer(ctx: OperationContext, poolId: string, identifier: unknown): ResourceServerType {
  const id = checkString(identifier, "identifier", IDENTIFIER);
  const server = ctx.stores.resourceServers.get(poolId, id);
  if (!server) throw new AwsError("ResourceNotFoundException", `Resource server ${id} does not exist.`);
  return server;
}

/** A required string of 1–256 characters, matching `pattern` when given. */
function checkString(value: unknown, at: string, pattern?: RegExp): string {
  if (value === undefined || value === null) throw missingParameter(at);
  if (typeof value !== "string" || value.length < 1 || value.length > 256) {
    throw validationError(value, at, "Member must have length between 1 and 256");
  }
  if (pattern && !pattern.test(value)) {
    throw validationError(value, at, `Member must satisfy regular expression pattern: ${patternText(pattern)}`);
  }
  return value;
}

/** The pattern as the API reference writes it, without the anchors. */
const patternText = (pattern: RegExp) => pattern.source.replace(/^\^|\$$/g, "");

const encodeToken = (identifier: string) => Buffer.from(identifier, "utf8").toString("base64url");

function decodeToken(token: string): string | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  return Buffer.from(token, "base64url").toString("utf8");
}

export const resourceServerOperations = {
  CreateResourceServer: createResourceServer,
  DescribeResourceServer: describeResourceServer,
  ListResourceServers: listResourceServers,
  UpdateResourceServer: updateResourceServer,
  DeleteResourceServer: deleteResourceServer,
} satisfies OperationTable;
