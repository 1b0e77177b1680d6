/**
 * The short-lived cookies of the Hosted UI round trip: where to go after
 * sign-in, whether it asked Cognito for a real sign-in (`prompt=login`), and
 * remix-auth-oauth2's state + PKCE verifier cookie, which the callback clears
 * whatever the outcome. Names from cookie-names.server.ts (`__Host-` prefixed
 * in production).
 */

import { getEnv } from "~/env.server";
import { readCookies } from "~/http/cookies.server";
import { COOKIE_PATH, cookieName } from "./cookie-names.server";
import { safeRedirect } from "./redirect.server";

function attributes(maxAge: number) {
  return `Path=${COOKIE_PATH}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${getEnv().isProduction ? "; Secure" : ""}`;
}

/** Name prefix of remix-auth-oauth2's state cookies (it appends `:<uuid>`, one per tab). */
export function hostedStateCookieName(): string {
  return cookieName("oauth_state");
}

export function setHostedRedirectCookie(headers: Headers, redirectTo: string): void {
  headers.append("Set-Cookie", `${cookieName("oauth_redirect")}=${encodeURIComponent(redirectTo)}; ${attributes(300)}`);
}

export function readHostedRedirect(request: Request): string {
  // Re-checked here: a cookie is user input too.
  return safeRedirect(readCookies(request.headers.get("Cookie"))[cookieName("oauth_redirect")]);
}

/**
 * `GET /auth/hosted?prompt=login`: the person must authenticate again (step-up, a Cognito session
 * that was ended, a provider to link), so Cognito is asked for `prompt=login`
 * (providerAuthorizationParams in federation.server.ts passes it on).
 */
export function wantsReauthentication(request: Request): boolean {
  return new URL(request.url).searchParams.get("prompt") === "login";
}

/** Marks the round trip as one that asked for a real sign-in (or unmarks it): its callback must not ask again. */
export function setHostedReauthCookie(headers: Headers, reauth: boolean): void {
  headers.append("Set-Cookie", `${cookieName("oauth_reauth")}=${reauth ? "1" : ""}; ${attributes(reauth ? 300 : 0)}`);
}

export function hostedReauthRequested(request: Request): boolean {
  return readCookies(request.headers.get("Cookie"))[cookieName("oauth_reauth")] === "1";
}

export function clearHostedCookies(request: Request, headers = new Headers()): Headers {
  const stateCookie = hostedStateCookieName();
  const ownCookies = new Set([cookieName("oauth_redirect"), cookieName("oauth_reauth")]);
  const names = Object.keys(readCookies(request.headers.get("Cookie"))).filter(
    (name) => name.startsWith(stateCookie) || ownCookies.has(name),
  );
  for (const name of names) headers.append("Set-Cookie", `${name}=; ${attributes(0)}`);
  return headers;
}
