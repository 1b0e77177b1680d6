/**
 * Where a sign-in happens. Every way in ends in {@link completeSignIn}: a
 * verified AuthSession becomes a brand-new session cookie and a redirect, so
 * everything after sign-in is one code path.
 *
 *  - The app's own pages (the password form, an emailed code, a passkey, the
 *    new-password and TOTP challenge pages) run each step through
 *    {@link signInStep}: it asks Cognito, then completes the sign-in or sends
 *    the browser to the next challenge's page.
 *  - The Hosted UI is a round trip: {@link startHostedSignIn} sends the
 *    browser to Cognito (state + PKCE), {@link finishHostedSignIn} takes it
 *    back at /auth/callback.
 *
 * A session's sign-in time is when the person authenticated: the ID token's
 * `auth_time`, never the time the tokens arrived. The Hosted UI may answer
 * from Cognito's own session cookie, which lives on after the app's session
 * ends (sign-out elsewhere, "sign out everywhere", an admin, a password
 * change: GlobalSignOut does not end it), so a callback whose `auth_time` is
 * older than the user's cut-off makes no session: the browser goes back to
 * Cognito with `prompt=login`, once (docs/decisions/018-sign-in-time-and-cut-offs.md).
 */
import { redirect } from "@remix-run/node";
import {
  type AuthSession,
  type CognitoTokens,
  createAuthSession,
  federatedProvider,
  InvalidTokenError,
} from "~/cognito/auth-session.server";
import {
  ChallengeExpiredError,
  ChallengeRequiredError,
  CognitoAuthError,
  HostedSignInError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from "~/cognito/errors.server";
import { getTokenVerifiers } from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { getHealth } from "~/http/health.server";
import { challengeExpired, clearChallenge, redirectToChallenge } from "./challenge.server";
import { getCognitoServices } from "./cognito-services.server";
import { getAuthSession } from "./current-session.server";
import { beginRoundTrip, settleFederatedSignIn, signInProviders } from "./federation.server";
import { describeFlowChoice } from "./flow.server";
import {
  clearHostedCookies,
  hostedReauthRequested,
  readHostedRedirect,
  setHostedReauthCookie,
  setHostedRedirectCookie,
  wantsReauthentication,
} from "./hosted.server";
import { logSignIn, usernameHash } from "./log.server";
import { safeRedirect } from "./redirect.server";
import { commitAuthSession, signedInBeforeCutOff } from "./session-tracking.server";

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
    if (error instanceof ChallengeRequiredError) {
      const next = redirectToChallenge(error, step, request);
      if (next) {
        logSignInAttempt(step.login, `challenge:${error.challengeName}`);
        return next;
      }
    }
    if (error instanceof CognitoAuthError) logSignInAttempt(step.login, `failure:${error.name}`);
    throw error;
  }
}

/** The log line of a step through the app's own pages that did not sign in (yet). */
export function logSignInAttempt(login: string, outcome: string): void {
  logSignIn({ flow: "custom", reason: flowReason(), outcome, who: usernameHash(login) });
}

/**
 * Starts the Hosted UI round trip (GET /auth/hosted): the state + PKCE cookie
 * and where to go afterwards, then the redirect to Cognito's authorize page —
 * with `prompt=login` for `?prompt=login`, so that Cognito asks for the password
 * even when its own session would sign the browser in. Always throws the response.
 */
export async function startHostedSignIn(request: Request): Promise<never> {
  const { hosted } = getCognitoServices();
  if (!hosted) throw redirect("/login?flow=custom");
  const query = new URL(request.url).searchParams;
  const redirectTo = safeRedirect(query.get("redirectTo"));
  // `provider`: straight to that identity provider (Cognito's identity_provider=), one the app offers.
  const provider = query.get("provider");
  if (provider !== null && !signInProviders().includes(provider)) throw redirect("/login?error=provider");
  if (!(await getHealth()).cognito.reachable) throw redirect("/login?error=unavailable");
  try {
    await hosted.authenticate(request);
  } catch (error) {
    if (error instanceof Response && error.status === 302) {
      const reauth = wantsReauthentication(request);
      logSignIn({
        flow: "hosted",
        reason: flowReason(),
        outcome: reauth ? "redirected-to-hosted-ui:prompt=login" : "redirected-to-hosted-ui",
      });
      setHostedRedirectCookie(error.headers, redirectTo);
      beginRoundTrip(request, error.headers);
      if (reauth || hostedReauthRequested(request)) setHostedReauthCookie(error.headers, reauth);
    }
    throw error;
  }
  // authenticate() only returns when the URL carries a state: that is the callback's job.
  throw redirect("/login");
}

