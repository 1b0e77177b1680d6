/**
 * The signed-in session of the Hosted UI: a random id in an HttpOnly cookie
 * on the gateway's host (AWS's managed login keeps one on its domain too),
 * for an hour, so `/oauth2/authorize` signs in again without the form.
 *
 * It remembers who signed in and when, never a password: the tokens a
 * session hands out later carry that first sign-in's time as `auth_time`,
 * as AWS's do (OIDC: the time the End-User authenticated). Like AWS's, it
 * outlives `GlobalSignOut` and `AdminUserGlobalSignOut`, which revoke tokens,
 * not this cookie: only `/logout` (or its hour) ends it.
 */
import type { IncomingMessage } from "node:http";
import { parseCookies } from "../http.ts";
import type { HostedUiContext } from "./context.ts";
import { randomId } from "./flows.ts";

/** The gateway's signed-in cookie. */
export const HOSTED_COOKIE = "cognito_local_hosted";
/** AWS's managed-login session lasts an hour. */
export const HOSTED_SESSION_MS = 60 * 60_000;

export interface HostedSession {
  poolId: string;
  username: string;
  /** When the person signed in (epoch seconds, on the Hosted UI's clock): every token it hands out says so. */
  authTime: number;
  expiresAt: number;
}

/** The request's live session (and its id), if any. */
export function currentSession(
  ctx: HostedUiContext,
  req: IncomingMessage,
): { sid: string; session: HostedSession } | undefined {
  const sid = parseCookies(req.headers.cookie)[HOSTED_COOKIE];
  const session = sid ? ctx.sessions.get(sid) : undefined;
  return sid && session && session.expiresAt > ctx.now() ? { sid, session } : undefined;
}

/** Starts a session; returns its Set-Cookie. */
export function startSession(ctx: HostedUiContext, session: Omit<HostedSession, "expiresAt">): string {
  const sid = randomId();
  ctx.sessions.set(sid, { ...session, expiresAt: ctx.now() + HOSTED_SESSION_MS });
  return sessionCookie(ctx, sid, HOSTED_SESSION_MS / 1000);
}

/** Ends the request's session, if any; returns the Set-Cookie that clears it. */
export function endSession(ctx: HostedUiContext, req: IncomingMessage): string {
  const sid = parseCookies(req.headers.cookie)[HOSTED_COOKIE];
  if (sid) ctx.sessions.delete(sid);
  return sessionCookie(ctx, "", 0);
}

function sessionCookie(ctx: HostedUiContext, value: string, maxAgeSeconds: number): string {
  return `${HOSTED_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${
    ctx.secureCookie ? "; Secure" : ""
  }`;
}
