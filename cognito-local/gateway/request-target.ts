/**
 * The one reading of a request's target, before any routing.
 *
 * cognito-local's Express router matches paths case-insensitively and with or
 * without a trailing slash, and WHATWG URL parsing (what the gateway routes
 * on) resolves dot segments and backslashes and reads `//x` as a host. Each
 * of those differences is a way to reach a cognito-local handler the gateway
 * means to replace (`GET /oauth2/authorize/` → its unescaped form, `POST
 * /oauth2/token/` → its token endpoint without a secret check). So the
 * gateway does not try to guess what a spelling means: a path that is not
 * written the one canonical way is refused, and the canonical path is what
 * both the gateway's routes and the pass-through to cognito-local see.
 */

/**
 * A canonical path: `/`, or `/`-separated segments of unreserved and
 * sub-delimiter characters (RFC 3986 pchar without percent-encoding), none of
 * them `.` or `..`, no empty segment (no `//`, no trailing slash).
 */
const CANONICAL_PATH = /^(?:\/|(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9\-._~!$&'()*+,;=:@]+)+)$/;

export interface RequestTarget {
  /** The path, exactly as sent, known to be canonical. */
  pathname: string;
  /** `?…` as sent, or "". */
  search: string;
  /** pathname + search: what is forwarded to cognito-local. */
  target: string;
}

/**
 * The request target when it is an origin-form (`/path?query`) target with a
 * canonical path; null otherwise (absolute-form, `*`, or a path spelled with
 * `//`, a trailing slash, dot segments, backslashes or percent-encoding).
 * Case is not folded: routes match exactly, so `/OAuth2/Token` is simply a
 * path nobody serves.
 */
export function canonicalTarget(raw: string | undefined): RequestTarget | null {
  if (!raw?.startsWith("/")) return null;
  const q = raw.indexOf("?");
  const pathname = q < 0 ? raw : raw.slice(0, q);
  const search = q < 0 ? "" : raw.slice(q);
  if (!CANONICAL_PATH.test(pathname)) return null;
  return { pathname, search, target: pathname + search };
}
