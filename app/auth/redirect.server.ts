/**
 * Where to send someone after sign-in. Only same-origin relative paths are
 * accepted; anything else (other hosts, protocol-relative `//evil`, `/\evil`,
 * schemes, control characters, encoded tricks) falls back to the default.
 */
export const DEFAULT_REDIRECT = "/dashboard";

export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = DEFAULT_REDIRECT): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2048) return fallback;
  if (!to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  // Control characters and backslashes: browsers normalise some of them away
  // (e.g. "/\t/evil.com" becomes "//evil.com").
  if (/[\u0000-\u001f\u007f\\]/.test(to)) return fallback;
  // Decode once, in case the path is percent-encoded, and re-check.
  let decoded: string;
  try {
    decoded = decodeURIComponent(to);
  } catch {
    return fallback;
  }
  if (decoded.startsWith("//") || decoded.startsWith("/\\") || /[\u0000-\u001f\u007f\\]/.test(decoded)) return fallback;
  // Final check: resolved against a dummy origin it must stay on that origin.
  const url = new URL(to, "http://app.invalid");
  if (url.origin !== "http://app.invalid") return fallback;
  // Never bounce back into the sign-in machinery.
  if (/^\/(login|logout|auth\/)/.test(url.pathname)) return fallback;
  return url.pathname + url.search + url.hash;
}
