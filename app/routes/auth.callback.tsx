import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { commitAuthSession } from "~/auth/auth.server";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { describeFlowChoice } from "~/auth/flow.server";
import { clearHostedCookies, readHostedRedirect } from "~/auth/hosted.server";
import { logSignIn } from "~/auth/log.server";
import { InvalidTokenError } from "~/cognito/auth-session.server";
import {
  CognitoAuthError,
  HostedSignInError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from "~/cognito/errors.server";
import { getEnv } from "~/env.server";

/**
 * Completes the Hosted UI flow: checks state, exchanges the code (PKCE),
 * verifies the tokens, stores the session, clears the state cookie.
 * Any failure: no session, and the login page explains (4xx).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const { authenticator, hosted } = getCognitoServices();
  const reason = describeFlowChoice(getEnv()).reason;
  const headers = clearHostedCookies(request);
  if (!hosted) throw redirect("/login", { headers });
  try {
    const session = await authenticator.authenticate("cognito-hosted", request);
    logSignIn({ flow: "hosted", reason, outcome: "success", who: `sub:${session.user.sub}` });
    throw redirect(readHostedRedirect(request), { headers: commitAuthSession(session, request, headers) });
  } catch (error) {
    if (error instanceof Response) throw error;
    let code = "token";
    if (error instanceof HostedSignInError) code = error.code;
    else if (error instanceof ServiceUnavailableError || error instanceof TooManyRequestsError) code = "unavailable";
    else if (!(error instanceof CognitoAuthError) && !(error instanceof InvalidTokenError)) throw error;
    logSignIn({ flow: "hosted", reason, outcome: `failure:${(error as Error).name}:${code}` });
    throw redirect(`/login?error=${code}`, { headers });
  }
}
