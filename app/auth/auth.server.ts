/**
 * The app's auth vocabulary — the one import for routes:
 *   getAuthSession(request)             → the verified session, or null
 *   requireUser(request)                → the session, or throws a redirect to /login
 *                                         (or a 503, keeping the cookie, while Cognito cannot confirm it)
 *   requireGroup(request, "admins")     → the session, or throws 403
 *   logout(request)                     → the whole logout action
 *   commitAuthSession(session, request) → Set-Cookie headers after sign-in
 *   reloadAuthSession(session, request) → fresh tokens now (e.g. after a profile change)
 *
 * Each job lives in its own module:
 *   stored-session.server.ts   what the session cookie holds, and reading/writing it
 *   current-session.server.ts  per-request lookup, verification, the one refresh
 *   guards.server.ts           requireUser, requireGroup
 *   logout.server.ts           logout
 *   token-claims.server.ts     the development claims panel
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
export { commitAuthSession, destroySessionHeaders } from "./stored-session.server";
export { sessionTokenClaims } from "./token-claims.server";
