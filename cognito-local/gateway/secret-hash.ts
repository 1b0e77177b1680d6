/**
 * Cognito's SECRET_HASH for app clients with a secret:
 * Base64(HMAC-SHA256(key = client secret, message = username + client id)).
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac("sha256", clientSecret)
    .update(username + clientId)
    .digest("base64");
}

/** Constant-time string comparison (false for different lengths). */
export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
