/**
 * The short-lived cookies of the Hosted UI round trip: where to go after
 * sign-in, and remix-auth-oauth2's state + PKCE verifier cookie, which the
 * callback clears whatever the outcome.
 */

import { HOSTED_STATE_COOKIE } from "~/cognito/strategies/hosted-strategy.server";
import { getEnv } from "~/env.server";
import { readCookies } from "~/http/cookies.server";
import { safeRedirect } from "./redirect.server";

const REDIRECT_COOKIE = "__oauth_redirect";
const PATH = "/auth";

function attributes(maxAge: number) {
  return `Path=${PATH}; HttpOnly; SameSite=Lax; Max-Age=${maxAge}${getEnv().isProduction ? "; Secure" : ""}`;
}

export function setHostedRedirectCookie(headers: Headers, redirectTo: string): void {
  headers.append("Set-Cookie", `${REDIRECT_COOKIE}=${encodeURIComponent(redirectTo)}; ${attributes(300)}`);
}

export function readHostedRedirect(request: Request): string {
  // Re-checked here: a cookie is user input too.
  return safeRedirect(readCookies(request.headers.get("Cookie"))[REDIRECT_COOKIE]);
}

export function clearHostedCookies(request: Request, headers = new Headers()): Headers {
  const names = Object.keys(readCookies(request.headers.get("Cookie"))).filter(
    (name) => name.startsWith(HOSTED_STATE_COOKIE) || name === REDIRECT_COOKIE,
  );
  for (const name of names) headers.append("Set-Cookie", `${name}=; ${attributes(0)}`);
  return headers;
}
