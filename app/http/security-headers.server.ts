/**
 * Security headers for every HTML response: a Content-Security-Policy that
 * allows only our own scripts (Remix's inline ones by nonce), no framing,
 * no MIME sniffing, same-origin referrers, HSTS in production.
 */
import { randomBytes } from "node:crypto";
import { getEnv } from "~/env.server";

export function createNonce(): string {
  return randomBytes(16).toString("base64");
}

export function applySecurityHeaders(headers: Headers, nonce: string): void {
  const env = getEnv();
  // Forms post to ourselves; logout then redirects to the Hosted UI, and
  // Chrome applies form-action to that redirect too.
  const formTargets = ["'self'", env.cognito.domain, env.cognito.logoutUrl && new URL(env.cognito.logoutUrl).origin]
    .filter(Boolean)
    .join(" ");
  const csp = [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    "style-src 'self'",
    "img-src 'self' data:",
    "font-src 'self'",
    // `remix dev` live reload talks over a websocket.
    env.nodeEnv === "development" ? "connect-src 'self' ws://localhost:* ws://127.0.0.1:*" : "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    `form-action ${formTargets}`,
    "frame-ancestors 'none'",
  ].join("; ");
  headers.set("Content-Security-Policy", csp);
  headers.set("X-Content-Type-Options", "nosniff");
  headers.set("Referrer-Policy", "same-origin");
  headers.set("X-Frame-Options", "DENY");
  headers.set("Cross-Origin-Opener-Policy", "same-origin");
  if (env.isProduction) headers.set("Strict-Transport-Security", "max-age=31536000; includeSubDomains");
}
