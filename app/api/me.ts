/**
 * GET /api/v1/me: who the access token belongs to. Any valid token: a user's
 * (from a sign-in: their `sub`, username and groups) or an app client's own
 * (from the client_credentials grant: the client and its scopes). Read from
 * the verified token alone: no call to Cognito.
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireApiToken } from "~/auth/auth.server";
import { apiData, methodNotAllowed } from "~/http/api-reply.server";
import { describeCaller } from "./caller.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const token = await requireApiToken(request);
  return apiData(describeCaller(token));
}

export const action = () => methodNotAllowed("GET");
