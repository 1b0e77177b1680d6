/**
 * The admin calls on one user, under any of the user's names, and users shown
 * as AWS shows them.
 *
 * Names: AWS takes "any of their alias attributes" wherever a call takes a
 * `Username`. cognito-local matches only the username, the sub and the
 * pool's UsernameAttributes, and files a federated user under a name of its
 * own (in a pool that signs in by email, its `sub`); so the gateway answers to
 * the AWS name (`Google_<sub>`) and to the pool's AliasAttributes (a verified
 * email or phone number, a `preferred_username`) and passes cognito-local the
 * name it knows (`withUsername`).
 *
 * Shown: `UserStatus: EXTERNAL_PROVIDER` and the `identities` attribute (also
 * on users that have identities linked to them) on the calls that list users,
 * which page as AWS's do.
 */
import type { AttributeType, UserType } from "@aws-sdk/client-cognito-identity-provider";
import { identitiesAttribute } from "../federation/identities.ts";
import type { OperationContext } from "./context.ts";
import type { Handler, Input, Operation, OperationTable } from "./operation.ts";
import { page } from "./pages.ts";

/** cognito-local's name for `username` (an AWS name `Google_…` becomes the user it stands for). */
export function upstreamName(ctx: OperationContext, poolId: unknown, username: unknown): string {
  if (typeof poolId !== "string" || typeof username !== "string") return String(username ?? "");
  return ctx.federation.users.byUsername(poolId, username)?.upstreamUsername ?? username;
}

/** A user record as AWS shows it: the federated name and status, and the `identities` attribute. */
export function presented<U extends { Username?: string; UserStatus?: string }>(
  ctx: OperationContext,
  poolId: string,
  user: U,
  attributesKey: "Attributes" | "UserAttributes",
): U {
  const upstream = user.Username ?? "";
  const federated = ctx.federation.users.byUpstream(poolId, upstream);
  const identities = ctx.federation.users.identitiesOf(poolId, upstream);
  if (!federated && identities.length === 0) return user;
  const attributes = ((user as Record<string, unknown>)[attributesKey] as AttributeType[] | undefined) ?? [];
  return {
    ...user,
    ...(federated ? { Username: federated.username, UserStatus: "EXTERNAL_PROVIDER" } : {}),
    [attributesKey]: [
      ...attributes.filter((a) => a.Name !== "identities"),
      { Name: "identities", Value: identitiesAttribute(identities) },
    ].sort((a, b) => (a.Name ?? "").localeCompare(b.Name ?? "")),
  };
}

/**
 * The call with its Username replaced by the name cognito-local knows the
 * user by, whichever of the user's names it gave. An unknown name is left
 * for cognito-local to refuse with its UserNotFoundException.
 */
export async function withUsername<T extends { UserPoolId?: string; Username?: string }>(
  ctx: OperationContext,
  input: T,
): Promise<T> {
  if (!input.UserPoolId || !input.Username) return input;
  const named = upstreamName(ctx, input.UserPoolId, input.Username);
  const user = await ctx.up.user(input.UserPoolId, named);
  const username = user?.Username ?? named;
  return username === input.Username ? input : { ...input, Username: username };
}

/** An admin call on one user: passed to cognito-local under the name it knows. */
function byUpstreamName<Op extends Operation>(operation: Op): Handler<Op> {
  return async (input, ctx) => {
    const fields = input as Input<Op> & { UserPoolId?: string; Username?: string };
    return ctx.up.call(operation, (await withUsername(ctx, fields)) as Input<Op>);
  };
}

/** Deleting a user also forgets it as a federated user, and every identity linked to it. */
const adminDeleteUser: Handler<"AdminDeleteUser"> = async (input, ctx) => {
  const poolId = String(input.UserPoolId);
  const user = await ctx.up.user(poolId, upstreamName(ctx, poolId, input.Username));
  const result = await ctx.up.call("AdminDeleteUser", { ...input, Username: user?.Username ?? input.Username });
  if (user) ctx.federation.users.forget(poolId, user.Username);
  return result;
};

const adminGetUser: Handler<"AdminGetUser"> = async (input, ctx) => {
  const result = await ctx.up.call("AdminGetUser", await withUsername(ctx, input));
  return presented(ctx, String(input.UserPoolId), result, "UserAttributes");
};

/** ListUsers, paged (Limit 0…60, PaginationToken); `status` filters on "Enabled"/"Disabled" as on AWS. */
const listUsers: Handler<"ListUsers"> = async (input, ctx) => {
  const { Limit, PaginationToken, Filter, ...rest } = input;
  // cognito-local compares `status` with its own true/false; AWS's values are Enabled and Disabled.
  const status = typeof Filter === "string" ? /^\s*status\s*(\^?=)\s*"(.*)"\s*$/.exec(Filter) : null;
  const { Users = [] } = await ctx.up.call("ListUsers", status ? rest : { ...rest, Filter });
  const matching = status
    ? Users.filter((u) => {
        const value = u.Enabled === false ? "Disabled" : "Enabled";
        return status[1] === "=" ? value === status[2] : value.startsWith(status[2] ?? "");
      })
    : Users;
  const { items, next } = page(matching, Limit, PaginationToken, {
    limitName: "limit",
    min: 0,
    default: 60,
    listKey: `users:${rest.UserPoolId}:${Filter ?? ""}`,
    keyOf: (u) => u.Username ?? "",
  });
  const poolId = String(input.UserPoolId);
  return {
    Users: items.map((u: UserType) => presented(ctx, poolId, u, "Attributes")),
    ...(next ? { PaginationToken: next } : {}),
  };
};

const listUsersInGroup: Handler<"ListUsersInGroup"> = async (input, ctx) => {
  const { Limit, NextToken, ...rest } = input;
  const { Users = [] } = await ctx.up.call("ListUsersInGroup", rest);
  const { items, next } = page(Users, Limit, NextToken, {
    limitName: "limit",
    min: 0,
    default: 60,
    listKey: `members:${rest.UserPoolId}:${rest.GroupName}`,
    keyOf: (u) => u.Username ?? "",
  });
  const poolId = String(input.UserPoolId);
  return {
    Users: items.map((u: UserType) => presented(ctx, poolId, u, "Attributes")),
    ...(next ? { NextToken: next } : {}),
  };
};

export const federatedUserOperations = {
  AdminGetUser: adminGetUser,
  ListUsers: listUsers,
  ListUsersInGroup: listUsersInGroup,
  AdminDeleteUser: adminDeleteUser,
  AdminDisableUser: byUpstreamName("AdminDisableUser"),
  AdminEnableUser: byUpstreamName("AdminEnableUser"),
  AdminUpdateUserAttributes: byUpstreamName("AdminUpdateUserAttributes"),
  AdminDeleteUserAttributes: byUpstreamName("AdminDeleteUserAttributes"),
  AdminAddUserToGroup: byUpstreamName("AdminAddUserToGroup"),
  AdminRemoveUserFromGroup: byUpstreamName("AdminRemoveUserFromGroup"),
  AdminConfirmSignUp: byUpstreamName("AdminConfirmSignUp"),
} satisfies OperationTable;
