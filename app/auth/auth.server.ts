/**
 * The app's auth vocabulary:
 *   getAuthSession(request)          → the verified session, or null
 *   requireUser(request)             → the session, or throws a redirect to /login
 *   requireGroup(request, "admins")  → the session, or throws 403
 *   logout(request)                  → the whole logout action
 *   commitAuthSession(session, request) → Set-Cookie headers after sign-in
 *
 * Every call verifies the access token (signature, expiry, issuer, client,
 * token use). When it expires within REFRESH_SKEW_SECONDS it is refreshed and
 * the new cookies ride on `session.headers`: loaders return them with their
 * data, so the cookie is updated in the same response and the request goes on.
 */
import { data, redirect } from "@remix-run/node";
import { JwtExpiredError } from "aws-jwt-verify/error";
import {
  type AuthSession,
  createAuthSession,
  InvalidTokenError,
  type SignInFlow,
  sessionFromClaims,
} from "~/cognito/auth-session.server";
import { CognitoAuthError, ServiceUnavailableError } from "~/cognito/errors.server";
import type { CognitoTokens } from "~/cognito/tokens.server";
import { getTokenVerifiers, type IdTokenClaims } from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { getAuthServices } from "./authenticator.server";
import { perRequest } from "./request-scope.server";
import { getSessionStore, setCookieHeaders } from "./session.server";

/** Refresh this long before the access token expires. */
export const REFRESH_SKEW_SECONDS = 60;

/** What the session cookie holds: tokens and how they were obtained; claims are re-derived. */
interface StoredSession {
  flow: SignInFlow;
  id: string;
  access: string;
  refresh?: string;
  /** Sign-in time, unix seconds. */
  at: number;
}

/** A verified session plus the Set-Cookie headers a loader must return (non-empty after a refresh). */
export type CurrentSession = AuthSession & { headers: Headers };

/**
 * The verified session of this request, or null. Never throws for a bad cookie.
 * Remix runs a request's loaders in parallel, each with its own copy of the
 * Request (root's and the page's both want the session): the request scope
 * (request-scope.server.ts) makes them share one decryption, verification or
 * refresh. The next request verifies afresh.
 */
export function getAuthSession(request: Request): Promise<CurrentSession | null> {
  const cookie = request.headers.get("Cookie");
  if (!cookie || !getSessionStore().has(cookie)) return Promise.resolve(null);
  return perRequest(`auth-session:${cookie}`, () => resolveSession(request));
}

async function resolveSession(request: Request): Promise<CurrentSession | null> {
  const cookieHeader = request.headers.get("Cookie");
  const stored = getSessionStore<StoredSession>().read(cookieHeader);
  if (!isStoredSession(stored)) return null;
  const verifiers = getTokenVerifiers();
  const now = Math.floor(Date.now() / 1000);

  let accessClaims;
  try {
    accessClaims = await verifiers.verifyAccessToken(stored.access);
  } catch (error) {
    // Expired: try a refresh below. Anything else (bad signature, wrong
    // issuer/client/token use): treated as signed out.
    if (!(error instanceof JwtExpiredError)) return null;
  }
  if (accessClaims && accessClaims.exp - now > REFRESH_SKEW_SECONDS) {
    const id = decodeClaims<IdTokenClaims>(stored.id);
    if (!id || id.sub !== accessClaims.sub) return null;
    const session = sessionFromClaims(tokensOf(stored), stored.flow, accessClaims, id, stored.at);
    return { ...session, headers: new Headers() };
  }

  // Due or expired: refresh, if we can.
  if (!stored.refresh) return null;
  try {
    const refreshed = await refreshTokens(stored);
    const session = await createAuthSession(
      verifiers,
      { ...refreshed, refreshToken: refreshed.refreshToken ?? stored.refresh },
      stored.flow,
      stored.at,
    );
    const headers = setCookieHeaders(getSessionStore<StoredSession>().write(toStored(session), cookieHeader));
    return { ...session, headers };
  } catch (error) {
    // Cognito unreachable but the access token is still valid: carry on with
    // it; the refresh is retried on the next request.
    if (error instanceof ServiceUnavailableError && accessClaims) {
      const id = decodeClaims<IdTokenClaims>(stored.id);
      if (!id) return null;
      return {
        ...sessionFromClaims(tokensOf(stored), stored.flow, accessClaims, id, stored.at),
        headers: new Headers(),
      };
    }
    if (!(error instanceof CognitoAuthError) && !(error instanceof InvalidTokenError)) throw error;
    return null;
  }
}

async function refreshTokens(stored: StoredSession): Promise<CognitoTokens> {
  const { api, hosted } = getAuthServices();
  if (stored.flow === "hosted" && hosted) return hosted.refresh(stored.refresh!);
  // SECRET_HASH for a refresh uses Cognito's username (the token's cognito:username).
  const username = decodeClaims<IdTokenClaims>(stored.id)?.["cognito:username"] ?? "";
  return api.refresh(stored.refresh!, username);
}

