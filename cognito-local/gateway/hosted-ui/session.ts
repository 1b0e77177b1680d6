/**
 * The signed-in session of the Hosted UI: a random id in an HttpOnly cookie
 * on the gateway's host (AWS's managed login keeps one on its domain too),
 * for an hour, so `/oauth2/authorize` signs in again without the form.
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
  /** Absent after a sign-in with an email code: new tokens are then minted by the gateway. */
  password?: string;
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
