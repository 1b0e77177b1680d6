/**
 * What the app tells the session registry (app/sessions/), and asks it: a sign-in registers the
 * session, every request checks that it was not ended (in memory, no I/O) and notes that it was
 * used, sign-out and security events end sessions. See docs/decisions/009-session-revocation-and-store.md.
 */
import { createHash } from "node:crypto";
import type { AuthSession } from "~/cognito/auth-session.server";
import { type ApiAccessTokenClaims, decodeTokenClaims } from "~/cognito/verify.server";
import { noteSignedIn } from "~/http/rate-limit.server";
import { requestClientIp } from "~/http/request-scope.server";
import { getSessionRegistry } from "~/sessions/configured-registry.server";
import { describeDevice, truncateIp } from "~/sessions/device.server";
import type { SessionRecord } from "~/sessions/registry.server";
import { SESSION_MAX_AGE_SECONDS } from "./session.server";
import { newStoredSession, type StoredSession, withNewSessionId, writeStoredSession } from "./stored-session.server";

/** The longest a sealed cookie can outlive its last re-seal (its Max-Age and embedded expiry). */
const COOKIE_LIFETIME_MS = SESSION_MAX_AGE_SECONDS * 1000;
/** Clock skew allowed between us and Cognito when a revocation only has to outlive an access token. */
const ACCESS_TOKEN_SKEW_MS = 5 * 60_000;

/** Set-Cookie headers storing a freshly signed-in session (a new record and id: no fixation), registered in the list. */
export function commitAuthSession(session: AuthSession, request: Request, headers = new Headers()): Headers {
  const stored = newStoredSession(session);
  const registry = getSessionRegistry();
  const now = Date.now();
  // Never awaited: the list is informative, and the registry queues and retries its writes.
  void registry.register({ ...describeSession(stored, session.user.sub, request), lastSeenAt: now });
  if (session.user.email) registry.linkLogin(session.user.email, session.user.sub);
  // The Cognito username is another name for the same account (the rate limits count one account
  // once, whichever name is typed), and this address is now one its owner signs in from.
  if (session.user.username && session.user.username !== session.user.sub) {
    registry.linkLogin(session.user.username, session.user.sub);
  }
  noteSignedIn(session.user.sub, requestClientIp()).catch(() => undefined);
  return writeStoredSession(stored, request, headers);
}

/**
 * True when this session was ended: its id revoked (sign-out, "end this session") or its user
 * cut off (password change or reset, an admin). Synchronous and in memory.
 */
export function isSessionEnded(stored: StoredSession, userId: string): boolean {
  const registry = getSessionRegistry();
  return registry.isRevoked(stored.sid) || registry.isCutOff(userId, stored.from);
}

/**
 * True when the person authenticated (`authTime`, unix seconds: the ID token's `auth_time`) before
 * the user's cut-off: a sign-in out of a Cognito session that "sign out everywhere", an admin, a
 * password change or a reset has ended for this app. `auth_time` counts whole seconds, so a
 * sign-in in the very second of the cut-off is let through rather than refused.
 */
export function signedInBeforeCutOff(userId: string, authTime: number): boolean {
  return getSessionRegistry().isCutOff(userId, authTime * 1000 + 999);
}

/** Notes a request of this session for its "last seen" (written at most once a minute, in the background). */
export function noteSessionUse(
  stored: StoredSession,
  userId: string,
  email: string | undefined,
  request: Request,
): void {
  const registry = getSessionRegistry();
  registry.seen(stored.sid, () => {
    // Runs only when a write is due: keeps the sign-in name's link fresh too (password resets use it).
    if (email) registry.linkLogin(email, userId);
    return describeSession(stored, userId, request);
  });
}

/**
 * Ends one session: revoked on every instance, off the list. `refreshRevoked`: its refresh token
 * was revoked at Cognito, so a copy of the cookie can live no longer than its access token;
 * otherwise the revocation lasts as long as the cookie could.
 */
export async function endSession(stored: StoredSession, userId: string, refreshRevoked: boolean): Promise<void> {
  const until = refreshRevoked ? accessTokenDeadline(stored) : Date.now() + COOKIE_LIFETIME_MS;
  const registry = getSessionRegistry();
  // The session's access tokens too, wherever a copy is presented as a bearer token (the API):
  // its sign-in's token family (every token refreshed from it carries the same origin_jti) and,
  // for tokens without one, the current token itself. As long as the session id's revocation.
  const claims = decodeTokenClaims<{ jti?: unknown; origin_jti?: unknown }>(stored.access);
  const tokenIds = [claims?.origin_jti, claims?.jti].filter((id): id is string => typeof id === "string" && id !== "");
  await Promise.all([
    registry.end(userId, [stored.sid], until),
    ...tokenIds.map((id) => registry.revoke(tokenRevocationId(id), until)),
  ]);
}

