/**
 * The API's guard, in the style of the session guards: a bearer route reads
 * `const token = await requireApiToken(request, { scopes: ["users.read"] })`
 * and gets the verified caller, or the guard throws the answer RFC 6750
 * gives (docs/decisions/021-bearer-api.md):
 *
 * | what the request presented                              | answer                                       |
 * | ------------------------------------------------------- | -------------------------------------------- |
 * | no bearer token (none, another scheme, a cookie only)   | 401, `WWW-Authenticate: Bearer realm=…`      |
 * | a malformed header, two of them, a token in the URL     | 400 `invalid_request`                        |
 * | a token that is expired, forged, foreign, another        | 401 `invalid_token`                          |
 * |   client's, an ID or refresh token, or ended by the app  |                                              |
 * | over the caller's rate limit                            | 429 + `Retry-After`                          |
 * | a valid token without the scope or group needed         | 403 `insufficient_scope`, `scope="…"`         |
 *
 * Cookies are never read here: a session cookie alone is a 401, so the API has
 * no CSRF surface. The check is local: the JWKS is cached, and revocations are
 * the session registry's in-memory replica.
 */
import { JwtExpiredError } from "aws-jwt-verify/error";
import { type ApiAccessTokenClaims, getTokenVerifiers } from "~/cognito/verify.server";
import { getEnv } from "~/env.server";
import { apiError } from "~/http/api-reply.server";
import { limitApiRequest } from "~/http/rate-limit.server";
import { readBearerToken } from "./bearer.server";
import { isAccessTokenEnded } from "./session-tracking.server";
import { VerifiedSessionCache } from "./verified-session-cache.server";

const REALM = "remix-cognito";

/** The verified caller of an API request. */
export interface ApiToken {
  /** A user's token (a sign-in), or an app client's own (the client_credentials grant: no user). */
  kind: "user" | "machine";
  /** The user's `sub`, or the client ID for a machine. */
  subject: string;
  /** The app client the token was issued to. */
  clientId: string;
  /** The user's Cognito username (users only). */
  username?: string;
  /** `cognito:groups` (users only; empty for machines). */
  groups: readonly string[];
  /** The token's OAuth scopes, as Cognito wrote them (custom scopes as `<resource server>/<name>`). */
  scopes: readonly string[];
  /** Unix seconds. */
  expiresAt: number;
  /** Unix seconds of the sign-in (of the grant, for a machine). */
  authTime: number;
}

export interface ApiAccess {
  /**
   * Custom scopes, by name within the API's resource server (`users.read` for
   * `remix-cognito/users.read`): a token carrying all of them may pass.
   */
  scopes?: readonly string[];
  /** Or a user in any of these groups may pass. */
  groups?: readonly string[];
}

/**
 * The verified caller, allowed what `access` asks (nothing asked: any valid
 * token), or throws the API's JSON answer for why not. Counts the request
 * against the caller's rate limit.
 */
export async function requireApiToken(request: Request, access: ApiAccess = {}): Promise<ApiToken> {
  const credentials = readBearerToken(request);
  if (credentials.kind === "none") {
    throw apiError(401, "unauthorized", "Send an access token: Authorization: Bearer <access token>.", {
      "WWW-Authenticate": `Bearer realm="${REALM}"`,
    });
  }
  if (credentials.kind === "malformed") {
    throw apiError(400, "invalid_request", credentials.reason, {
      "WWW-Authenticate": challenge("invalid_request", credentials.reason),
    });
  }

  const token = await verified(credentials.token);
  const retryAfter = await limitApiRequest(token);
  if (retryAfter !== null) {
    throw apiError(429, "rate_limited", `Too many requests: try again in ${retryAfter} s.`, {
      "Retry-After": String(retryAfter),
    });
  }
  const needed = (access.scopes ?? []).map((name) => `${getEnv().api.resourceServer}/${name}`);
  if (!permits(token, needed, access.groups ?? [])) {
    const description = describeNeed(needed, access.groups ?? []);
    throw apiError(403, "insufficient_scope", description, {
      "WWW-Authenticate": challenge("insufficient_scope", description, needed),
    });
  }
  return token;
}

