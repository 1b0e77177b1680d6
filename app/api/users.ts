/**
 * GET /api/v1/users?limit=20&cursor=…: a page of the pool's users (Cognito's
 * ListUsers), for a user in the `admins` group or a token with the
 * `<resource server>/users.read` scope (an app client's, through the
 * client_credentials grant). `next_cursor` is the cursor of the next page,
 * null on the last; it is Cognito's pagination token, passed through as it is.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { getCognitoServices, type ListedUser, MAX_LIST_USERS, requireApiToken } from "~/auth/auth.server";
import { apiCognitoError, apiData, apiError, methodNotAllowed } from "~/http/api-reply.server";

const DEFAULT_LIMIT = 20;
/** Cognito's pagination tokens are opaque and well under this; anything with whitespace is not one. */
const CURSOR = /^\S{1,4096}$/;

export async function loader({ request }: LoaderFunctionArgs) {
  await requireApiToken(request, { scopes: ["users.read"], groups: ["admins"] });
  const { limit, cursor } = pageOf(new URL(request.url).searchParams);
  let page: { users: ListedUser[]; nextToken?: string };
  try {
    page = await getCognitoServices().admin.listUsers(limit, cursor);
  } catch (error) {
    throw apiCognitoError(error);
  }
  return apiData({
    users: page.users.map((user) => ({
      username: user.username,
      sub: user.sub,
      email: user.email ?? null,
      email_verified: user.emailVerified,
      enabled: user.enabled,
      status: user.status,
      created_at: user.createdAt ?? null,
    })),
    next_cursor: page.nextToken ?? null,
  });
}

export const action = () => methodNotAllowed("GET");

/** `limit` (1–60, default 20) and `cursor`, each at most once; anything else is a 400. */
function pageOf(params: URLSearchParams): { limit: number; cursor?: string } {
  for (const name of new Set(params.keys())) {
    if (name !== "limit" && name !== "cursor") {
      throw apiError(400, "invalid_request", `Unknown parameter "${name.slice(0, 40)}": use limit and cursor.`);
    }
    if (params.getAll(name).length > 1) throw apiError(400, "invalid_request", `Give ${name} once.`);
  }
  const rawLimit = params.get("limit");
  const limit = rawLimit === null ? DEFAULT_LIMIT : Number(rawLimit);
  if (!/^\d{1,3}$/.test(rawLimit ?? "0") || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIST_USERS) {
    throw apiError(400, "invalid_request", `limit must be a whole number from 1 to ${MAX_LIST_USERS}.`);
  }
  const cursor = params.get("cursor") ?? undefined;
  if (cursor !== undefined && !CURSOR.test(cursor)) {
    throw apiError(400, "invalid_request", "cursor is not one this API handed out.");
  }
  return { limit, cursor };
}
