/**
 * Just enough JWT for the gateway: decode (for tokens cognito-local has just
 * issued) and RS256 verification against the pool's JWKS (for tokens clients
 * present — cognito-local itself only decodes them).
 */
import { createPublicKey, type JsonWebKey, verify } from "node:crypto";

export interface Jwt {
  header: { alg?: string; kid?: string };
  payload: Record<string, unknown>;
  signingInput: string;
  signature: Buffer;
}

export function decodeJwt(token: unknown): Jwt | null {
  if (typeof token !== "string") return null;
  const parts = token.split(".");
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0]!, "base64url").toString("utf8"));
    const payload = JSON.parse(Buffer.from(parts[1]!, "base64url").toString("utf8"));
    if (!header || typeof header !== "object" || !payload || typeof payload !== "object") return null;
    return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2]!, "base64url") };
  } catch {
    return null;
  }
}

export type Jwk = JsonWebKey & { kid?: string };

/** True when an RS256 signature verifies with the JWKS key of the token's `kid`. */
export function verifyRs256(jwt: Jwt, keys: Jwk[]): boolean {
  if (jwt.header.alg !== "RS256") return false;
  const jwk = keys.find((k) => k.kid === jwt.header.kid);
  if (!jwk) return false;
  try {
    const key = createPublicKey({ key: jwk, format: "jwk" });
    return verify("RSA-SHA256", Buffer.from(jwt.signingInput), key, jwt.signature);
  } catch {
    return false;
  }
}

export function claim(jwt: Jwt | null, name: string): string | undefined {
  const value = jwt?.payload[name];
  return typeof value === "string" ? value : undefined;
}

export function numericClaim(jwt: Jwt | null, name: string): number | undefined {
  const value = jwt?.payload[name];
  return typeof value === "number" ? value : undefined;
}