/**
 * Fetches fresh tokens now (e.g. after a profile change, so the ID token's
 * claims are current) and returns the session with its new cookies.
 */
export async function reloadAuthSession(session: CurrentSession, request: Request): Promise<CurrentSession> {
  const stored = toStored(session);
  if (!stored.refresh) return session;
  const refreshed = await refreshTokens(stored);
  const next = await createAuthSession(
    getTokenVerifiers(),
    { ...refreshed, refreshToken: refreshed.refreshToken ?? stored.refresh },
    session.flow,
    session.signedInAt,
  );
  return {
    ...next,
    headers: setCookieHeaders(getSessionStore<StoredSession>().write(toStored(next), request.headers.get("Cookie"))),
  };
}

/** The session, or throws a redirect to the login page (clearing a dead cookie). */
export async function requireUser(request: Request): Promise<CurrentSession> {
  const session = await getAuthSession(request);
  if (session) return session;
  const url = new URL(request.url);
  const redirectTo = url.pathname + url.search;
  const headers = hasSessionCookie(request) ? destroySessionHeaders(request) : undefined;
  throw redirect(`/login?${new URLSearchParams({ redirectTo })}`, { headers });
}

/** The session of a member of `group`, or throws 403 (or the login redirect). */
export async function requireGroup(request: Request, group: string): Promise<CurrentSession> {
  const session = await requireUser(request);
  if (!session.user.groups.includes(group)) {
    throw data(
      { message: `You need to be in the “${group}” group to see this page.` },
      { status: 403, headers: session.headers },
    );
  }
  return session;
}

/** Set-Cookie headers storing a freshly signed-in session (replacing any old one: no fixation). */
export function commitAuthSession(session: AuthSession, request: Request, headers = new Headers()): Headers {
  return setCookieHeaders(
    getSessionStore<StoredSession>().write(toStored(session), request.headers.get("Cookie")),
    headers,
  );
}

export function destroySessionHeaders(request: Request, headers = new Headers()): Headers {
  return setCookieHeaders(getSessionStore<StoredSession>().destroy(request.headers.get("Cookie")), headers);
}

/**
 * The whole logout action: revoke the refresh token at Cognito, clear the
 * cookies, and end the Hosted UI session too when that is how they signed in.
 */
export async function logout(request: Request): Promise<Response> {
  const stored = getSessionStore<StoredSession>().read(request.headers.get("Cookie"));
  const headers = destroySessionHeaders(request);
  const env = getEnv();
  if (isStoredSession(stored) && stored.refresh) {
    try {
      await getAuthServices().api.revoke(stored.refresh);
    } catch (error) {
      // The cookie is gone either way; an unrevoked token expires on its own.
      console.warn(`[auth] logout: could not revoke the refresh token (${(error as Error).name})`);
    }
  }
  const { hostedLogoutUrl } = getAuthServices();
  if (isStoredSession(stored) && stored.flow === "hosted" && hostedLogoutUrl) {
    const url = new URL(hostedLogoutUrl);
    url.searchParams.set("client_id", env.cognito.clientId);
    url.searchParams.set("logout_uri", `${env.appUrl}/`);
    return redirect(url.toString(), { headers });
  }
  return redirect("/", { headers });
}

/** The decoded claims of the session's tokens (for the development panel; never the tokens). */
export function sessionTokenClaims(session: AuthSession): {
  id: Record<string, unknown>;
  access: Record<string, unknown>;
} {
  return {
    id: decodeClaims<Record<string, unknown>>(session.tokens.idToken) ?? {},
    access: decodeClaims<Record<string, unknown>>(session.tokens.accessToken) ?? {},
  };
}

function toStored(session: AuthSession): StoredSession {
  return {
    flow: session.flow,
    id: session.tokens.idToken,
    access: session.tokens.accessToken,
    refresh: session.tokens.refreshToken,
    at: session.signedInAt,
  };
}

function tokensOf(stored: StoredSession): CognitoTokens {
  return { idToken: stored.id, accessToken: stored.access, refreshToken: stored.refresh };
}

function isStoredSession(value: unknown): value is StoredSession {
  const v = value as StoredSession | null;
  return (
    !!v &&
    (v.flow === "hosted" || v.flow === "custom") &&
    typeof v.id === "string" &&
    typeof v.access === "string" &&
    (v.refresh === undefined || typeof v.refresh === "string") &&
    typeof v.at === "number"
  );
}

function hasSessionCookie(request: Request): boolean {
  return getSessionStore().has(request.headers.get("Cookie"));
}

/**
 * Claims of a token that was verified when it was stored: the cookie is
 * encrypted and authenticated, so its content is ours. Only the access token
 * is re-verified on each request (it is the one that authorizes).
 */
function decodeClaims<T>(jwt: string): T | null {
  try {
    return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}
