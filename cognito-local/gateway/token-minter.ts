/**
 * Tokens for sign-ins cognito-local cannot perform itself (email codes,
 * passkeys, sign-in straight after sign-up) and for refresh-token rotation.
 *
 * They are made exactly as cognito-local 5.3.0 makes its own
 * (`JwtTokenGenerator`): RS256 with the signing key shipped in its npm
 * package (kid `CognitoLocal`, the key its JWKS publishes), issuer
 * `<gateway>/<pool id>`, the same claims in the same order, lifetimes from
 * the app client's validity settings with cognito-local's defaults. So an app
 * verifies them against the emulator's JWKS like any other token, and the
 * gateway's own checks (`verifyAccessToken`, revocation by `jti`) apply.
 *
 * Two deliberate differences, both AWS behaviour: `email_verified` is the
 * attribute's value (cognito-local reads the string "false" as true), and a
 * refresh keeps the sign-in's `auth_time` (cognito-local resets it).
 */
import { createPrivateKey, type KeyObject, randomUUID, sign } from "node:crypto";
import { createRequire } from "node:module";
import type { AttributeType, AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";
import { type Identity, identitiesClaim } from "./federation/identities.ts";
import type { AppClient } from "./upstream.ts";

const KEY_ID = "CognitoLocal";

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
  /** The user's canonical username (the sub, when the pool signs in by email). */
  username: string;
  attributes: AttributeType[];
  groups: string[];
  /** Outside identities (federated or linked), for the ID token's `identities` claim (AWS's). */
  identities?: Identity[];
}

export interface MintOptions {
  /** When the user authenticated (epoch seconds); now for a fresh sign-in. */
  authTime?: number;
  /** Also make a refresh token (a sign-in, or a rotation). */
  refreshToken?: boolean;
  /** The refresh token's expiry (epoch seconds); default: the client's refresh token validity from now. */
  refreshExpiresAt?: number;
}

export interface MintedTokens extends AuthenticationResultType {
  AccessToken: string;
  IdToken: string;
  /** Epoch seconds at which the refresh token (when made) expires. */
  refreshExpiresAt?: number;
}

export class TokenMinter {
  /** @param publicUrl the gateway's public URL: the issuer domain */
  constructor(private readonly publicUrl: string) {}

  mint(client: AppClient, subject: TokenSubject, options: MintOptions = {}): MintedTokens {
    const now = Math.floor(Date.now() / 1000);
    const authTime = options.authTime ?? now;
    const eventId = randomUUID();
    const sub = attribute(subject.attributes, "sub");
    const iss = `${this.publicUrl}/${client.UserPoolId}`;
    const groups = subject.groups.length > 0 ? { "cognito:groups": subject.groups } : {};

    const access = {
      auth_time: authTime,
      client_id: client.ClientId,
      event_id: eventId,
      iat: now,
      jti: randomUUID(),
      scope: "aws.cognito.signin.user.admin",
      sub,
      token_use: "access",
      username: subject.username,
      ...groups,
      exp: now + lifetime(client.AccessTokenValidity, client.TokenValidityUnits?.AccessToken ?? "hours", 24 * 3600),
      iss,
    };
    const id = {
      "cognito:username": subject.username,
      auth_time: authTime,
      email: attribute(subject.attributes, "email"),
      email_verified: attribute(subject.attributes, "email_verified") === "true",
      event_id: eventId,
      iat: now,
      jti: randomUUID(),
      sub,
      token_use: "id",
      ...customAttributes(subject.attributes),
      ...(subject.identities?.length ? { identities: identitiesClaim(subject.identities) } : {}),
      ...groups,
      exp: now + lifetime(client.IdTokenValidity, client.TokenValidityUnits?.IdToken ?? "hours", 24 * 3600),
      aud: client.ClientId,
      iss,
    };
    const tokens: MintedTokens = { AccessToken: signJwt(access), IdToken: signJwt(id) };
    if (options.refreshToken) {
      const exp =
        options.refreshExpiresAt ??
        now + lifetime(client.RefreshTokenValidity, client.TokenValidityUnits?.RefreshToken ?? "days", 7 * 86400);
      // (cognito-local names no key in its refresh tokens' header)
      tokens.RefreshToken = signJwt(
        {
          "cognito:username": subject.username,
          email: attribute(subject.attributes, "email"),
          iat: now,
          jti: randomUUID(),
          exp,
          iss,
        },
        false,
      );
      tokens.refreshExpiresAt = exp;
    }
    return tokens;
  }
  /**
   * An access token for the app client itself (the client_credentials grant):
   * AWS's machine-to-machine layout, with no user in it (`sub` is the client
   * ID), the granted custom scopes, and the client's access-token lifetime.
   */
  mintForClient(client: AppClient, scopes: readonly string[]): { AccessToken: string; ExpiresIn: number } {
    const now = Math.floor(Date.now() / 1000);
    const expiresIn = lifetime(
      client.AccessTokenValidity,
      client.TokenValidityUnits?.AccessToken ?? "hours",
      24 * 3600,
    );
    const access = {
      sub: client.ClientId,
      token_use: "access",
      scope: scopes.join(" "),
      auth_time: now,
      iss: `${this.publicUrl}/${client.UserPoolId}`,
      exp: now + expiresIn,
      iat: now,
      version: 2,
      jti: randomUUID(),
      client_id: client.ClientId,
    };
    return { AccessToken: signJwt(access), ExpiresIn: expiresIn };
  }
}

const UNIT_SECONDS: Record<string, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/** cognito-local's rule: the client's validity in its unit, or a fixed default when unset. */
function lifetime(duration: number | undefined, unit: string, fallbackSeconds: number): number {
  if (duration === undefined) return fallbackSeconds;
  return duration * (UNIT_SECONDS[unit] ?? 3600);
}

function signJwt(payload: Record<string, unknown>, withKeyId = true): string {
  const header = withKeyId ? { alg: "RS256", typ: "JWT", kid: KEY_ID } : { alg: "RS256", typ: "JWT" };
  const input = `${base64url(header)}.${base64url(payload)}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), key()).toString("base64url")}`;
}

const base64url = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");

function attribute(attributes: AttributeType[], name: string): string | undefined {
  return attributes.find((a) => a.Name === name)?.Value;
}

function customAttributes(attributes: AttributeType[]): Record<string, string> {
  const custom: Record<string, string> = {};
  for (const a of attributes) if (a.Name?.startsWith("custom:") && a.Value !== undefined) custom[a.Name] = a.Value;
  return custom;
}
