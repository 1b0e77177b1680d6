/**
 * For the development-only claims panel on the dashboard: what Cognito put in
 * the session's tokens. The claims, never the tokens (a token is a bearer
 * credential; its claims are not).
 */
import type { AuthSession } from "~/cognito/auth-session.server";
import { decodeTokenClaims } from "~/cognito/verify.server";

export function sessionTokenClaims(session: AuthSession): {
  id: Record<string, unknown>;
  access: Record<string, unknown>;
} {
  return {
    id: decodeTokenClaims(session.tokens.idToken) ?? {},
    access: decodeTokenClaims(session.tokens.accessToken) ?? {},
  };
}
