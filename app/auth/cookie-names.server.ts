/**
 * The name of every cookie the app sets, in one place, and the sealed store
 * of the ones that hold data (the session, a pending challenge).
 *
 * In production each carries the `__Host-` prefix. A browser stores a
 * `__Host-` cookie only when it is Secure, has Path=/ and no Domain, and comes
 * from a secure origin, so nothing else can write one for us: not a sibling
 * subdomain (cookie tossing), not a plain-http page on the same network
 * (session fixation), not a cookie with a narrower path shadowing ours. The
 * app reads only the prefixed names there, so a planted plain `__session.0`
 * is never looked at. Development serves http://localhost without Secure and
 * keeps the plain names.
 *
 * Every app cookie is scoped to the whole site (`__Host-` requires Path=/),
 * in development too, so both modes behave alike.
 */
import { getEnv } from "~/env.server";
import { createSealedCookieStore, type SealedCookieStore } from "./sealed-cookie.server";

/**
 * What each cookie holds: the session chunks, a pending sign-in challenge, the Hosted UI round
 * trip (remix-auth-oauth2's state, where to go, when it began or which link it makes, and whether
 * it asked Cognito for a real sign-in).
 */
export type AppCookie = "session" | "challenge" | "oauth_state" | "oauth_redirect" | "round_trip" | "oauth_reauth";

/** The path of every app cookie. */
export const COOKIE_PATH = "/";

/** Pure: the cookie's name in production (`__Host-session`) or development (`__session`). */
export function cookieNameFor(cookie: AppCookie, production: boolean): string {
  return production ? `__Host-${cookie}` : `__${cookie}`;
}

/** This process's name for the cookie. */
export function cookieName(cookie: AppCookie): string {
  return cookieNameFor(cookie, getEnv().isProduction);
}

/**
 * This process's sealed store of one of the app's cookies, made on first use
 * (from the validated settings: the session secrets, Secure in production).
 */
export function lazyCookieStore<T>(cookie: AppCookie, maxAgeSeconds: number): () => SealedCookieStore<T> {
  let store: SealedCookieStore<T> | undefined;
  return () => {
    if (!store) {
      const env = getEnv();
      store = createSealedCookieStore<T>({
        name: cookieName(cookie),
        secrets: env.sessionSecrets,
        secure: env.isProduction,
        maxAgeSeconds,
        path: COOKIE_PATH,
      });
    }
    return store;
  };
}
