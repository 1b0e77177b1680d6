/**
 * The JSON API as the HTTP server sees it, before Remix (server/index.js
 * calls these through entry.server.tsx), decided here on the path Remix will
 * route by:
 *
 * - **CORS** for the origins in API_CORS_ORIGINS only: a preflight from one of
 *   them is answered (GET and POST, the Authorization and Content-Type
 *   headers); from any other origin it is refused. Credentials are never
 *   allowed: the API reads bearer tokens, not cookies, so a browser app sends
 *   its token itself and no cookie needs to cross origins.
 * - **No CSRF check**: the API never reads cookies (requireApiToken), so a
 *   cross-site request to it cannot act as anyone (csrf.server.ts exempts it).
 */
import { getEnv } from "~/env.server";
import type { ApiErrorCode } from "./api-reply.server";

/** The paths the API owns. Remix matches routes without regard to case, so this does too. */
const API_PATH = /^\/api(?:\/|$)/i;

/**
 * Whether this request target is the API's, read the way Remix reads it: a
 * WHATWG URL's path (dot segments resolved, `\` as `/`), so a spelling such as
 * `/api/../logout` is the page it leads to, not the API.
 */
export function isApiRequestTarget(target: string): boolean {
  let pathname: string;
  try {
    pathname = new URL(target, "http://app.invalid").pathname;
  } catch {
    return false;
  }
  return API_PATH.test(pathname);
}

const ALLOW_METHODS = "GET, POST";
const ALLOW_HEADERS = "Authorization, Content-Type";
/** What a browser app may read of an answer besides the CORS-safelisted headers. */
const EXPOSE_HEADERS = "WWW-Authenticate, Retry-After";

export interface ApiCors {
  /** Headers every answer to this request carries. */
  headers: Record<string, string>;
  /** The whole answer, for a preflight: Remix never sees it. */
  reply?: { status: number; body: string };
}

/** CORS for a request to the API; null when the request is not the API's. */
export function apiCors(request: { method: string; headers: Headers; url: string }): ApiCors | null {
  if (!isApiRequestTarget(request.url)) return null;
  const origin = request.headers.get("Origin");
  const allowed = origin !== null && getEnv().api.corsOrigins.includes(origin);
  if (request.method === "OPTIONS") {
    if (!allowed) {
      const body: { error: ApiErrorCode; error_description: string } = {
        error: "origin_not_allowed",
        error_description: "This origin may not call the API from a browser.",
      };
      return {
        headers: { Vary: "Origin", "Content-Type": "application/json; charset=utf-8" },
        reply: { status: 403, body: JSON.stringify(body) },
      };
    }
    return {
      headers: {
        "Access-Control-Allow-Origin": origin,
        "Access-Control-Allow-Methods": ALLOW_METHODS,
        "Access-Control-Allow-Headers": ALLOW_HEADERS,
        "Access-Control-Max-Age": "600",
        Vary: "Origin",
      },
      reply: { status: 204, body: "" },
    };
  }
  if (!allowed) return { headers: { Vary: "Origin" } };
  return {
    headers: { "Access-Control-Allow-Origin": origin, "Access-Control-Expose-Headers": EXPOSE_HEADERS, Vary: "Origin" },
  };
}
