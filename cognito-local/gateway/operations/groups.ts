/**
 * Groups: `CreateGroup` refuses a name already taken (cognito-local
 * overwrites the group), `GetGroup`, `UpdateGroup` and `DeleteGroup` answer
 * an unknown group with ResourceNotFoundException (cognito-local fails with
 * an internal error in a pool that has never had a group),
 * `AdminListGroupsForUser` accepts any of the user's names (cognito-local's
 * matches only the exact username), and the lists page as AWS's do. (Adding
 * and removing members, and listing them: federated-users.ts, with the other
 * calls on one user.)
 */
import { AwsError } from "../errors.ts";
import type { OperationContext } from "./context.ts";
import { withUsername } from "./federated-users.ts";
import type { Handler, OperationTable } from "./operation.ts";
import { page } from "./pages.ts";

const createGroup: Handler<"CreateGroup"> = async (input, ctx) => {
  if (!input.GroupName) throw new AwsError("InvalidParameterException", "Missing required parameter GroupName");
  if (await groupExists(ctx, input.UserPoolId, input.GroupName)) {
    throw new AwsError("GroupExistsException", "A group with the name already exists.");
  }
  return ctx.up.call("CreateGroup", input);
};

/** (ListGroups, not GetGroup: cognito-local's GetGroup fails in a pool that has never had a group.) */
async function groupExists(ctx: OperationContext, poolId: unknown, groupName: string): Promise<boolean> {
  const { Groups = [] } = await ctx.up.call("ListGroups", { UserPoolId: String(poolId ?? "") });
  return Groups.some((g) => g.GroupName === groupName);
}

/** GetGroup, UpdateGroup, DeleteGroup: only for a group that exists. */
const existingGroup =
  <Op extends "GetGroup" | "UpdateGroup" | "DeleteGroup">(operation: Op): Handler<Op> =>
  async (input, ctx) => {
    if (!input.GroupName) throw new AwsError("InvalidParameterException", "Missing required parameter GroupName");
    if (!(await groupExists(ctx, input.UserPoolId, input.GroupName))) {
      throw new AwsError("ResourceNotFoundException", "Group not found.");
    }
    return ctx.up.call(operation, input as never);
  };

const adminListGroupsForUser: Handler<"AdminListGroupsForUser"> = async (input, ctx) => {
  const { Limit, NextToken, ...rest } = await withUsername(ctx, input);
  const { Groups = [] } = await ctx.up.call("AdminListGroupsForUser", rest);
  const { items, next } = page(Groups, Limit, NextToken, {
    limitName: "limit",
    min: 0,
    default: 60,
    listKey: `groups-of:${rest.UserPoolId}:${rest.Username}`,
    keyOf: (g) => g.GroupName ?? "",
  });
  return { Groups: items, ...(next ? { NextToken: next } : {}) };
};

const listGroups: Handler<"ListGroups"> = async (input, ctx) => {
  const { Limit, NextToken, ...rest } = input;
  const { Groups = [] } = await ctx.up.call("ListGroups", rest);
  const { items, next } = page(Groups, Limit, NextToken, {
    limitName: "limit",
    min: 0,
    default: 60,
    listKey: `groups:${rest.UserPoolId}`,
    keyOf: (g) => g.GroupName ?? "",
  });
  return { Groups: items, ...(next ? { NextToken: next } : {}) };
};

export const groupOperations = {
  CreateGroup: createGroup,
  GetGroup: existingGroup("GetGroup"),
  UpdateGroup: existingGroup("UpdateGroup"),
  DeleteGroup: existingGroup("DeleteGroup"),
  ListGroups: listGroups,
  AdminListGroupsForUser: adminListGroupsForUser,
} satisfies OperationTable;
