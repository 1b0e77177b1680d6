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

/** An outside identity the user signs in with (Cognito's `identities` claim). */
export interface LinkedIdentity {
  /** The pool's name for the provider: "Google", "ExampleCorp"… */
  providerName: string;
  providerType: string;
  /** The person's id at the provider (its `sub`). */
  userId: string;
  /** True for the identity a federated user was made from; false for one linked to the user. */
  primary: boolean;
  /** When Cognito recorded it (epoch milliseconds). */
  dateCreated: number;
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
  /**
   * From the ID token's `identities`: the outside identities this user signs
   * in with (absent in sessions stored before they were read, and for most users).
   */
  identities?: LinkedIdentity[];
}

/** A signed-in user's session: tokens plus the claims verified from them. */
export interface AuthSession {
  flow: SignInFlow;
  tokens: CognitoTokens;
  user: AuthUser;
  /** Unix seconds. */
  accessTokenExpiresAt: number;
  idTokenExpiresAt: number;
  /**
   * When the person authenticated, unix seconds: the ID token's `auth_time` at
   * sign-in, not the time the app received the tokens (a Hosted UI sign-in
   * can reuse a Cognito session from much earlier). A refresh keeps it.
   */
  signedInAt: number;
}

export class InvalidTokenError extends Error {
  readonly name = "InvalidTokenError";
}

/**
 * Verifies both tokens (signature, expiry, issuer, client, token use) and builds the session.
 * `signedInAt`: the sign-in time a refresh carries on with; at sign-in, leave it out and it is
 * the ID token's `auth_time` (a token without one is refused: when the person authenticated is
 * what step-up and sign-out cut-offs are judged by).
 */
export async function createAuthSession(
  verifiers: TokenVerifiers,
  tokens: CognitoTokens,
  flow: SignInFlow,
  signedInAt?: number,
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
  const authTime = signedInAt ?? id.auth_time;
  if (typeof authTime !== "number" || !Number.isSafeInteger(authTime) || authTime <= 0) {
    throw new InvalidTokenError("the ID token has no auth_time");
  }
  return sessionFromClaims(tokens, flow, access, id, authTime);
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
      ...identitiesOf(id.identities),
    },
    accessTokenExpiresAt: access.exp,
    idTokenExpiresAt: id.exp,
    signedInAt,
  };
}

/**
 * The `identities` claim, kept only where every field has the shape Cognito
 * gives it (in tokens `primary` and `dateCreated` are strings).
 */
export function parseIdentities(claim: unknown): LinkedIdentity[] {
  if (!Array.isArray(claim)) return [];
  return claim.flatMap((entry): LinkedIdentity[] => {
    if (!entry || typeof entry !== "object") return [];
    const { providerName, providerType, userId, primary, dateCreated } = entry as Record<string, unknown>;
    if (typeof providerName !== "string" || typeof providerType !== "string" || typeof userId !== "string") return [];
    const created = Number(dateCreated);
    return [
      {
        providerName,
        providerType,
        userId,
        primary: primary === true || primary === "true",
        dateCreated: Number.isFinite(created) ? created : 0,
      },
    ];
  });
}

/** The provider a federated user signs in through (the identity it was made from), if it is one. */
export function federatedProvider(user: Pick<AuthUser, "identities">): string | undefined {
  return user.identities?.find((i) => i.primary)?.providerName;
}

/** `{ identities }` when the claim names any (so a session without them stays as small as before). */
function identitiesOf(claim: unknown): Pick<AuthUser, "identities"> {
  const identities = parseIdentities(claim);
  return identities.length > 0 ? { identities } : {};
}
