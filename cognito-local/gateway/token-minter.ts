/**
 * Every token the emulator hands out, made the way AWS makes them (claim
 * names, types and order from AWS's "Understanding the access token" and
 * "Understanding the identity (ID) token" pages; the order rule in
 * claim-order.ts). Signed RS256 with the key cognito-local ships and
 * publishes in its JWKS (kid `CognitoLocal`), issuer `<gateway>/<pool id>`,
 * lifetimes from the app client's validity settings with AWS's defaults.
 *
 * - Access token: `sub`, `cognito:groups` (when the user has any), `iss`,
 *   `version: 2` (tokens from the OAuth endpoints), `client_id`,
 *   `origin_jti`, `event_id`, `token_use`, `scope`, `auth_time`, `exp`,
 *   `iat`, `jti`, `username`. A machine's token (client credentials) is the
 *   same without a user: `sub` is the client, and no groups or username.
 * - ID token: `at_hash` (from the token endpoint), `sub`, `cognito:groups`,
 *   the user's attributes the client may read (`*_verified` as booleans,
 *   the rest as strings), `identities` (a federated or linked user's), `iss`,
 *   `cognito:username`, `nonce` (when the authorization request sent one),
 *   `origin_jti`, `aud`, `event_id`, `token_use`, `auth_time`, `exp`, `iat`,
 *   `jti`.
 * - Refresh token: opaque, as AWS's (an encrypted JWT: RSA-OAEP + A256GCM,
 *   five segments): random bytes of AWS's segment sizes, so an app stores
 *   and sends what it would with AWS. Only the gateway's store gives it
 *   meaning (token-families.ts).
 *
 * `origin_jti` names the sign-in (its token family): every access and ID
 * token minted from one refresh token carries it, which is how revoking the
 * refresh token ends them, as on AWS.
 */
import { createHash, createPrivateKey, type KeyObject, randomBytes, randomUUID, sign } from "node:crypto";
import { createRequire } from "node:module";
import type { AttributeType } from "@aws-sdk/client-cognito-identity-provider";
import { awsScopeString, inAwsClaimOrder } from "./claim-order.ts";
import { type Identity, identitiesClaim } from "./federation/identities.ts";
import type { AppClient } from "./upstream.ts";

const KEY_ID = "CognitoLocal";

/** The scope AWS grants a sign-in through the API (InitiateAuth and the like). */
export const ADMIN_SCOPE = "aws.cognito.signin.user.admin";

let signingKey: KeyObject | undefined;
function key(): KeyObject {
  if (!signingKey) {
    // The key cognito-local signs with and publishes in its JWKS.
    const require = createRequire(import.meta.url);
    const { pem } = require("cognito-local/lib/keys/cognitoLocal.private.json") as { pem: string };
    signingKey = createPrivateKey(pem);
  }
  return signingKey;
}

export interface TokenSubject {
  /** The user's username as AWS shows it (the sub, when the pool signs in by email; `<Provider>_<sub>` when federated). */
  username: string;
  attributes: AttributeType[];
  groups: string[];
  /** Outside identities (federated or linked), for the ID token's `identities` claim (AWS's). */
  identities?: Identity[];
}

/** What a set of tokens is issued for: one sign-in (a token family), and how it was asked for. */
export interface Grant {
  /** The sign-in's id: the tokens' `origin_jti`. Absent for a machine's token (no refresh token). */
  originJti?: string;
  /** When the user authenticated (epoch seconds), kept by every refresh. */
  authTime: number;
  /**
   * The OAuth scopes granted at the token endpoint. Absent for a sign-in
   * through the API, whose access token carries `aws.cognito.signin.user.admin`.
   */
  scopes?: readonly string[];
  /** The authorization request's `nonce`, for the ID token. */
  nonce?: string;
  /** Tokens answered by the token endpoint: the ID token carries `at_hash`. */
  tokenEndpoint?: boolean;
}

export interface MintedTokens {
  AccessToken: string;
  /** Absent when the granted scopes leave out `openid` (AWS: "An ID token is only returned if openid scope is requested"). */
  IdToken?: string;
  /** Seconds the access token lives (AWS's ExpiresIn / expires_in). */
  ExpiresIn: number;
}

/** AWS's defaults for a client that sets no validity: an hour for access and ID tokens, 30 days for refresh tokens. */
const DEFAULT_SECONDS = { AccessToken: 3600, IdToken: 3600, RefreshToken: 30 * 86400 } as const;
const DEFAULT_UNITS = { AccessToken: "hours", IdToken: "hours", RefreshToken: "days" } as const;
const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/** A token's lifetime in seconds, from the client's validity settings. */
export function lifetime(client: AppClient, token: "AccessToken" | "IdToken" | "RefreshToken"): number {
  const duration = client[`${token}Validity`];
  if (duration === undefined || duration === null) return DEFAULT_SECONDS[token];
  const unit = client.TokenValidityUnits?.[token] ?? DEFAULT_UNITS[token];
  return duration * (UNIT_SECONDS[unit] ?? 3600);
}

export class TokenMinter {
  /** @param publicUrl the gateway's public URL: the issuer domain */
  constructor(private readonly publicUrl: string) {}

