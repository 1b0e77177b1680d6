/**
 * POST /api/v1/users/{username}/sign-out: ends every session of a user, as the
 * admin page does — at Cognito (AdminUserGlobalSignOut: their refresh tokens)
 * and in the app (their session cookies and access tokens, on every instance).
 * For a user in the `admins` group or a token with the
 * `<resource server>/sessions.write` scope (e.g. an HR system offboarding
 * someone). `username` is the listing's `username`, or the user's email.
 */
import type { ActionFunctionArgs } from "@remix-run/node";
import { endAllSessions, getCognitoServices, requireApiToken } from "~/auth/auth.server";
import { apiCognitoError, apiData, apiError, methodNotAllowed } from "~/http/api-reply.server";

/** Cognito's username pattern (and length); an email alias fits it too. */
const USERNAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]{1,128}$/u;

export const loader = () => methodNotAllowed("POST");

export async function action({ request, params }: ActionFunctionArgs) {
  if (request.method !== "POST") return methodNotAllowed("POST");
  const caller = await requireApiToken(request, { scopes: ["sessions.write"], groups: ["admins"] });
  const username = params.username ?? "";
  if (!USERNAME.test(username)) throw apiError(400, "invalid_request", "That is not a username.");
  const { admin } = getCognitoServices();
  try {
    const user = await admin.getUser(username);
    await admin.globalSignOut(user.username);
    await endAllSessions(user.sub);
    const who = caller.kind === "user" ? `sub:${caller.subject}` : `client:${caller.clientId}`;
    console.info(`[auth] api ${who} ended every session of sub:${user.sub}`);
    return apiData({ username: user.username, sub: user.sub, signed_out: true });
  } catch (error) {
    throw apiCognitoError(error);
  }
}
