/**
 * `AuthSession`: what every sign-in resolves to — the tokens plus the claims
 * verified from them — so everything after sign-in is one code path.
 *
 * "Session" means four different things in this project; this one is the
 * signed-in user's. Not to be confused with Cognito's challenge `Session`
 * (an opaque string between InitiateAuth and RespondToAuthChallenge, see
 * ChallengeRequiredError.challengeSession), the sealed cookie that stores an
 * AuthSession between requests (app/auth/stored-session.server.ts), or the
 * emulator gateway's Hosted UI login cookie (cognito-local/gateway).
 */
import type { AccessTokenClaims, IdTokenClaims, TokenVerifiers } from "./verify.server";

/**
 * How someone signed in: through the Cognito Hosted UI (OAuth2), or through
 * the app's own pages (password form and its challenge steps).
 */
export type SignInFlow = "hosted" | "custom";

/** The three tokens Cognito issues at sign-in. */
export interface CognitoTokens {
  idToken: string;
  accessToken: string;
  /** Absent after a refresh when Cognito does not rotate it: keep the old one. */
  refreshToken?: string;
}

export interface AuthUser {
  /** Stable user ID. */
  sub: string;
  /** Cognito's username (with email sign-in: a UUID, not the email). */
  username: string;
  email?: string;
  emailVerified: boolean;
  name?: string;
  /** From `cognito:groups`, for authorization. */
  groups: string[];
}

/** A signed-in user's session: tokens plus the claims verified from them. */
export interface AuthSession {
  flow: SignInFlow;
  tokens: CognitoTokens;
  user: AuthUser;
  /** Unix seconds. */
  accessTokenExpiresAt: number;
  idTokenExpiresAt: number;
  /** Unix seconds of sign-in. */
  signedInAt: number;
}

export class InvalidTokenError extends Error {
  readonly name = "InvalidTokenError";
}

/** Verifies both tokens (signature, expiry, issuer, client, token use) and builds the session. */
export async function createAuthSession(
  verifiers: TokenVerifiers,
  tokens: CognitoTokens,
  flow: SignInFlow,
  signedInAt = Math.floor(Date.now() / 1000),
): Promise<AuthSession> {
  let access: AccessTokenClaims;
  let id: IdTokenClaims;
  try {
    [access, id] = await Promise.all([
      verifiers.verifyAccessToken(tokens.accessToken),
      verifiers.verifyIdToken(tokens.idToken),
    ]);
  } catch (error) {
    throw new InvalidTokenError(`token verification failed: ${(error as Error).constructor.name}`);
  }
  if (access.sub !== id.sub) throw new InvalidTokenError("ID and access tokens belong to different users");
  return sessionFromClaims(tokens, flow, access, id, signedInAt);
}

/** The session from claims verified already (see createAuthSession). */
export function sessionFromClaims(
  tokens: CognitoTokens,
  flow: SignInFlow,
  access: AccessTokenClaims,
  id: IdTokenClaims,
  signedInAt: number,
): AuthSession {
  return {
    flow,
    tokens,
    user: {
      sub: access.sub,
      username: access.username,
      email: id.email,
      emailVerified: id.email_verified === true || id.email_verified === "true",
      name: typeof id.name === "string" ? id.name : undefined,
      groups: Array.isArray(access["cognito:groups"]) ? access["cognito:groups"] : [],
    },
    accessTokenExpiresAt: access.exp,
    idTokenExpiresAt: id.exp,
    signedInAt,
  };
}
