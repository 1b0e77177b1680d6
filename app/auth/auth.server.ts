/**
 * The app's auth vocabulary — the one import for routes:
 *   getAuthSession(request)             → the verified session, or null
 *   requireUser(request)                → the session, or throws a redirect to /login
 *                                         (or a 503, keeping the cookie, while Cognito cannot confirm it)
 *   requireGroup(request, "admins")     → the session, or throws 403
 *   logout(request)                     → the whole logout action
 *   commitAuthSession(session, request) → Set-Cookie headers after sign-in
 *   reloadAuthSession(session, request) → fresh tokens now (e.g. after a profile change)
 *   stepUpPrompt / verifyStepUp         → a recent sign-in, or the password again, for a sensitive change
 *
 * Each job lives in its own module:
 *   stored-session.server.ts   what the session cookie holds, and reading/writing it
 *   current-session.server.ts  per-request lookup, verification, the one refresh
 *   guards.server.ts           requireUser, requireGroup
 *   logout.server.ts           logout
 *   session-tracking.server.ts the session registry: register, check, end sessions
 *   token-claims.server.ts     the development claims panel
 *   step-up.server.ts          step-up for sensitive changes (email, MFA off, passkeys)
 */
export {
  type CurrentSession,
  getAuthSession,
  REFRESH_SKEW_SECONDS,
  reloadAuthSession,
  SessionUnconfirmedError,
} from "./current-session.server";
export { requireGroup, requireUser } from "./guards.server";
export { logout } from "./logout.server";
export { commitAuthSession } from "./session-tracking.server";
export {
  STEP_UP_WINDOW_SECONDS,
  type StepUpPrompt,
  type StepUpResult,
  stepUpPrompt,
  stepUpReply,
  verifyStepUp,
} from "./step-up.server";
export { destroySessionHeaders } from "./stored-session.server";
export { sessionTokenClaims } from "./token-claims.server";
