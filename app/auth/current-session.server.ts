/**
 * The signed-in session of the current request: read the stored session,
 * verify its access token, and refresh it when it is due — through
 * {@link refreshAndReseal}, the one refresh path (the per-request refresh and
 * `reloadAuthSession` both use it).
 *
 * A lookup verifies the access token (signature, expiry, issuer, client,
 * token use) — or finds that these exact cookie bytes passed that check a
 * moment ago (the verified-session cache, docs/decisions/010-verified-session-cache.md).
 * When the token expires within REFRESH_SKEW_SECONDS it is refreshed and
 * the new cookies ride on `session.headers`: loaders return them with their
 * data, so the cookie is updated in the same response and the request goes on.
 *
 * A refresh that fails because Cognito is unreachable or throttling says
 * nothing about the session: the refresh token may be good for weeks. Then a
 * still-valid access token carries on, and an expired one makes the session
 * *unconfirmed* ({@link SessionUnconfirmedError}) — never signed out: the
 * cookie stays, and the first request after Cognito is back refreshes it. Only
 * Cognito refusing the refresh token (revoked, expired: RefreshFailedError)
 * ends the session.
 */
import { JwtExpiredError } from "aws-jwt-verify/error";
import {
  type AuthSession,
  createAuthSession,
  InvalidTokenError,
  sessionFromClaims,
} from "~/cognito/auth-session.server";
import {
  CognitoAuthError,
  RefreshFailedError,
  ServiceUnavailableError,
  TooManyRequestsError,
} from "~/cognito/errors.server";
import {
  type AccessTokenClaims,
  decodeTokenClaims,
  getTokenVerifiers,
  type IdTokenClaims,
} from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { perRequest } from "~/http/request-scope.server";
import { getSessionRegistry } from "~/sessions/configured-registry.server";
import { getCognitoServices } from "./cognito-services.server";
import { refreshOnce } from "./refresh-single-flight.server";
import { isSessionEnded, noteSessionUse } from "./session-tracking.server";
import {
  hasSessionCookie,
  openStoredSession,
  type StoredSession,
  sealedSessionOf,
  storedTokens,
  withRefreshedTokens,
  writeStoredSession,
} from "./stored-session.server";
import { VerifiedSessionCache } from "./verified-session-cache.server";

/** Refresh this long before the access token expires. */
export const REFRESH_SKEW_SECONDS = 60;

/** A verified session plus the Set-Cookie headers a loader must return (non-empty after a refresh). */
export type CurrentSession = AuthSession & {
  headers: Headers;
  /** What the session cookie holds now: a refresh continues from it. */
  stored: StoredSession;
};

/** A verified session as the cache holds it: frozen, shared by every request presenting the same cookie. */
type CachedSession = Readonly<Omit<CurrentSession, "headers">>;

let cache: VerifiedSessionCache<CachedSession> | undefined;
/** The process-wide verified-session cache (sized by SESSION_CACHE_ENTRIES, keyed from SESSION_SECRET). */
function verifiedSessions(): VerifiedSessionCache<CachedSession> {
  if (!cache) {
    const env = getEnv();
    const registry = getSessionRegistry();
    const created = new VerifiedSessionCache<CachedSession>({
      secrets: env.sessionSecrets,
      maxEntries: env.sessionCacheEntries,
      isRevoked: (sid) => registry.isRevoked(sid),
    });
    // A revoked session's entries go at once, wherever the revocation was made. (A user cut-off
    // is checked on every hit instead: see resolveSession.)
    registry.onRevoked((event) => {
      if (event.kind === "session") created.revoke(event.sid);
    });
    cache = created;
  }
  return cache;
}

/** How the verified-session cache is doing (for /bench/stats: the bench and the tests). */
export function verifiedSessionCacheStats(): { entries: number; hits: number; misses: number } {
  return { entries: verifiedSessions().size, hits: cacheHits, misses: cacheMisses };
}
let cacheHits = 0;
let cacheMisses = 0;

/**
 * The session cookie may well be valid, but Cognito cannot confirm it now: the
 * access token has expired and the refresh failed because Cognito is
 * unreachable or throttling. Not a sign-out — keep the cookie (its refresh
 * token still works once Cognito answers) and say "try again".
 */
export class SessionUnconfirmedError extends Error {
  override readonly name = "SessionUnconfirmedError";
  constructor(
    /** Why the refresh could not happen: ServiceUnavailableError or TooManyRequestsError. */
    readonly reason: CognitoAuthError,
  ) {
    super(`session unconfirmed: refresh failed with ${reason.name}`);
  }
}

/**
 * The verified session of this request, or null (no cookie, a bad one, or one
 * Cognito has ended). Never throws for a bad cookie. During a Cognito outage
 * with an expired access token it rejects with {@link SessionUnconfirmedError}
 * (see {@link getAuthSession} for callers that would rather read that as
 * "not signed in for this request").
 *
 * Remix runs a request's loaders in parallel, each with its own copy of the
 * Request (root's and the page's both want the session): the request scope
 * (app/http/request-scope.server.ts) makes them share one lookup (and, on a
 * cache miss, one decryption, verification or refresh).
 */
export function loadAuthSession(request: Request): Promise<CurrentSession | null> {
  if (!hasSessionCookie(request)) return Promise.resolve(null);
  return perRequest(`auth-session:${request.headers.get("Cookie")}`, () => resolveSession(request));
}

