/**
 * The app's auth, as routes use it: routes import auth from here and nowhere
 * else (a Biome rule refuses `~/auth/*`, `~/cognito/*` and `~/sessions/*`
 * from app/routes), so this list is the whole surface a page can touch.
 *
 * Where a sign-in happens: sign-in.server.ts. The app's own pages run each
 * step through `signInStep`, the Hosted UI goes through `startHostedSignIn`
 * and `finishHostedSignIn`, and every one ends in `completeSignIn`, which
 * stores a new session cookie. After that, `getAuthSession` / `requireUser`
 * read and verify it on each request (current-session.server.ts).
 */

export { type ListedUser, MAX_LIST_USERS } from "~/cognito/admin.server";
// Identity providers ("Continue with Google") and linking them to an account.
export { federatedProvider as signsInWith } from "~/cognito/auth-session.server";
export {
  ChallengeExpiredError,
  ChallengeRequiredError,
  CognitoAuthError,
  describeCognitoError,
  hostedErrorMessage,
  PasskeyRejectedError,
  SignInCodeSpentError,
} from "~/cognito/errors.server";
// What Cognito answered, for the routes that tell these cases apart.
export type { CognitoPasswordlessApi } from "~/cognito/passwordless.server";
export { RegistryUnavailableError } from "~/sessions/registry.server";
export { isSessionId } from "~/sessions/session-id.server";
// The JSON API: bearer tokens, never the session cookie.
export { type ApiAccess, type ApiToken, apiCallingGuide, requireApiToken } from "./api-token.server";
// Signing in.
export { clearChallenge, readChallenge, requireChallenge, saveChallenge, savePendingStep } from "./challenge.server";
export { getCognitoServices } from "./cognito-services.server";
// The signed-in session, on every request.
export {
  type CurrentSession,
  getAuthSession,
  REFRESH_SKEW_SECONDS,
  reloadAuthSession,
  verifiedSessionCacheStats,
} from "./current-session.server";
export { signInProviders, startLinkingProvider } from "./federation.server";
export { describeFlowChoice, requireCustomFlowAllowed } from "./flow.server";
export { requireGroup, requireUser } from "./guards.server";
export { logout, signedOutRedirect } from "./logout.server";
export { safeRedirect } from "./redirect.server";

// The user's sessions: the device list, and ending them.
export {
  endAllSessions,
  endListedSession,
  endOtherSessions,
  type ListedSession,
  listSessions,
  userIdForLogin,
} from "./session-tracking.server";
export { finishHostedSignIn, logSignInAttempt, signInStep, startHostedSignIn } from "./sign-in.server";
// A recent sign-in, or the password again, before a sensitive change.
export { type StepUpPrompt, stepUpPrompt, stepUpReply, verifyStepUp } from "./step-up.server";
export { destroySessionHeaders } from "./stored-session.server";
export { sessionTokenClaims } from "./token-claims.server";
