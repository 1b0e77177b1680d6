/**
 * The short-lived cookies of the Hosted UI round trip: where to go after
 * sign-in, and remix-auth-oauth2's state + PKCE verifier cookie, which the
 * callback clears whatever the outcome.
 */

import { HOSTED_STATE_COOKIE } from "~/cognito/strategies/hosted-strategy.server";
import { getEnv } from "~/env.server";
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
  const match = (request.headers.get("Cookie") ?? "").match(/(?:^|;\s*)__oauth_redirect=([^;]*)/);
  let value: string | null = null;
  try {
    value = match ? decodeURIComponent(match[1]!) : null;
  } catch {
    value = null;
  }
  // Re-checked here: a cookie is user input too.
  return safeRedirect(value);
}

export function clearHostedCookies(request: Request, headers = new Headers()): Headers {
  const names = (request.headers.get("Cookie") ?? "")
    .split(";")
    .map((c) => c.trim().split("=")[0]!)
    .filter((name) => name.startsWith(HOSTED_STATE_COOKIE) || name === REDIRECT_COOKIE);
  for (const name of new Set(names)) headers.append("Set-Cookie", `${name}=; ${attributes(0)}`);
  return headers;
}
