/**
 * Users that outside identities sign in as, presented as AWS presents them.
 * cognito-local files a federated user under a name of its own (in a pool
 * that signs in by email, its `sub`), so the gateway answers to the AWS name
 * (`Google_<sub>`) on the admin calls that take a `Username`, and shows
 * `UserStatus: EXTERNAL_PROVIDER` and the `identities` attribute (also on
 * users that have identities linked to them) on the calls that list users
 * (`ListUsers` pages them too: user-listing.ts).
 */
import type { AttributeType, UserType } from "@aws-sdk/client-cognito-identity-provider";
import { identitiesAttribute } from "../federation/identities.ts";
import type { OperationContext } from "./context.ts";
import type { Handler, Input, Operation, OperationTable } from "./operation.ts";

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

/** An admin call on one user: passed to cognito-local under the name it knows. */
function byUpstreamName<Op extends Operation>(operation: Op): Handler<Op> {
  return async (input, ctx) => {
    const fields = input as Input<Op> & { UserPoolId?: string; Username?: string };
    const forward = { ...fields, Username: upstreamName(ctx, fields.UserPoolId, fields.Username) };
    return ctx.up.call(operation, forward as Input<Op>);
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
  const result = await ctx.up.call("AdminGetUser", {
    ...input,
    Username: upstreamName(ctx, input.UserPoolId, input.Username),
  });
  return presented(ctx, String(input.UserPoolId), result, "UserAttributes");
};

const listUsersInGroup: Handler<"ListUsersInGroup"> = async (input, ctx) => {
  const result = await ctx.up.call("ListUsersInGroup", input);
  const poolId = String(input.UserPoolId);
  return { ...result, Users: result.Users?.map((u: UserType) => presented(ctx, poolId, u, "Attributes")) };
};

export const federatedUserOperations = {
  AdminGetUser: adminGetUser,
  ListUsersInGroup: listUsersInGroup,
  AdminDeleteUser: adminDeleteUser,
  AdminDisableUser: byUpstreamName("AdminDisableUser"),
  AdminEnableUser: byUpstreamName("AdminEnableUser"),
  AdminUpdateUserAttributes: byUpstreamName("AdminUpdateUserAttributes"),
  AdminDeleteUserAttributes: byUpstreamName("AdminDeleteUserAttributes"),
  AdminAddUserToGroup: byUpstreamName("AdminAddUserToGroup"),
  AdminRemoveUserFromGroup: byUpstreamName("AdminRemoveUserFromGroup"),
  AdminListGroupsForUser: byUpstreamName("AdminListGroupsForUser"),
} satisfies OperationTable;
