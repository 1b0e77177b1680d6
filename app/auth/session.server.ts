/**
 * Cookie storage for the session: encrypted (AES-256-GCM, key from
 * SESSION_SECRET, first secret encrypts, all decrypt), httpOnly,
 * SameSite=Lax, Secure and `__Host-` prefixed in production, split over
 * numbered cookies so that AWS-size tokens never exceed 4096 bytes per
 * cookie. Knows nothing of Cognito.
 */
import { getEnv } from "~/env.server";
import { COOKIE_PATH, cookieName } from "./cookie-names.server";
import { type CookieSessionStore, createCookieSessionStore } from "./cookie-session.server";

/** As long as a Cognito refresh token lives by default (30 days). */
const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

let store: CookieSessionStore<unknown> | undefined;

export function getSessionStore<T>(): CookieSessionStore<T> {
  if (!store) {
    const env = getEnv();
    store = createCookieSessionStore<unknown>({
      name: cookieName("session"),
      secrets: env.sessionSecrets,
      secure: env.isProduction,
      path: COOKIE_PATH,
      maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
    });
  }
  return store as CookieSessionStore<T>;
}

/** Headers carrying each Set-Cookie value. */
export function setCookieHeaders(setCookies: string[], headers = new Headers()): Headers {
  for (const value of setCookies) headers.append("Set-Cookie", value);
  return headers;
}
