/** What the API says about whoever made a request: /api/v1/me's body (and the bench's copy of it). */
import type { ApiToken } from "~/auth/auth.server";

export function describeCaller(token: ApiToken) {
  const common = { client_id: token.clientId, scopes: token.scopes, expires_at: token.expiresAt };
  if (token.kind === "machine") return { kind: "machine" as const, ...common };
  return {
    kind: "user" as const,
    sub: token.subject,
    username: token.username,
    groups: token.groups,
    auth_time: token.authTime,
    ...common,
  };
}
