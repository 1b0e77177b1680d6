/**
 * The signed-in session of the current request: read the stored session,
 * verify its access token, and refresh it when it is due — through
 * {@link refreshAndReseal}, the one refresh path (the per-request refresh and
 * `reloadAuthSession` both use it).
 *
 * Every lookup verifies the access token (signature, expiry, issuer, client,
 * token use). When it expires within REFRESH_SKEW_SECONDS it is refreshed and
 * the new cookies ride on `session.headers`: loaders return them with their
 * data, so the cookie is updated in the same response and the request goes on.
 */
import { JwtExpiredError } from "aws-jwt-verify/error";
import {
  type AuthSession,
  createAuthSession,
  InvalidTokenError,
  sessionFromClaims,
} from "~/cognito/auth-session.server";
import { CognitoAuthError, RefreshFailedError, ServiceUnavailableError } from "~/cognito/errors.server";
import {
  type AccessTokenClaims,
  decodeTokenClaims,
  getTokenVerifiers,
  type IdTokenClaims,
} from "~/cognito/verify.server";
import { perRequest } from "~/http/request-scope.server";
import { getCognitoServices } from "./cognito-services.server";
import { refreshOnce } from "./refresh-single-flight.server";
import {
  hasSessionCookie,
  readStoredSession,
  type StoredSession,
  storedTokens,
  withRefreshedTokens,
  writeStoredSession,
} from "./stored-session.server";

/** Refresh this long before the access token expires. */
export const REFRESH_SKEW_SECONDS = 60;

/** A verified session plus the Set-Cookie headers a loader must return (non-empty after a refresh). */
export type CurrentSession = AuthSession & {
  headers: Headers;
  /** What the session cookie holds now: a refresh continues from it. */
  stored: StoredSession;
};

/**
 * The verified session of this request, or null. Never throws for a bad cookie.
 * Remix runs a request's loaders in parallel, each with its own copy of the
 * Request (root's and the page's both want the session): the request scope
 * (app/http/request-scope.server.ts) makes them share one decryption,
 * verification or refresh. The next request verifies afresh.
 */
export function getAuthSession(request: Request): Promise<CurrentSession | null> {
  if (!hasSessionCookie(request)) return Promise.resolve(null);
  return perRequest(`auth-session:${request.headers.get("Cookie")}`, () => resolveSession(request));
}

async function resolveSession(request: Request): Promise<CurrentSession | null> {
  const stored = readStoredSession(request);
  if (!stored) return null;
  const now = Math.floor(Date.now() / 1000);

  let accessClaims: AccessTokenClaims | undefined;
  try {
    accessClaims = await getTokenVerifiers().verifyAccessToken(stored.access);
  } catch (error) {
    // Expired: try a refresh below. Anything else (bad signature, wrong
    // issuer/client/token use): treated as signed out.
    if (!(error instanceof JwtExpiredError)) return null;
  }
  if (accessClaims && accessClaims.exp - now > REFRESH_SKEW_SECONDS) return fromStored(stored, accessClaims);

  // Due or expired: refresh, if we can.
  if (!stored.refresh) return null;
  try {
    return await refreshAndReseal(stored, request);
  } catch (error) {
    // Cognito unreachable but the access token is still valid: carry on with
    // it; the refresh is retried on the next request.
    if (error instanceof ServiceUnavailableError && accessClaims) return fromStored(stored, accessClaims);
    if (!(error instanceof CognitoAuthError) && !(error instanceof InvalidTokenError)) throw error;
    return null;
  }
}

/**
 * The one refresh: new tokens from Cognito (by the flow the session signed in
 * with), verified, stored, and returned with the cookies to set. Throws the
 * typed Cognito error (RefreshFailedError, ServiceUnavailableError…) or
 * InvalidTokenError; the caller decides what a failure means.
 */
export async function refreshAndReseal(
  stored: StoredSession,
  request: Request,
  options: { reuseRecent?: boolean } = {},
): Promise<CurrentSession> {
  const next = withRefreshedTokens(stored, await refreshTokens(stored, options));
  const session = await createAuthSession(getTokenVerifiers(), storedTokens(next), next.flow, next.at);
  return { ...session, stored: next, headers: writeStoredSession(next, request) };
}

async function refreshTokens(stored: StoredSession, options: { reuseRecent?: boolean }) {
  const refreshToken = stored.refresh;
  if (!refreshToken) throw new RefreshFailedError("no refresh token");
  // Single-flight per session: with rotation, a second refresh from the same cookie would spend it twice.
  return refreshOnce(
    refreshToken,
    () => {
      const { signInApi, hosted } = getCognitoServices();
      if (stored.flow === "hosted" && hosted) return hosted.refresh(refreshToken);
      // SECRET_HASH for a refresh uses Cognito's username (the token's cognito:username).
      const username = decodeTokenClaims<IdTokenClaims>(stored.id)?.["cognito:username"] ?? "";
      return signInApi.refresh(refreshToken, username);
    },
    options,
  );
}

/**
 * Fetches fresh tokens now (e.g. after a profile change, so the ID token's
 * claims are current) and returns the session with its new cookies.
 */
export async function reloadAuthSession(session: CurrentSession, request: Request): Promise<CurrentSession> {
  if (!session.stored.refresh) return session;
  return refreshAndReseal(session.stored, request, { reuseRecent: false });
}

/**
 * The session from a stored record whose access token has just been verified.
 * The ID token was verified when it was stored (the cookie is encrypted and
 * authenticated, so its content is ours); only the access token, the one that
 * authorizes, is re-verified on each request.
 */
function fromStored(stored: StoredSession, accessClaims: AccessTokenClaims): CurrentSession | null {
  const idClaims = decodeTokenClaims<IdTokenClaims>(stored.id);
  if (!idClaims || idClaims.sub !== accessClaims.sub) return null;
  const session = sessionFromClaims(storedTokens(stored), stored.flow, accessClaims, idClaims, stored.at);
  return { ...session, stored, headers: new Headers() };
}
