/**
 * Signing out: the whole logout action.
 */
import { redirect } from "@remix-run/node";
import { getEnv } from "~/env.server";
import { getCognitoServices } from "./cognito-services.server";
import { destroySessionHeaders, readStoredSession } from "./stored-session.server";

/**
 * Revokes the refresh token at Cognito, clears the cookies, and ends the
 * Hosted UI session too when that is how they signed in.
 */
export async function logout(request: Request): Promise<Response> {
  const stored = readStoredSession(request);
  const headers = destroySessionHeaders(request);
  const { signInApi, hostedLogoutUrl } = getCognitoServices();
  if (stored?.refresh) {
    try {
      await signInApi.revoke(stored.refresh);
    } catch (error) {
      // The cookie is gone either way; an unrevoked token expires on its own.
      console.warn(`[auth] logout: could not revoke the refresh token (${(error as Error).name})`);
    }
  }
  if (stored?.flow === "hosted" && hostedLogoutUrl) {
    const env = getEnv();
    const url = new URL(hostedLogoutUrl);
    url.searchParams.set("client_id", env.cognito.clientId);
    url.searchParams.set("logout_uri", `${env.appUrl}/`);
    return redirect(url.toString(), { headers });
  }
  return redirect("/", { headers });
}
