/**
 * Listing a pool's users (`ListUsers`) in pages, as AWS does: at most `Limit`
 * (0–60, 60 by default) per answer, and a `PaginationToken` for the rest.
 * cognito-local answers every user at once, whatever `Limit` says; the
 * gateway pages its answer (the filter still is cognito-local's), each user
 * shown as AWS shows it (federated users by their AWS name:
 * federated-users.ts). Users come in username order, and the token is the
 * last username of the page, so a page goes on from where the previous one
 * ended even when users were added or removed in between.
 */
import { AwsError, validationError } from "../errors.ts";
import { presented } from "./federated-users.ts";
import type { Handler, OperationTable } from "./operation.ts";

/** AWS's most users per page, and its default. */
const MAX_LIMIT = 60;

const listUsers: Handler<"ListUsers"> = async (input, ctx) => {
  const limit = input.Limit ?? MAX_LIMIT;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIMIT) {
    throw validationError(limit, "limit", `Member must have value less than or equal to ${MAX_LIMIT}`);
  }
  let after: string | undefined;
  if (input.PaginationToken !== undefined) {
    after = decodeToken(input.PaginationToken);
    if (after === undefined) throw new AwsError("InvalidParameterException", "Invalid pagination token.");
  }
  const { Limit: _, PaginationToken: __, ...forward } = input;
  const { Users = [] } = await ctx.up.call("ListUsers", forward);
  const poolId = String(input.UserPoolId);
  const sorted = Users.map((user) => presented(ctx, poolId, user, "Attributes")).sort((a, b) =>
    compare(a.Username ?? "", b.Username ?? ""),
  );
  const rest = after === undefined ? sorted : sorted.filter((u) => compare(u.Username ?? "", after) > 0);
  const page = rest.slice(0, limit);
  const more = rest.length > page.length && page.length > 0;
  return { Users: page, ...(more ? { PaginationToken: encodeToken(page[page.length - 1]!.Username ?? "") } : {}) };
};

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const encodeToken = (username: string) => Buffer.from(`u:${username}`, "utf8").toString("base64url");

function decodeToken(token: string): string | undefined {
  if (!/^[A-Za-z0-9_-]{1,2048}$/.test(token)) return undefined;
  const text = Buffer.from(token, "base64url").toString("utf8");
  return text.startsWith("u:") ? text.slice(2) : undefined;
}

export const userListingOperations = {
  ListUsers: listUsers,
} satisfies OperationTable;
