/**
 * Where to send someone after sign-in. Only same-origin paths are accepted;
 * anything else (other hosts, protocol-relative `//evil`, `/\evil`, schemes,
 * control characters, dot segments or encodings that normalise into one of
 * those) falls back to the default.
 *
 * The rule that keeps it honest: parse first, check the value that will be
 * returned, and return exactly that value. Checking the raw string and then
 * returning the parsed one let `/..//evil.example` through, because the
 * WHATWG parser removes the dot segment and leaves `//evil.example`, which a
 * browser reads from a Location header as another host.
 */
export const DEFAULT_REDIRECT = "/dashboard";

/** Longer values are refused outright (no form of ours needs more). */
const MAX_LENGTH = 2048;
/** A throwaway origin to resolve against: only the path, query and hash are kept. */
const BASE = "https://app.invalid";
// Control characters and backslashes: browsers strip or rewrite some of them
// (e.g. "/\t/evil.com" becomes "//evil.com"), so they are never accepted.
const CONTROL_OR_BACKSLASH = /[\u0000-\u001f\u007f\\]/;
/** Never bounce back into the sign-in machinery (a loop at best). */
const SIGN_IN_MACHINERY = /^\/(login|logout|auth\/)/i;

export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = DEFAULT_REDIRECT): string {
  if (typeof to !== "string" || to.length === 0 || to.length > MAX_LENGTH) return fallback;
  // Relative paths only; control characters anywhere are refused before
  // parsing, because the parser would silently drop tabs and newlines.
  if (!to.startsWith("/") || CONTROL_OR_BACKSLASH.test(to)) return fallback;
  let url: URL;
  try {
    url = new URL(to, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  // Everything below checks the value we return.
  const candidate = url.pathname + url.search + url.hash;
  return isSamePath(candidate) && !SIGN_IN_MACHINERY.test(url.pathname) ? candidate : fallback;
}

/**
 * A serialised path that a browser resolves against our origin, and that
 * still does after one round of percent-decoding (in case something
 * downstream decodes it before using it).
 */
function isSamePath(path: string): boolean {
  if (path.length > MAX_LENGTH || !isRootedPath(path)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return false;
  }
  return isRootedPath(decoded);
}

/** Starts with exactly one "/" (not "//" or "/\\") and holds no control characters or backslashes. */
function isRootedPath(path: string): boolean {
  return path.startsWith("/") && !path.startsWith("//") && !path.startsWith("/\\") && !CONTROL_OR_BACKSLASH.test(path);
}
