/**
 * The cookie storage of the signed-in session: the `__session` sealed cookie
 * (AES-256-GCM, key from SESSION_SECRET, first secret encrypts, all decrypt),
 * httpOnly, SameSite=Lax, Secure and named `__Host-session` in production
 * (cookie-names.server.ts), split over numbered cookies so that AWS-size
 * tokens never exceed 4096 bytes per cookie. Knows nothing of Cognito: what
 * goes in it is stored-session.server.ts's business.
 */
import { lazyCookieStore } from "./cookie-names.server";
import type { SealedCookieStore } from "./sealed-cookie.server";

/** As long as a Cognito refresh token lives by default (30 days). */
export const SESSION_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

const store = lazyCookieStore<unknown>("session", SESSION_MAX_AGE_SECONDS);

/** The process-wide store of the `__session` cookie (typed by its one user, stored-session.server.ts). */
export function getSessionCookieStore<T>(): SealedCookieStore<T> {
  return store() as SealedCookieStore<T>;
}