/**
 * The verified session of this request, or null. For pages anyone may see
 * (home, the header, sign-in): an unconfirmed session during a Cognito outage
 * reads as null here — the page renders as for a visitor, and nothing touches
 * the cookie, so the person is still signed in once Cognito is back. Protected
 * pages use `requireUser`, which answers 503 instead.
 */
export async function getAuthSession(request: Request): Promise<CurrentSession | null> {
  try {
    return await loadAuthSession(request);
  } catch (error) {
    if (error instanceof SessionUnconfirmedError) return null;
    throw error;
  }
}

/** Cognito down or throttling: the refresh failed for reasons that say nothing about the session. */
function isOutage(error: unknown): error is ServiceUnavailableError | TooManyRequestsError {
  return error instanceof ServiceUnavailableError || error instanceof TooManyRequestsError;
}

async function resolveSession(request: Request): Promise<CurrentSession | null> {
  const sealed = sealedSessionOf(request);
  if (sealed === null) return null;
  const sessions = verifiedSessions();
  const digest = sessions.digest(sealed);
  const hit = sessions.get(digest);
  if (hit) {
    // The cache knows these bytes verified; whether the session has ended since is asked on
    // every hit too (revoked id or user cut-off: two in-memory look-ups).
    if (isSessionEnded(hit.stored, hit.user.sub)) return null;
    cacheHits++;
    noteSessionUse(hit.stored, hit.user.sub, hit.user.email, request);
    return { ...hit, headers: new Headers() };
  }
  cacheMisses++;

  const stored = openStoredSession(sealed);
  if (!stored) return null;
  const session = await verifyOrRefresh(stored, request, (fresh, expiresAt) =>
    // These bytes passed: until the token is due for refresh they would pass unchanged.
    sessions.set(digest, freeze(fresh), expiresAt, fresh.stored.sid),
  );
  if (session) noteSessionUse(session.stored, session.user.sub, session.user.email, request);
  return session;
}

async function verifyOrRefresh(
  stored: StoredSession,
  request: Request,
  remember: (session: CurrentSession, expiresAt: number) => void,
): Promise<CurrentSession | null> {
  const now = Math.floor(Date.now() / 1000);

  let accessClaims: AccessTokenClaims | undefined;
  try {
    accessClaims = await getTokenVerifiers().verifyAccessToken(stored.access);
  } catch (error) {
    // Expired: try a refresh below. Anything else (bad signature, wrong
    // issuer/client/token use): treated as signed out.
    if (!(error instanceof JwtExpiredError)) return null;
  }
  // Ended sessions (signed out, ended from the session list, cut off) are refused before a
  // refresh could re-seal them. Two in-memory lookups; the ID token is decoded only when the
  // access token could not give us the user.
  const userId = accessClaims?.sub ?? decodeTokenClaims<IdTokenClaims>(stored.id)?.sub;
  if (!userId || isSessionEnded(stored, userId)) return null;
  if (accessClaims && accessClaims.exp - now > REFRESH_SKEW_SECONDS) {
    const session = fromStored(stored, accessClaims);
    if (session) remember(session, (accessClaims.exp - REFRESH_SKEW_SECONDS) * 1000);
    return session;
  }

  // Due or expired: refresh, if we can.
  if (!stored.refresh) return null;
  try {
    return await refreshAndReseal(stored, request);
  } catch (error) {
    if (isOutage(error)) {
      // The access token is still valid: carry on with it; the refresh is
      // retried on the next request.
      if (accessClaims) return fromStored(stored, accessClaims);
      console.warn(`[auth] session unconfirmed: refresh failed (${error.name}); the cookie is kept`);
      throw new SessionUnconfirmedError(error);
    }
    // Cognito refused the refresh token (RefreshFailedError) or its tokens did
    // not verify: the session has really ended.
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
  // Single-flight per cookie: with rotation, a second refresh from the same cookie would spend it twice.
  // Keyed by the access token too: without rotation the refresh token never changes, and a request that
  // already carries the refreshed cookie must refresh anew, not be handed the tokens it holds.
  return refreshOnce(
    `${refreshToken}\n${stored.access}`,
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
 * claims are current) and returns the session with its new cookies. Never
 * fails for Cognito's sake: whatever prompted the reload has happened, so a
 * failed refresh only leaves the old claims in place until the next one.
 */
export async function reloadAuthSession(session: CurrentSession, request: Request): Promise<CurrentSession> {
  if (!session.stored.refresh) return session;
  try {
    return await refreshAndReseal(session.stored, request, { reuseRecent: false });
  } catch (error) {
    if (!(error instanceof CognitoAuthError) && !(error instanceof InvalidTokenError)) throw error;
    console.warn(`[auth] could not reload the session (${error.name}); it carries on with the claims it had`);
    return session;
  }
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

/**
 * A cached session is shared by every request that presents the same cookie:
 * frozen (with what it holds), so no request can change what another sees.
 */
function freeze(session: CurrentSession): CachedSession {
  const { headers: _perRequest, ...rest } = session;
  Object.freeze(rest.user.groups);
  Object.freeze(rest.user);
  Object.freeze(rest.tokens);
  Object.freeze(rest.stored);
  return Object.freeze(rest);
}