/**
 * Finishes the Hosted UI round trip (GET /auth/callback): checks the state,
 * exchanges the code (PKCE), verifies the tokens and completes the sign-in;
 * the round trip's cookies are cleared whatever the outcome. Any failure: no
 * session, and the login page says why (`?error=`). A sign-in from before the
 * user's cut-off: no session, and back to Cognito with `prompt=login` — or, if
 * this round trip asked for that already, the login page says so (no loop).
 * Always throws the response.
 */
export async function finishHostedSignIn(request: Request): Promise<never> {
  const { hosted } = getCognitoServices();
  const reauthRequested = hostedReauthRequested(request);
  const headers = clearHostedCookies(request);
  if (!hosted) throw redirect("/login", { headers });
  let session: AuthSession;
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
  const redirectTo = readHostedRedirect(request);
  await refuseBeforeCutOff(session, redirectTo, reauthRequested, headers);
  await settleOneAccount(request, session, redirectTo, headers);
  throw completeSignIn(request, session, { redirectTo, headers });
}

/**
 * A sign-in whose person authenticated before the user's cut-off (Cognito's own session from
 * before "sign out everywhere", an admin, a password change or reset) makes no session: its
 * refresh token is revoked, and the browser goes back to Cognito for a real sign-in
 * (`prompt=login`; a federated account's straight to its provider) — unless this round trip
 * asked for that already, when the login page says so. Throws those responses; returns otherwise.
 */
async function refuseBeforeCutOff(
  session: AuthSession,
  redirectTo: string,
  reauthRequested: boolean,
  headers: Headers,
): Promise<void> {
  if (!signedInBeforeCutOff(session.user.sub, session.signedInAt)) return;
  logSignIn({
    flow: "hosted",
    reason: flowReason(),
    outcome: "refused:before-cut-off",
    who: `sub:${session.user.sub}`,
  });
  // These tokens will never be used: their refresh token goes now.
  if (session.tokens.refreshToken) {
    await getCognitoServices()
      .signInApi.revoke(session.tokens.refreshToken)
      .catch((error: Error) => {
        console.warn(`[auth] could not revoke a refused sign-in's refresh token (${error.name})`);
      });
  }
  if (reauthRequested) throw redirect("/login?error=ended", { headers });
  const query = new URLSearchParams({ prompt: "login", redirectTo });
  const provider = federatedProvider(session.user);
  if (provider && signInProviders().includes(provider)) query.set("provider", provider);
  throw redirect(`/auth/hosted?${query}`, { headers });
}

/**
 * One person, one account (federation.server.ts): a provider identity that
 * has just been linked signs in again (into the account it now belongs to),
 * a refused one goes to the login page, a link made from the account page
 * goes back there. Throws those responses; returns for an ordinary sign-in.
 */
async function settleOneAccount(request: Request, session: AuthSession, redirectTo: string, headers: Headers) {
  const current = await getAuthSession(request).catch(() => null);
  let outcome: Awaited<ReturnType<typeof settleFederatedSignIn>>;
  try {
    outcome = await settleFederatedSignIn(request, session, current?.user, headers);
  } catch (error) {
    if (!(error instanceof CognitoAuthError)) throw error;
    logSignIn({ flow: "hosted", reason: flowReason(), outcome: `failure:${error.name}:link` });
    throw redirect("/login?error=link", { headers });
  }
  switch (outcome.kind) {
    case "complete":
      return;
    case "sign-in-again": {
      logSignIn({
        flow: "hosted",
        reason: flowReason(),
        outcome: "linked:sign-in-again",
        who: `sub:${session.user.sub}`,
      });
      const query = new URLSearchParams({ provider: outcome.provider, redirectTo });
      throw redirect(`/auth/hosted?${query}`, { headers });
    }
    case "refused":
      logSignIn({
        flow: "hosted",
        reason: flowReason(),
        outcome: `refused:${outcome.error}`,
        who: `sub:${session.user.sub}`,
      });
      throw redirect(`/login?error=${outcome.error}`, { headers });
    case "linking-done": {
      const query = outcome.result === "provider-linked" ? "notice=provider-linked" : `problem=${outcome.result}`;
      throw redirect(`/account/sign-in-methods?${query}`, { headers });
    }
  }
}

/** Why this flow: logged with every attempt. */
function flowReason(): string {
  return describeFlowChoice(getEnv()).reason;
}
