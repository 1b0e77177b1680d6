/**
 * The check of an identity provider's ID token before the emulator believes a
 * word of it (OpenID Connect Core 3.1.3.7): an RS256 signature by a key from
 * the provider's JWKS, the issuer configured for the provider, the emulator's
 * client ID in the audience, not expired, not issued in the future, and the
 * nonce the emulator sent with this very sign-in. The first check that fails
 * names itself; nothing of the token is used unless all pass.
 */
import { timingSafeEqual } from "node:crypto";
import { decodeJwt, type Jwk, verifyRs256 } from "../jwt.ts";

/** How far the provider's clock may be off (seconds), both ways. */
export const CLOCK_SKEW_SECONDS = 60;

export type IdTokenCheck =
  | "format"
  | "signature"
  | "issuer"
  | "audience"
  | "expiry"
  | "issued-at"
  | "nonce"
  | "subject";

export class IdTokenRejected extends Error {
  constructor(
    readonly check: IdTokenCheck,
    message: string,
  ) {
    super(message);
    this.name = "IdTokenRejected";
  }
}

export interface IdTokenExpectations {
  /** The provider's issuer, exactly as configured (`oidc_issuer`, or the Google stand-in's). */
  issuer: string;
  /** The emulator's client ID at the provider (`client_id` in ProviderDetails). */
  clientId: string;
  /** The nonce the emulator put in this sign-in's authorization request. */
  nonce: string;
  /** Now, in epoch seconds. */
  now: number;
}

/**
 * The provider's signing keys. `refresh: true` asks for a fresh copy (the
 * token names a key the cached set lacks: the provider may have rotated).
 */
export type KeySource = (options: { refresh: boolean }) => Promise<Jwk[]>;

/** The token's claims, once every check has passed. */
export type VerifiedClaims = Record<string, unknown> & { sub: string };

export async function verifyIdToken(
  token: unknown,
  expected: IdTokenExpectations,
  keys: KeySource,
): Promise<VerifiedClaims> {
  const jwt = decodeJwt(token);
  if (!jwt) throw new IdTokenRejected("format", "the ID token is not a JWT");
  if (jwt.header.alg !== "RS256") {
    throw new IdTokenRejected("signature", `the ID token is signed with ${String(jwt.header.alg)}, not RS256`);
  }
  let set = await keys({ refresh: false });
  if (!hasKey(set, jwt.header.kid)) set = await keys({ refresh: true });
  if (!hasKey(set, jwt.header.kid)) throw new IdTokenRejected("signature", "the ID token's key is not the provider's");
  const candidates = jwt.header.kid === undefined ? set : set.filter((k) => k.kid === jwt.header.kid);
  if (!candidates.some((key) => verifyRs256({ ...jwt, header: { ...jwt.header, kid: key.kid } }, [key]))) {
    throw new IdTokenRejected("signature", "the ID token's signature does not verify with the provider's key");
  }

  const claims = jwt.payload;
  if (claims.iss !== expected.issuer) {
    throw new IdTokenRejected("issuer", "the ID token was issued by someone other than the provider");
  }
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!audience.includes(expected.clientId)) {
    throw new IdTokenRejected("audience", "the ID token was issued to another client");
  }
  if (audience.length > 1 && claims.azp !== expected.clientId) {
    throw new IdTokenRejected("audience", "the ID token was issued to another party (azp)");
  }
  if (typeof claims.exp !== "number" || claims.exp + CLOCK_SKEW_SECONDS <= expected.now) {
    throw new IdTokenRejected("expiry", "the ID token has expired");
  }
  if (typeof claims.iat !== "number" || claims.iat - CLOCK_SKEW_SECONDS > expected.now) {
    throw new IdTokenRejected("issued-at", "the ID token was issued in the future");
  }
  if (typeof claims.nonce !== "string" || !sameString(claims.nonce, expected.nonce)) {
    throw new IdTokenRejected("nonce", "the ID token's nonce is not this sign-in's");
  }
  if (typeof claims.sub !== "string" || claims.sub.length === 0 || claims.sub.length > 255) {
    throw new IdTokenRejected("subject", "the ID token has no usable subject");
  }
  return claims as VerifiedClaims;
}

function hasKey(set: Jwk[], kid: string | undefined): boolean {
  return kid === undefined ? set.length > 0 : set.some((k) => k.kid === kid);
}

function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
