/**
 * Which sign-in flow the login page uses, from `AUTH_FLOW` and whether a
 * Hosted UI domain is configured. Pure, so it is unit-tested directly.
 */
import type { SignInFlow } from "~/cognito/auth-session.server";
import type { Env } from "~/env.server";

export interface FlowChoice {
  flow: SignInFlow;
  /** Human-readable reason, logged at start-up and with each sign-in attempt. */
  reason: string;
  /** Whether the app's own form may be used (false only for AUTH_FLOW=hosted). */
  customAllowed: boolean;
  /** Whether the Hosted UI may be used (a domain is configured and AUTH_FLOW is not custom). */
  hostedAvailable: boolean;
}

export function describeFlowChoice(env: Pick<Env, "authFlow" | "cognito">): FlowChoice {
  const hasDomain = Boolean(env.cognito.domain);
  switch (env.authFlow) {
    case "hosted":
      return { flow: "hosted", reason: "AUTH_FLOW=hosted", customAllowed: false, hostedAvailable: hasDomain };
    case "custom":
      return { flow: "custom", reason: "AUTH_FLOW=custom", customAllowed: true, hostedAvailable: false };
    case "auto":
      return hasDomain
        ? {
            flow: "hosted",
            reason: "AUTH_FLOW=auto and COGNITO_DOMAIN set",
            customAllowed: true,
            hostedAvailable: true,
          }
        : {
            flow: "custom",
            reason: "AUTH_FLOW=auto and COGNITO_DOMAIN not set",
            customAllowed: true,
            hostedAvailable: false,
          };
  }
}

/**
 * The app's own account pages (sign-up, password reset…) exist for the custom
 * flow. With AUTH_FLOW=hosted the Hosted UI offers them, so send people there.
 */
export function requireCustomFlowAllowed(env: Pick<Env, "authFlow" | "cognito">): void {
  if (!describeFlowChoice(env).customAllowed) {
    throw new Response(null, { status: 302, headers: { Location: "/login" } });
  }
}
