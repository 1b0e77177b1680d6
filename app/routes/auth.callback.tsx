import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { clearHostedCookies, readHostedRedirect } from "~/auth/hosted.server";
import { logSignIn } from "~/auth/log.server";
import { completeSignIn, flowReason } from "~/auth/sign-in.server";
import { InvalidTokenError } from "~/cognito/auth-session.server";
import {
  CognitoAuthError,
  HostedSignInError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from "~/cognito/errors.server";

/**
 * Completes the Hosted UI flow: checks state, exchanges the code (PKCE),
 * verifies the tokens, stores the session, clears the state cookie.
 * Any failure: no session, and the login page explains (4xx).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { hosted } = getCognitoServices();
  const headers = clearHostedCookies(request);
  if (!hosted) throw redirect("/login", { headers });
  let session;
  try {
    session = await hosted.authenticate(request);
  } catch (error) {
    if (error instanceof Response) throw error;
    let code = "token";
    if (error instanceof HostedSignInError) code = error.code;
    else if (error instanceof ServiceUnavailableError || error instanceof TooManyRequestsError) code = "unavailable";
    else if (!(error instanceof CognitoAuthError) && !(error instanceof InvalidTokenError)) throw error;
    logSignIn({ flow: "hosted", reason: flowReason(), outcome: `failure:${(error as Error).name}:${code}` });
    throw redirect(`/login?error=${code}`, { headers });
  }
  throw completeSignIn(request, session, { redirectTo: readHostedRedirect(request), headers });
}
