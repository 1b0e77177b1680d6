/**
 * How a sign-in ends. Every way in — the Hosted UI callback, the app's
 * password form, its challenge pages (new password, TOTP), and first factors
 * to come (an email code, a passkey) — produces a verified AuthSession and
 * ends in {@link completeSignIn}, so everything after sign-in is one code path.
 */
import { redirect } from "@remix-run/node";
import { type AuthSession, type CognitoTokens, createAuthSession } from "~/cognito/auth-session.server";
import { ChallengeExpiredError, ChallengeRequiredError, CognitoAuthError } from "~/cognito/errors.server";
import { getTokenVerifiers } from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { challengeExpired, clearChallenge, redirectToChallenge } from "./challenge.server";
import { describeFlowChoice } from "./flow.server";
import { logSignIn, usernameHash } from "./log.server";
import { commitAuthSession } from "./session-tracking.server";

export interface CompleteSignInOptions {
  /** Where to go next: a path already checked by safeRedirect. */
  redirectTo: string;
  /** The step that finished the sign-in (e.g. "mfa"), for the log line. */
  step?: string;
  /** Headers to send along (e.g. clearing the round trip's cookies). */
  headers?: Headers;
}

/** The end of every successful sign-in: log it, store a brand-new session (no fixation), redirect. */
export function completeSignIn(request: Request, session: AuthSession, options: CompleteSignInOptions): Response {
  logSignIn({
    flow: session.flow,
    reason: flowReason(),
    outcome: options.step ? `success:${options.step}` : "success",
    who: `sub:${session.user.sub}`,
  });
  return redirect(options.redirectTo, { headers: commitAuthSession(session, request, options.headers) });
}

export interface SignInStep {
  /** What the person typed to identify themselves: kept for the next step's page, hashed in logs. */
  login: string;
  /** Where to go once signed in: a path already checked by safeRedirect. */
  redirectTo: string;
  /** This step's name for the log (none for the first factor). */
  step?: string;
}

/**
 * One step of a sign-in through the app's own pages: `exchange` asks Cognito
 * (password, challenge answer…) and gives tokens or throws. Tokens: verified
 * and {@link completeSignIn}. A challenge this app has a page for: on to that
 * page. An expired challenge: back to sign-in. Any other Cognito error is
 * logged and rethrown, for the form to answer (Submission.attempt).
 */
export async function signInStep(
  request: Request,
  step: SignInStep,
  exchange: () => Promise<CognitoTokens>,
): Promise<Response> {
  try {
    const session = await createAuthSession(getTokenVerifiers(), await exchange(), "custom");
    const headers = clearChallenge(request);
    return completeSignIn(request, session, { redirectTo: step.redirectTo, step: step.step, headers });
  } catch (error) {
    if (error instanceof ChallengeExpiredError) return challengeExpired(request);
    const log = (outcome: string) =>
      logSignIn({ flow: "custom", reason: flowReason(), outcome, who: usernameHash(step.login) });
    if (error instanceof ChallengeRequiredError) {
      const next = redirectToChallenge(error, step, request);
      if (next) {
        log(`challenge:${error.challengeName}`);
        return next;
      }
    }
    if (error instanceof CognitoAuthError) log(`failure:${error.name}`);
    throw error;
  }
}

/** Why this flow: logged with every attempt. */
export function flowReason(): string {
  return describeFlowChoice(getEnv()).reason;
}
