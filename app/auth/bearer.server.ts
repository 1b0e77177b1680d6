/**
 * Reading a bearer token off a request, as RFC 6750 §2.1 spells it and
 * nothing looser: one `Authorization` header, the `Bearer` scheme (any case,
 * RFC 7235 §2.1), one or more spaces, one b64token. Pure: no verification
 * here (api-token.server.ts does that); this only decides what the request
 * presented.
 *
 * What is refused as malformed (RFC 6750's invalid_request, 400): a `Bearer`
 * header with no token, two tokens, any character outside b64token (so two
 * `Authorization` headers, which the server joins with ", ", never pass), and
 * a token in the URL (`access_token=`, RFC 6750 §2.3): URLs end up in logs and
 * histories, and a request must not carry two ways in. Cookies are never read.
 */

/** b64token (RFC 6750 §2.1). */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
/** Far above any Cognito access token (≈ 1–4 KB even with many groups); a longer header is refused unread. */
export const MAX_BEARER_TOKEN_LENGTH = 16 * 1024;

export type BearerCredentials =
  /** A token, syntactically: verify it next. */
  | { kind: "token"; token: string }
  /** No bearer credentials at all (no header, or another scheme): 401 without an error code (RFC 6750 §3.1). */
  | { kind: "none" }
  /** Credentials that cannot be read: 400 invalid_request. `reason` is safe to show (it never echoes the token). */
  | { kind: "malformed"; reason: string };

export function readBearerToken(request: { headers: Headers; url: string }): BearerCredentials {
  if (new URL(request.url).searchParams.has("access_token")) {
    return { kind: "malformed", reason: "Send the access token in the Authorization header, not in the URL." };
  }
  // Headers trims the value's surrounding whitespace (HTTP's optional whitespace), and joins repeated headers.
  const header = request.headers.get("Authorization");
  if (header === null || header === "") return { kind: "none" };
  const space = header.indexOf(" ");
  const scheme = space < 0 ? header : header.slice(0, space);
  if (scheme.toLowerCase() !== "bearer") return { kind: "none" };
  if (header.length > MAX_BEARER_TOKEN_LENGTH + 64) {
    return { kind: "malformed", reason: "The Authorization header is too long." };
  }
  const token = space < 0 ? "" : header.slice(space).replace(/^ +/, "");
  if (!token) return { kind: "malformed", reason: "The Authorization header names the Bearer scheme but no token." };
  if (!B64TOKEN.test(token)) {
    return { kind: "malformed", reason: "Send exactly one token: Authorization: Bearer <access token>." };
  }
  return { kind: "token", token };
}
