/**
 * A session's sign-in time is when the person authenticated: the ID token's `auth_time` (OIDC
 * Core), never when the app received the tokens — a Hosted UI sign-in may come out of Cognito's
 * own session from long before. Offline: our own key stands in for the pool's.
 */
import { describe, expect, it } from "vitest";
import { createAuthSession, InvalidTokenError } from "../../app/cognito/auth-session.server.ts";
import { cognitoEndpoints } from "../../app/cognito/config.server.ts";
import { createTokenVerifiers } from "../../app/cognito/verify.server.ts";
import { accessTokenClaims, generateSigningKey, idTokenClaims, jwksOf, signJwt } from "../support/tokens.ts";

const key = generateSigningKey();
const settings = { region: "us-east-1", userPoolId: "us-east-1_Example1", clientId: "webclient0123456789abcdef" };
const { issuer } = cognitoEndpoints(settings);
const verifiers = createTokenVerifiers(settings, { jwks: jwksOf(key) });
const claims = { issuer, clientId: settings.clientId, sub: "8b1f7a52-0c55-4c3e-9d7e-3f9a1f0a1b2c" };

/** Fresh tokens (issued now) of a sign-in whose ID token says `idClaims`. */
function tokens(idClaims: Record<string, unknown>) {
  return {
    accessToken: signJwt(accessTokenClaims(claims), key),
    idToken: signJwt({ ...idTokenClaims(claims), ...idClaims }, key),
  };
}

describe("createAuthSession: the sign-in time", () => {
  it("is the ID token's auth_time, not now: tokens issued now for a sign-in 25 minutes ago", async () => {
    const authTime = Math.floor(Date.now() / 1000) - 25 * 60;
    const session = await createAuthSession(verifiers, tokens({ auth_time: authTime }), "hosted");
    expect(session.signedInAt).toBe(authTime);
  });

  it("refuses an ID token without a usable auth_time: when the person authenticated is what step-up and cut-offs judge", async () => {
    for (const authTime of [undefined, "1700000000", 0, -5, 1.5]) {
      await expect(createAuthSession(verifiers, tokens({ auth_time: authTime }), "custom")).rejects.toThrow(
        InvalidTokenError,
      );
    }
  });

  it("keeps the sign-in time it is given (a refresh carries the session's on)", async () => {
    const authTime = Math.floor(Date.now() / 1000);
    const session = await createAuthSession(verifiers, tokens({ auth_time: authTime }), "custom", authTime - 3600);
    expect(session.signedInAt).toBe(authTime - 3600);
  });
});