let verifiedTokens: VerifiedSessionCache<ApiAccessTokenClaims> | undefined;
/**
 * Tokens that passed the full check a moment ago, by a keyed digest of their exact bytes, until
 * their `exp` (docs/decisions/021-bearer-api.md): a client calls with the same token for its
 * lifetime, and the RS256 check was most of what the API's auth cost per request. Only the
 * signature and claims checks are skipped on a hit; revocations are checked on every request.
 */
function verifiedTokenCache(): VerifiedSessionCache<ApiAccessTokenClaims> {
  const env = getEnv();
  verifiedTokens ??= new VerifiedSessionCache({ secrets: env.sessionSecrets, maxEntries: env.sessionCacheEntries });
  return verifiedTokens;
}

/** The token's caller, or throws 401 invalid_token. */
async function verified(raw: string): Promise<ApiToken> {
  const cache = verifiedTokenCache();
  const digest = cache.digest(raw);
  let claims = cache.get(digest);
  if (!claims) {
    try {
      claims = await getTokenVerifiers().verifyApiAccessToken(raw);
    } catch (error) {
      throw invalidToken(error instanceof JwtExpiredError ? "The access token has expired." : undefined);
    }
    // aws-jwt-verify accepts a token up to its `exp` second: the entry dies at it.
    cache.set(digest, claims, claims.exp * 1000);
  }
  const user = typeof claims.username === "string";
  // A machine token names no user: its subject is its own client.
  if (!user && claims.sub !== claims.client_id) throw invalidToken();
  if (user && isAccessTokenEnded(claims)) throw invalidToken("The access token has been revoked.");
  const groups = claims["cognito:groups"];
  return {
    kind: user ? "user" : "machine",
    subject: claims.sub,
    clientId: claims.client_id,
    username: claims.username,
    groups: user && Array.isArray(groups) ? groups.filter((g): g is string => typeof g === "string") : [],
    scopes: typeof claims.scope === "string" ? claims.scope.split(" ").filter(Boolean) : [],
    expiresAt: claims.exp,
    authTime: typeof claims.auth_time === "number" ? claims.auth_time : claims.iat,
  };
}

/**
 * What a signed-in person needs to call the API with a token of their own (the dashboard shows
 * it): the endpoint, and how to sign in to Cognito as an app would. All of it public.
 */
export function apiCallingGuide(): {
  meUrl: string;
  cognitoEndpoint: string;
  clientId: string;
  passwordSignIn: boolean;
} {
  const { appUrl, cognito } = getEnv();
  return {
    meUrl: `${appUrl}/api/v1/me`,
    cognitoEndpoint: cognito.endpoint ?? `https://cognito-idp.${cognito.region}.amazonaws.com/`,
    clientId: cognito.clientId,
    // A client with a secret needs a SECRET_HASH, which a person at a shell should not be computing.
    passwordSignIn: !cognito.clientSecret,
  };
}

/** Every scope asked, or (a user) one of the groups; nothing asked lets any valid token through. */
function permits(token: ApiToken, scopes: readonly string[], groups: readonly string[]): boolean {
  if (scopes.length === 0 && groups.length === 0) return true;
  if (scopes.length > 0 && scopes.every((scope) => token.scopes.includes(scope))) return true;
  return token.kind === "user" && groups.some((group) => token.groups.includes(group));
}

function describeNeed(scopes: readonly string[], groups: readonly string[]): string {
  const ways = [
    ...(scopes.length > 0 ? [`a token with the scope ${scopes.join(" and ")}`] : []),
    ...groups.map((group) => `a user in the ${group} group`),
  ];
  return `This needs ${ways.join(" or ")}.`;
}

function invalidToken(description = "The access token is not valid here."): Response {
  return apiError(401, "invalid_token", description, { "WWW-Authenticate": challenge("invalid_token", description) });
}

/** RFC 6750 §3: the challenge, its parameters quoted (our own fixed texts: no quotes or backslashes in them). */
function challenge(error: string, description: string, scopes: readonly string[] = []): string {
  const params = [`realm="${REALM}"`, `error="${error}"`, `error_description="${description}"`];
  if (scopes.length > 0) params.push(`scope="${scopes.join(" ")}"`);
  return `Bearer ${params.join(", ")}`;
}
