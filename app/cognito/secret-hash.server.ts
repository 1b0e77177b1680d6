import { createHmac } from "node:crypto";

/**
 * Cognito's SECRET_HASH for app clients that have a secret:
 * Base64(HMAC-SHA256(key = client secret, message = username + client ID)).
 */
export function secretHash(username: string, clientId: string, clientSecret: string): string {
  return createHmac("sha256", clientSecret)
    .update(username + clientId)
    .digest("base64");
}
