/**
 * The claim layouts AWS documents for user pool tokens: claim names in the
 * order its developer guide's default payloads list them. The emulator's
 * tokens are compared with these (test/unit/gateway-claim-order.test.ts,
 * test/integration/gateway/tokens.test.ts).
 */

/**
 * AWS: "Understanding the access token", the default payload. (The page now
 * also shows an `aud` line for resource binding, between client_id and
 * origin_jti, where no HashMap puts it: the one layout in AWS's guide that
 * breaks the ordering rule, and the only line that example gained since;
 * resource binding is not emulated.)
 */
export const AWS_ACCESS_TOKEN_CLAIMS = [
  "sub",
  "device_key",
  "cognito:groups",
  "iss",
  "version",
  "client_id",
  "origin_jti",
  "event_id",
  "token_use",
  "scope",
  "auth_time",
  "exp",
  "iat",
  "jti",
  "username",
] as const;

/** AWS: "Understanding the identity (ID) token", the default payload. */
export const AWS_ID_TOKEN_CLAIMS = [
  "sub",
  "cognito:groups",
  "email_verified",
  "cognito:preferred_role",
  "iss",
  "cognito:username",
  "middle_name",
  "nonce",
  "origin_jti",
  "cognito:roles",
  "aud",
  "identities",
  "event_id",
  "token_use",
  "auth_time",
  "exp",
  "iat",
  "jti",
  "email",
] as const;

/** A documented layout without some of its claims (the order of the rest unchanged). */
export function without(layout: readonly string[], ...claims: string[]): string[] {
  return layout.filter((claim) => !claims.includes(claim));
}