/**
 * A token's revocation travels as a session revocation (same replica, same pub/sub, same
 * expiry), under an id shaped like a session id derived from its `jti` or `origin_jti`; a
 * distinct label keeps it apart from every real session id.
 */
export function tokenRevocationId(jti: string): string {
  return createHash("sha256").update(`access-token\u0000${jti}`).digest("base64url").slice(0, 22);
}

/**
 * True when the app has ended what this user's access token belongs to: its sign-in's token
 * family or the token itself (sign-out), or every session of the user that began before a
 * moment (sign out everywhere, a password change or reset, an admin), by its `auth_time` —
 * the sign-in's time, which refreshes keep. Synchronous and in memory, like isSessionEnded.
 */
export function isAccessTokenEnded(claims: ApiAccessTokenClaims): boolean {
  const registry = getSessionRegistry();
  for (const id of [claims.origin_jti, claims.jti]) {
    if (typeof id === "string" && id !== "" && registry.isRevoked(tokenRevocationId(id))) return true;
  }
  // Whole seconds: a sign-in within the very second of a cut-off counts as before it (refused).
  const signedInAt = (typeof claims.auth_time === "number" ? claims.auth_time : claims.iat) * 1000;
  return registry.isCutOff(claims.sub, signedInAt);
}

/** Ends sessions of `userId` by id (from the session list): their refresh tokens are not ours to revoke. */
export async function endSessionsById(userId: string, sids: readonly string[]): Promise<void> {
  if (sids.length === 0) return;
  await getSessionRegistry().end(userId, sids, Date.now() + COOKIE_LIFETIME_MS);
}

/** Ends every session of `userId` that exists now (password reset, an admin, "sign out everywhere"). */
export async function endAllSessions(userId: string, at = Date.now()): Promise<void> {
  await getSessionRegistry().endAllBefore(userId, at, at + COOKIE_LIFETIME_MS);
}

/**
 * Ends every other session of the user — and copies of this one's cookie — while this one goes
 * on under a new id (after a password change). Returns the Set-Cookie headers for the new id.
 */
export async function endOtherSessions(
  stored: StoredSession,
  userId: string,
  request: Request,
  headers = new Headers(),
): Promise<Headers> {
  const at = Date.now();
  const next = withNewSessionId(stored, at);
  await endAllSessions(userId, at);
  await getSessionRegistry().register({ ...describeSession(next, userId, request), lastSeenAt: at });
  return writeStoredSession(next, request, headers);
}

/** A session in the user's list; `current` marks the one making the request. */
export type ListedSession = SessionRecord & { current: boolean };

/**
 * The user's sessions, this one first. Reads the store: throws RegistryUnavailableError when it
 * cannot (the page says so). This session is listed even if the store has not got it yet.
 */
export async function listSessions(stored: StoredSession, userId: string, request: Request): Promise<ListedSession[]> {
  const listed = await getSessionRegistry().list(userId);
  const current = listed.find((s) => s.sid === stored.sid) ?? {
    ...describeSession(stored, userId, request),
    lastSeenAt: Date.now(),
  };
  return [
    { ...current, current: true },
    ...listed.filter((s) => s.sid !== stored.sid).map((s) => ({ ...s, current: false })),
  ];
}

/**
 * Ends one of the user's other sessions, by id, from their list. Only ids the store lists for
 * this user are accepted, so nobody can end a session that is not theirs.
 */
export async function endListedSession(
  stored: StoredSession,
  userId: string,
  sid: string,
): Promise<"ended" | "current" | "unknown"> {
  if (sid === stored.sid) return "current";
  const listed = await getSessionRegistry().list(userId);
  if (!listed.some((s) => s.sid === sid)) return "unknown";
  await endSessionsById(userId, [sid]);
  return "ended";
}

/** The user whose sign-in name this is, if they signed in here recently (for password resets). */
export function userIdForLogin(login: string): Promise<string | null> {
  return getSessionRegistry().userIdForLogin(login);
}

function describeSession(stored: StoredSession, userId: string, request: Request): Omit<SessionRecord, "lastSeenAt"> {
  return {
    sid: stored.sid,
    userId,
    method: stored.flow,
    device: describeDevice(request.headers.get("User-Agent")),
    ip: truncateIp(requestClientIp()),
    signedInAt: stored.at * 1000,
  };
}

/** When the session's current access token stops verifying (plus skew), in epoch ms. */
function accessTokenDeadline(stored: StoredSession): number {
  const claims = decodeTokenClaims<{ exp?: number; iat?: number }>(stored.access);
  const now = Date.now();
  // A copy may hold a newer access token than ours, refreshed just before the sign-out: at most
  // one access-token lifetime from now.
  const lifetimeMs =
    claims?.exp && claims.iat && claims.exp > claims.iat ? (claims.exp - claims.iat) * 1000 : COOKIE_LIFETIME_MS;
  return now + Math.min(lifetimeMs, COOKIE_LIFETIME_MS) + ACCESS_TOKEN_SKEW_MS;
}
