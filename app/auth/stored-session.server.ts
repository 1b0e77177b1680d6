/**
 * What the session cookie holds, and the only code that reads or writes it:
 * the tokens and how and when they were obtained. Claims are not stored; they
 * are re-derived from the tokens (current-session.server.ts).
 *
 * The record changes in exactly three places, so a new field has one home:
 *   - {@link newStoredSession}: a sign-in creates a brand-new record (no
 *     fixation: nothing is carried over from an earlier cookie), with a new
 *     session id;
 *   - {@link withRefreshedTokens}: a refresh replaces the tokens and keeps
 *     everything else (including the refresh token, unless Cognito rotated it);
 *   - {@link withNewSessionId}: the same sign-in under a new session id (after
 *     a password change every copy of the old cookie is refused).
 */
import type { AuthSession, CognitoTokens, SignInFlow } from "~/cognito/auth-session.server";
import { setCookieHeaders } from "~/http/cookies.server";
import { isSessionId, newSessionId } from "~/sessions/session-id.server";
import { getSessionCookieStore } from "./session.server";

/** The content of the sealed `__session` cookie. Short keys: every byte is sent with every request. */
export interface StoredSession {
  flow: SignInFlow;
  /** ID token. */
  id: string;
  /** Access token. */
  access: string;
  /** Refresh token (absent only if Cognito issued none). */
  refresh?: string;
  /** When the person authenticated (the ID token's `auth_time` at sign-in), unix seconds; refreshes keep it. */
  at: number;
  /** Session id: what revocations and the device list are keyed by (app/sessions/). */
  sid: string;
  /** When this session id was issued, epoch ms: a user cut-off refuses sessions issued before it. */
  from: number;
}

/** The record for a session that has just signed in. */
export function newStoredSession(session: AuthSession): StoredSession {
  return {
    flow: session.flow,
    id: session.tokens.idToken,
    access: session.tokens.accessToken,
    refresh: session.tokens.refreshToken,
    at: session.signedInAt,
    sid: newSessionId(),
    from: Date.now(),
  };
}

/** The same session under a new id, issued at `from` (epoch ms). */
export function withNewSessionId(stored: StoredSession, from = Date.now()): StoredSession {
  return { ...stored, sid: newSessionId(), from };
}

/** The record after a refresh: new ID and access tokens; a rotated refresh token replaces the old one. */
export function withRefreshedTokens(stored: StoredSession, tokens: CognitoTokens): StoredSession {
  return {
    ...stored,
    id: tokens.idToken,
    access: tokens.accessToken,
    refresh: tokens.refreshToken ?? stored.refresh,
  };
}

export function storedTokens(stored: StoredSession): CognitoTokens {
  return { idToken: stored.id, accessToken: stored.access, refreshToken: stored.refresh };
}

/**
 * The cookie is authenticated, so its content is what we wrote — but maybe
 * by an older version of the app: check the shape before trusting it.
 */
export function isStoredSession(value: unknown): value is StoredSession {
  const v = value as StoredSession | null;
  return (
    !!v &&
    (v.flow === "hosted" || v.flow === "custom") &&
    typeof v.id === "string" &&
    typeof v.access === "string" &&
    (v.refresh === undefined || typeof v.refresh === "string") &&
    typeof v.at === "number" &&
    // A cookie sealed before sessions had ids cannot be revoked: it reads as signed out once.
    isSessionId(v.sid) &&
    Number.isSafeInteger(v.from)
  );
}

/** The stored session of this request, or null (absent, tampered, expired or of an unknown shape). */
export function readStoredSession(request: Request): StoredSession | null {
  const sealed = sealedSessionOf(request);
  return sealed === null ? null : openStoredSession(sealed);
}

/**
 * The sealed value of this request's session cookie (its chunks put back
 * together), or null: the exact bytes `openStoredSession` decrypts, so what is
 * derived from them can be cached under them.
 */
export function sealedSessionOf(request: Request): string | null {
  return getSessionCookieStore().sealedValue(request.headers.get("Cookie"));
}

/** The stored session in a sealed value, or null (tampered, expired or of an unknown shape). */
export function openStoredSession(sealed: string): StoredSession | null {
  const stored = getSessionCookieStore<StoredSession>().open(sealed);
  return isStoredSession(stored) ? stored : null;
}

/** Whether the request carries a session cookie at all (valid or not). */
export function hasSessionCookie(request: Request): boolean {
  return getSessionCookieStore().isPresent(request.headers.get("Cookie"));
}

/** Set-Cookie headers storing `stored` (removing chunks the old cookie had beyond the new size). */
export function writeStoredSession(stored: StoredSession, request: Request, headers = new Headers()): Headers {
  return setCookieHeaders(getSessionCookieStore<StoredSession>().write(stored, request.headers.get("Cookie")), headers);
}

/** Set-Cookie headers deleting the session cookie. */
export function destroySessionHeaders(request: Request, headers = new Headers()): Headers {
  return setCookieHeaders(getSessionCookieStore().destroy(request.headers.get("Cookie")), headers);
}
