/**
 * The cookie storage of the signed-in session: the `__session` sealed cookie
 * (AES-256-GCM, key from SESSION_SECRET, first secret encrypts, all decrypt),
 * httpOnly, SameSite=Lax, Secure and named `__Host-session` in production
 * (cookie-names.server.ts), split over numbered cookies so that AWS-size
 * tokens never exceed 4096 bytes per cookie. Knows nothing of Cognito: what
 * goes in it is stored-session.server.ts's business.
 */
import { getEnv } from "~/env.server";
import { COOKIE_PATH, cookieName } from "./cookie-names.server";
import { createSealedCookieStore, type SealedCookieStore } from "./sealed-cookie.server";

/** As long as a Cognito refresh token lives by default (30 days). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

let store: SealedCookieStore<unknown> | undefined;

/** The process-wide store of the `__session` cookie (typed by its one user, stored-session.server.ts). */
export function getSessionCookieStore<T>(): SealedCookieStore<T> {
  if (!store) {
    const env = getEnv();
    store = createSealedCookieStore<unknown>({
      name: cookieName("session"),
      secrets: env.sessionSecrets,
      secure: env.isProduction,
      path: COOKIE_PATH,
      maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
    });
  }
  return store as SealedCookieStore<T>;
}
