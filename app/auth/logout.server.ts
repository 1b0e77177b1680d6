/**
 * Signing out: the whole logout action, and where a signed-out browser goes.
 */
import { redirect } from "@remix-run/node";
import { decodeTokenClaims, type IdTokenClaims } from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { getCognitoServices } from "./cognito-services.server";
import { describeFlowChoice } from "./flow.server";
import { endSession } from "./session-tracking.server";
import { destroySessionHeaders, readStoredSession } from "./stored-session.server";

/**
 * Ends the session for good: its id is revoked (so a copy of the cookie is refused from now on,
 * on every instance), its refresh token revoked at Cognito, the cookies cleared, and the Hosted
 * UI session ended too (see {@link signedOutRedirect}).
 */
export async function logout(request: Request): Promise<Response> {
  const stored = readStoredSession(request);
  const headers = destroySessionHeaders(request);
  const { signInApi } = getCognitoServices();
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
  return signedOutRedirect("/", headers);
}

/**
 * The redirect that finishes a sign-out: through the Hosted UI's `/logout` (back to `APP_URL/`)
 * whenever this app may use the Hosted UI, whatever flow made the session — a browser that once
 * signed in there keeps Cognito's own session cookie for an hour, and a form sign-in in the same
 * browser (step-up does that) leaves it in place; without this the next "Continue with Cognito
 * Hosted UI" on that computer would sign in as this user. Elsewhere, straight to `fallback`.
 */
export function signedOutRedirect(fallback: string, headers: Headers): Response {
  const env = getEnv();
  const { hostedLogoutUrl } = getCognitoServices();
  if (hostedLogoutUrl && describeFlowChoice(env).hostedAvailable) {
    const url = new URL(hostedLogoutUrl);
    url.searchParams.set("client_id", env.cognito.clientId);
    url.searchParams.set("logout_uri", `${env.appUrl}/`);
    return redirect(url.toString(), { headers });
  }
  return redirect(fallback, { headers });
}
