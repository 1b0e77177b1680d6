/**
 * Step-up: sensitive account changes (adding or removing a passkey) need a
 * recent sign-in, not just a live session — a session left open on a shared
 * computer, or a stolen cookie, must not be enough to add an attacker's
 * passkey. "Recent" is the sign-in time stored with the session (a refresh
 * keeps it), so only signing in again resets it.
 */
import { redirect } from "@remix-run/node";
import type { AuthSession } from "~/cognito/auth-session.server";

/** How long after signing in sensitive changes are allowed without signing in again. */
export const RECENT_SIGN_IN_SECONDS = 10 * 60;

export function isRecentSignIn(session: Pick<AuthSession, "signedInAt">, now = Math.floor(Date.now() / 1000)): boolean {
  return now - session.signedInAt <= RECENT_SIGN_IN_SECONDS;
}

/** Where to sign in again before coming back to `returnTo` (a path of ours). */
export function stepUpUrl(returnTo: string): string {
  return `/login?${new URLSearchParams({ reauth: "1", redirectTo: returnTo })}`;
}

/**
 * Returns when the session signed in recently; otherwise throws a redirect
 * to sign in again and come back to `returnTo`.
 */
export function requireRecentSignIn(session: Pick<AuthSession, "signedInAt">, returnTo: string): void {
  if (!isRecentSignIn(session)) throw redirect(stepUpUrl(returnTo));
}
