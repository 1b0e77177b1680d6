/**
 * The cookie storage of the signed-in session: the `__session` sealed cookie
 * (AES-256-GCM, key from SESSION_SECRET, first secret encrypts, all decrypt),
 * httpOnly, SameSite=Lax, Secure in production, split over numbered cookies so
 * that AWS-size tokens never exceed 4096 bytes per cookie. Knows nothing of
 * Cognito: what goes in it is stored-session.server.ts's business.
 */
import { getEnv } from "~/env.server";
import { createSealedCookieStore, type SealedCookieStore } from "./sealed-cookie.server";

export const SESSION_COOKIE = "__session";
/** As long as a Cognito refresh token lives by default (30 days). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

let store: SealedCookieStore<unknown> | undefined;

/** The process-wide store of the `__session` cookie (typed by its one user, stored-session.server.ts). */
export function getSessionCookieStore<T>(): SealedCookieStore<T> {
  if (!store) {
    const env = getEnv();
    store = createSealedCookieStore<unknown>({
      name: SESSION_COOKIE,
      secrets: env.sessionSecrets,
      secure: env.isProduction,
      maxAgeSeconds: SESSION_MAX_AGE_SECONDS,
    });
  }
  return store as SealedCookieStore<T>;
}