  /** Access and ID tokens for a user. */
  mint(client: AppClient, subject: TokenSubject, grant: Grant): MintedTokens {
    const now = Math.floor(Date.now() / 1000);
    const eventId = randomUUID();
    const accessToken = this.accessToken(client, subject, grant, { now, eventId });
    const tokens: MintedTokens = { AccessToken: accessToken, ExpiresIn: lifetime(client, "AccessToken") };
    if (grant.scopes === undefined || grant.scopes.includes("openid")) {
      tokens.IdToken = this.idToken(client, subject, grant, { now, eventId, accessToken });
    }
    return tokens;
  }

  /**
   * An access token: the user's, or with `subject` null a machine's (client
   * credentials), whose `sub` is the client.
   */
  accessToken(
    client: AppClient,
    subject: TokenSubject | null,
    grant: Grant,
    at: { now: number; eventId?: string } = { now: Math.floor(Date.now() / 1000) },
  ): string {
    const groups = subject && subject.groups.length > 0 ? subject.groups : undefined;
    return signJwt(
      inAwsClaimOrder({
        sub: subject ? attribute(subject.attributes, "sub") : client.ClientId,
        "cognito:groups": groups,
        iss: this.issuer(client),
        version: grant.scopes !== undefined ? 2 : undefined,
        client_id: client.ClientId,
        origin_jti: grant.originJti,
        event_id: subject ? (at.eventId ?? randomUUID()) : undefined,
        token_use: "access",
        scope: awsScopeString(grant.scopes ?? [ADMIN_SCOPE]),
        auth_time: grant.authTime,
        exp: at.now + lifetime(client, "AccessToken"),
        iat: at.now,
        jti: randomUUID(),
        username: subject?.username,
      }),
    );
  }

  private idToken(
    client: AppClient,
    subject: TokenSubject,
    grant: Grant,
    at: { now: number; eventId: string; accessToken: string },
  ): string {
    return signJwt(
      inAwsClaimOrder({
        at_hash: grant.tokenEndpoint ? atHash(at.accessToken) : undefined,
        sub: attribute(subject.attributes, "sub"),
        "cognito:groups": subject.groups.length > 0 ? subject.groups : undefined,
        ...attributeClaims(subject.attributes, client.ReadAttributes),
        identities: subject.identities?.length ? identitiesClaim(subject.identities) : undefined,
        iss: this.issuer(client),
        "cognito:username": subject.username,
        nonce: grant.nonce,
        origin_jti: grant.originJti,
        aud: client.ClientId,
        event_id: at.eventId,
        token_use: "id",
        auth_time: grant.authTime,
        exp: at.now + lifetime(client, "IdToken"),
        iat: at.now,
        jti: randomUUID(),
      }),
    );
  }

  private issuer(client: AppClient): string {
    return `${this.publicUrl}/${client.UserPoolId}`;
  }
}

// AWS's refresh tokens are JWE compact serialisations: this header, a 2048-bit
// RSA-OAEP encrypted key (256 bytes), a 96-bit IV, the ciphertext, a 128-bit tag.
const REFRESH_HEADER = Buffer.from(JSON.stringify({ cty: "JWT", enc: "A256GCM", alg: "RSA-OAEP" })).toString(
  "base64url",
);
/** Ciphertext bytes that make the whole token 1,800 characters, the size of AWS's. */
const REFRESH_CIPHERTEXT_BYTES = Math.floor(((1800 - REFRESH_HEADER.length - 342 - 16 - 22 - 4) * 3) / 4);

/** A new opaque refresh token, shaped and sized like AWS's (all its segments random). */
export function newRefreshToken(): string {
  const segments = [256, 12, REFRESH_CIPHERTEXT_BYTES, 16].map((n) => randomBytes(n).toString("base64url"));
  return [REFRESH_HEADER, ...segments].join(".");
}

/** OIDC's at_hash for RS256: the left half of the access token's SHA-256, base64url. */
export function atHash(accessToken: string): string {
  return createHash("sha256").update(accessToken, "ascii").digest().subarray(0, 16).toString("base64url");
}

function signJwt(payload: Record<string, unknown>): string {
  const header = { kid: KEY_ID, alg: "RS256" };
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), key()).toString("base64url")}`;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

function attribute(attributes: AttributeType[], name: string): string | undefined {
  return attributes.find((a) => a.Name === name)?.Value;
}

/** Attributes AWS writes into the ID token as booleans. */
const BOOLEAN_ATTRIBUTES = new Set(["email_verified", "phone_number_verified"]);

/**
 * The user's attributes as ID token claims: those the client may read (all,
 * when it names none), `sub` and `identities` apart (claims of their own),
 * the verified flags as booleans, everything else — custom attributes
 * included — as strings.
 */
function attributeClaims(attributes: AttributeType[], readable: string[] | undefined): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  for (const { Name: name, Value: value } of attributes) {
    if (!name || value === undefined || name === "sub" || name === "identities") continue;
    if (readable && readable.length > 0 && !readable.includes(name)) continue;
    claims[name] = BOOLEAN_ATTRIBUTES.has(name) ? value === "true" : value;
  }
  return claims;
}
