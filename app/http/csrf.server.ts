/**
 * CSRF defence for every state-changing request: the browser must say the
 * request comes from our own origin. We check the Fetch Metadata header
 * `Sec-Fetch-Site` (set by the browser, unforgeable by pages), else `Origin`,
 * else `Referer`, against APP_URL. A request carrying none of them is not a
 * browser form post (every current browser sends Origin on POST) and passes:
 * without the victim's cookies it cannot act as the victim.
 * See docs/decisions/004-csrf-and-rate-limits.md.
 */
import { data } from "@remix-run/node";
import { getEnv } from "~/env.server";
import { isApiRequestTarget } from "./api-cors.server";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isSameOriginRequest(request: Pick<Request, "method" | "headers">, appUrl: string): boolean {
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

export const CROSS_SITE_MESSAGE =
  "This form was sent from another site, so it was refused. Go back to the app and try again.";

/**
 * For the HTTP server (server/index.js), before Remix: the 403 page for a
 * cross-site state-changing request, or null to let it through. Remix's own
 * origin check would otherwise end such a request in a bare 500.
 *
 * The JSON API (/api/…) is exempt: it reads bearer tokens and never a cookie,
 * so a cross-site request there acts as nobody — and browser apps on other
 * origins (CORS) are whom it serves. `url` is the request target as it came.
 */
export function crossSiteRefusal(
  request: Pick<Request, "method" | "headers" | "url">,
): { headers: Record<string, string>; body: string } | null {
  if (isApiRequestTarget(request.url)) return null;
  if (isSameOriginRequest(request, getEnv().appUrl)) return null;
  const body = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Request refused · remix-cognito</title></head>
<body><main><h1>Access denied</h1><p>${CROSS_SITE_MESSAGE}</p><p><a href="/">Go to the home page</a></p></main></body></html>`;
  return {
    headers: {
      "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "same-origin",
      "Cache-Control": "no-store",
    },
    body,
  };
}

/** Throws a 403 page unless the request comes from the app's own pages. Call first in every action. */
export function requireSameOrigin(request: Request): void {
  if (!isSameOriginRequest(request, getEnv().appUrl)) {
    throw data({ message: CROSS_SITE_MESSAGE }, { status: 403 });
  }
}
