/**
 * The one reader of the `Cookie` request header, on the `cookie` package
 * (the parser Remix itself uses), so every cookie of ours is read the same
 * way: split at the first "=", trimmed, DQUOTE-wrapped values unwrapped.
 */
import { parse } from "cookie";

/** Values exactly as sent: for cookies whose values we write in a URL-safe alphabet ourselves. */
const raw = (value: string) => value;

/**
 * The cookies of a request, by name. The first of a repeated name wins (as
 * browsers send the most specific one first); use {@link repeatedCookieNames}
 * where a repeat must not be trusted. Values are percent-decoded unless
 * `decode: false`; a value that does not decode is returned as sent.
 */
export function readCookies(cookieHeader: string | null, options: { decode?: boolean } = {}): Record<string, string> {
  if (!cookieHeader) return {};
  return parse(cookieHeader, options.decode === false ? { decode: raw } : undefined);
}

/**
 * Names that appear more than once in the header: a second cookie with the
 * same name but another Path or Domain, typically planted from a sibling
 * subdomain. `parse` keeps the first silently, so each pair is parsed alone.
 */
export function repeatedCookieNames(cookieHeader: string | null): Set<string> {
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const pair of (cookieHeader ?? "").split(";")) {
    for (const name of Object.keys(parse(pair, { decode: raw }))) {
      if (seen.has(name)) repeated.add(name);
      else seen.add(name);
    }
  }
  return repeated;
}

/** Headers carrying each Set-Cookie value (appended to `headers` when given). */
export function setCookieHeaders(setCookies: string[], headers = new Headers()): Headers {
  for (const value of setCookies) headers.append("Set-Cookie", value);
  return headers;
}
