/**
 * Signing out: the whole logout action.
 */
import { redirect } from "@remix-run/node";
import { decodeTokenClaims, type IdTokenClaims } from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { getCognitoServices } from "./cognito-services.server";
import { endSession } from "./session-tracking.server";
import { destroySessionHeaders, readStoredSession } from "./stored-session.server";

/**
 * Ends the session for good: its id is revoked (so a copy of the cookie is refused from now on,
 * on every instance), its refresh token revoked at Cognito, the cookies cleared, and the Hosted
 * UI session ended too when that is how they signed in.
 */
export async function logout(request: Request): Promise<Response> {
  const stored = readStoredSession(request);
  const headers = destroySessionHeaders(request);
  const { signInApi, hostedLogoutUrl } = getCognitoServices();
  let refreshRevoked = false;
  if (stored?.refresh) {
    try {
      await signInApi.revoke(stored.refresh);
      refreshRevoked = true;
    } catch (error) {
      // The cookie is gone and its id revoked either way (for as long as the cookie could live).
      console.warn(`[auth] logout: could not revoke the refresh token (${(error as Error).name})`);
    }
  }
  const userId = stored && decodeTokenClaims<IdTokenClaims>(stored.id)?.sub;
  if (stored && userId) await endSession(stored, userId, refreshRevoked);
  if (stored?.flow === "hosted" && hostedLogoutUrl) {
    const env = getEnv();
    const url = new URL(hostedLogoutUrl);
    url.searchParams.set("client_id", env.cognito.clientId);
    url.searchParams.set("logout_uri", `${env.appUrl}/`);
    return redirect(url.toString(), { headers });
  }
  return redirect("/", { headers });
}
