/**
 * The end of every successful sign-in through the app's own pages (form,
 * new-password and MFA steps): verify the tokens, store a fresh session,
 * drop any pending challenge, log it, redirect.
 */
import { redirect } from "@remix-run/node";
import { type CognitoTokens, createAuthSession } from "~/cognito/auth-session.server";
import { getEnv } from "~/env.server";
import { clearChallenge } from "./challenge.server";
import { getCognitoServices } from "./cognito-services.server";
import { describeFlowChoice } from "./flow.server";
import { logSignIn } from "./log.server";
import { commitAuthSession } from "./session-tracking.server";

export function customFlowReason(): string {
  const env = getEnv();
  return env.authFlow === "auto" ? describeFlowChoice(env).reason : `AUTH_FLOW=${env.authFlow}`;
}

export async function completeCustomSignIn(
  tokens: CognitoTokens,
  request: Request,
  redirectTo: string,
  step: string,
): Promise<Response> {
  const session = await createAuthSession(getCognitoServices().verifiers, tokens, "custom");
  logSignIn({
    flow: "custom",
    reason: customFlowReason(),
    outcome: `success${step ? `:${step}` : ""}`,
    who: `sub:${session.user.sub}`,
  });
  const headers = clearChallenge(request);
  commitAuthSession(session, request, headers);
  return redirect(redirectTo, { headers });
}
