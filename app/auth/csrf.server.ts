/**
 * CSRF defence for every state-changing request: the browser must say the
 * request comes from our own origin. We check the Fetch Metadata header
 * `Sec-Fetch-Site` (set by the browser, unforgeable by pages), else `Origin`,
 * else `Referer`, against APP_URL. A request carrying none of them is not a
 * browser form post (every current browser sends Origin on POST) and passes:
 * without the victim's cookies it cannot act as the victim.
 * See docs/decisions/004-csrf.md.
 */
import { data } from "@remix-run/node";
import { getEnv } from "~/env.server";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSameOriginRequest(request: Request, appUrl: string): boolean {
  if (SAFE_METHODS.has(request.method)) return true;
  const appOrigin = new URL(appUrl).origin;
  const site = request.headers.get("Sec-Fetch-Site");
  if (site) return site === "same-origin" || site === "none";
  const origin = request.headers.get("Origin");
  if (origin) return origin === appOrigin;
  const referer = request.headers.get("Referer");
  if (referer) {
    try {
      return new URL(referer).origin === appOrigin;
    } catch {
      return false;
    }
  }
  return true;
}

/** Throws a 403 page unless the request comes from the app's own pages. Call first in every action. */
export function requireSameOrigin(request: Request): void {
  if (!isSameOriginRequest(request, getEnv().appUrl)) {
    throw data(
      { message: "This form was sent from another site, so it was refused. Go back to the app and try again." },
      { status: 403 },
    );
  }
}
