/**
 * Token verification with aws-jwt-verify: signature (JWKS), expiry, issuer,
 * client and token use. Verifiers are created once per process and share one
 * JWKS cache, so the JWKS is fetched once and again only for an unknown `kid`
 * (rate-limited by aws-jwt-verify's penalty box).
 *
 * Against AWS we use CognitoJwtVerifier. It only accepts AWS issuers, so
 * against the emulator we use JwtVerifier with the emulator's issuer plus the
 * same Cognito field checks (`validateCognitoJwtFields`).
 */
import { CognitoJwtVerifier, JwtVerifier } from "aws-jwt-verify";
import { validateCognitoJwtFields } from "aws-jwt-verify/cognito-verifier";
import { JwksNotAvailableInCacheError, KidNotFoundInJwksError } from "aws-jwt-verify/error";
import type { Fetcher } from "aws-jwt-verify/https";
import { assertIsJwks, SimpleJwksCache } from "aws-jwt-verify/jwk";
import { getEnv } from "~/env.server";
import { type CognitoSettings, cognitoEndpoints } from "./config.server";

/** Claims we rely on in a verified access token. */
export interface AccessTokenClaims {
  sub: string;
  username: string;
  client_id: string;
  token_use: "access";
  exp: number;
  iat: number;
  "cognito:groups"?: string[];
  [claim: string]: unknown;
}

/** Claims we rely on in a verified ID token. */
export interface IdTokenClaims {
  sub: string;
  aud: string;
  token_use: "id";
  exp: number;
  iat: number;
  /** When the person authenticated (OIDC Core), unix seconds: kept by refreshes and by single sign-on. */
  auth_time?: number;
  email?: string;
  email_verified?: boolean | string;
  name?: string;
  "cognito:username"?: string;
  "cognito:groups"?: string[];
  [claim: string]: unknown;
}

/**
 * Claims we rely on in an access token presented to the API: a user's (with
 * `username`) or an app client's own, from the client_credentials grant
 * (no user: `sub` is the client ID, and only custom scopes).
 */
export interface ApiAccessTokenClaims {
  sub: string;
  client_id: string;
  token_use: "access";
  exp: number;
  iat: number;
  auth_time?: number;
  /** Present in users' tokens only. */
  username?: string;
  /** Space-separated OAuth scopes. */
  scope?: string;
  jti?: string;
  /** The sign-in's token family: every token refreshed from one sign-in carries it. */
  origin_jti?: string;
  "cognito:groups"?: string[];
  [claim: string]: unknown;
}

export interface TokenVerifiers {
  verifyAccessToken(token: string): Promise<AccessTokenClaims>;
  verifyIdToken(token: string): Promise<IdTokenClaims>;
  /**
   * An access token for the API: the same checks, but from any client on the
   * API's allow-list (`apiClientIds`) rather than the app's own client only.
   */
  verifyApiAccessToken(token: string): Promise<ApiAccessTokenClaims>;
  /** How many times the JWKS has been fetched (for /healthz and the bench). */
  readonly jwksFetches: number;
}

/**
 * A JSON fetcher on global `fetch`: aws-jwt-verify's default fetcher refuses
 * plain http, which the local emulator uses. Counts fetches.
 */
class CountingFetcher implements Fetcher {
  count = 0;
  async fetch(uri: string): Promise<ArrayBuffer> {
    this.count++;
    const response = await fetch(uri, { signal: AbortSignal.timeout(5_000) });
    if (!response.ok) throw new Error(`JWKS fetch failed: HTTP ${response.status}`);
    return response.arrayBuffer();
  }
}

export interface TokenVerifierOptions {
  /**
   * A JWKS to preload into the cache (e.g. unit tests verifying tokens they
   * signed themselves, with no server). It does not count as a fetch; a token
   * with a `kid` it lacks still triggers a (counted) fetch.
   */
  jwks?: unknown;
  /** App clients whose access tokens `verifyApiAccessToken` accepts. Default: the app's own client. */
  apiClientIds?: readonly string[];
}

export function createTokenVerifiers(settings: CognitoSettings, options: TokenVerifierOptions = {}): TokenVerifiers {
  const fetcher = new CountingFetcher();
  const jwksCache = new SimpleJwksCache({ fetcher });
  const { emulator, issuer, jwksUri } = cognitoEndpoints(settings);
  if (options.jwks !== undefined) {
    // Fails loudly on something that is not a JWKS, rather than at the first verification.
    const jwks = options.jwks as Parameters<typeof assertIsJwks>[0];
    assertIsJwks(jwks);
    jwksCache.addJwks(jwksUri, jwks);
  }

  const apiClientIds = [...(options.apiClientIds ?? [settings.clientId])];
  let access: Verifier;
  let id: Verifier;
  let api: Verifier;
  if (!emulator) {
    const cognitoVerifier = (tokenUse: "access" | "id", clientId: string | string[]) =>
      CognitoJwtVerifier.create({ userPoolId: settings.userPoolId, tokenUse, clientId }, { jwksCache });
    access = cognitoVerifier("access", settings.clientId);
    id = cognitoVerifier("id", settings.clientId);
    api = cognitoVerifier("access", apiClientIds);
  } else {
    const emulatorVerifier = (tokenUse: "access" | "id", clientId: string | string[]) =>
      JwtVerifier.create(
        {
          issuer,
          jwksUri,
          // The client is checked below (aud for ID tokens, client_id for access tokens).
          audience: null,
          customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse, clientId, groups: null }),
        },
        { jwksCache },
      );
    access = emulatorVerifier("access", settings.clientId);
    id = emulatorVerifier("id", settings.clientId);
    api = emulatorVerifier("access", apiClientIds);
  }
  return {
    verifyAccessToken: (token) => verifyCached(access, token) as Promise<AccessTokenClaims>,
    verifyIdToken: (token) => verifyCached(id, token) as Promise<IdTokenClaims>,
    verifyApiAccessToken: (token) => verifyCached(api, token) as Promise<ApiAccessTokenClaims>,
    get jwksFetches() {
      return fetcher.count;
    },
  };
}

interface Verifier {
  verify(token: string): Promise<unknown>;
  verifySync(token: string): unknown;
}

/**
 * Verifies synchronously while the token's key is in the JWKS cache (always,
 * after the first request), and through the async path only to fetch the
 * JWKS or a key it does not hold yet (rate-limited by the penalty box). Same
 * checks either way; the sync path skips the async machinery, which on the
 * bench costs about as much as the RS256 verify itself.
 */
async function verifyCached(verifier: Verifier, token: string): Promise<unknown> {
  try {
    return verifier.verifySync(token);
  } catch (error) {
    if (error instanceof JwksNotAvailableInCacheError || error instanceof KidNotFoundInJwksError) {
      return verifier.verify(token);
    }
    throw error;
  }
}

let verifiers: TokenVerifiers | undefined;
/** The process-wide verifiers (one JWKS cache for the whole process). */
export function getTokenVerifiers(): TokenVerifiers {
  const env = getEnv();
  verifiers ??= createTokenVerifiers(env.cognito, { apiClientIds: env.api.clientIds });
  return verifiers;
}

/**
 * The claims of a token WITHOUT verifying it: only for a token that was
 * verified when it was stored where nobody else can write (the app's sealed,
 * authenticated session cookie). Null when it is not a JWT.
 */
export function decodeTokenClaims<T = Record<string, unknown>>(jwt: string): T | null {
  try {
    return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}
