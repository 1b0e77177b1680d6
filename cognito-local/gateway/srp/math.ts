/**
 * The server side of Cognito's Secure Remote Password variant (USER_SRP_AUTH
 * → PASSWORD_VERIFIER), as AWS's own clients (amazon-cognito-identity-js,
 * Amplify) compute the other side:
 *
 * - the 3072-bit group of RFC 3526 (RFC 5054's 3072-bit group), g = 2;
 * - numbers hashed as "padded hex": the shortest even-length two's-complement
 *   big-endian encoding (Java's `BigInteger.toByteArray()`), so a value whose
 *   top bit is set gets a leading zero byte — not RFC 5054's pad to |N|;
 * - k = H(PAD(N) | PAD(g)), u = H(PAD(A) | PAD(B)),
 *   x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password)), v = g^x;
 * - B = k·v + g^b, S = (A·v^u)^b, all mod N;
 * - the key: HKDF-SHA256 with salt PAD(u) over PAD(S), info
 *   "Caldera Derived Key" + 0x01, first 16 bytes;
 * - the claim: HMAC-SHA256(key, poolName | userIdForSrp | secretBlock | timestamp).
 *
 * Modular exponentiation is OpenSSL's, through node:crypto; BigInt only
 * multiplies, adds and reduces. Powers of g come from a Diffie-Hellman object
 * on the named group (its public key is g^private). Powers of any other base
 * come from a raw RSA public-key operation (m^e mod n with no padding) on the
 * modulus N: Diffie-Hellman objects with another generator cost seconds to
 * make (OpenSSL tests the prime), and `computeSecret` validates its input with
 * a full-size exponentiation and refuses half the group (ADR 020).
 */
import {
  constants,
  createDiffieHellman,
  createHash,
  createHmac,
  createPublicKey,
  getDiffieHellman,
  hkdfSync,
  publicEncrypt,
  randomBytes,
} from "node:crypto";

const N_BYTES = getDiffieHellman("modp15").getPrime();
export const N = toBigInt(N_BYTES);
export const g = 2n;
const N_BASE64URL = N_BYTES.toString("base64url");
/** Bytes of a full-size group element. */
const SIZE = N_BYTES.length;

/** k = H(PAD(N) | PAD(g)). */
export const k = hashNumbers(N, g);

/** The shortest even-length two's-complement hex of a non-negative number (see the module comment). */
export function padHex(n: bigint): string {
  let hex = n.toString(16);
  if (hex.length % 2 === 1) hex = `0${hex}`;
  return /^[89a-f]/.test(hex) ? `00${hex}` : hex;
}

export function toBigInt(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`);
}

function fixedBytes(n: bigint): Buffer {
  return Buffer.from(n.toString(16).padStart(SIZE * 2, "0"), "hex");
}

function sha256(data: Buffer | string): Buffer {
  return createHash("sha256").update(data).digest();
}

function hashNumbers(...values: bigint[]): bigint {
  return toBigInt(sha256(Buffer.from(values.map(padHex).join(""), "hex")));
}

/** g^e mod N: a Diffie-Hellman public key on the named group. */
function powG(exponent: Buffer): bigint {
  const dh = createDiffieHellman(N_BYTES, g.toString(16).padStart(2, "0"), "hex");
  dh.setPrivateKey(exponent);
  return toBigInt(dh.generateKeys());
}

/** base^e mod N for any base: OpenSSL's RSA public operation without padding, on the modulus N. */
function pow(base: bigint, exponent: Buffer): bigint {
  const key = createPublicKey({
    key: { kty: "RSA", n: N_BASE64URL, e: exponent.toString("base64url") },
    format: "jwk",
  });
  return toBigInt(publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, fixedBytes(base % N)));
}

/** x = H(PAD(salt) | H(poolName | userIdForSrp | ":" | password)). */
function privateKey(poolName: string, userIdForSrp: string, password: string, salt: bigint): Buffer {
  const inner = sha256(`${poolName}${userIdForSrp}:${password}`).toString("hex");
  return sha256(Buffer.from(padHex(salt) + inner, "hex"));
}

/** The password verifier v = g^x mod N. */
export function verifier(poolName: string, userIdForSrp: string, password: string, salt: bigint): bigint {
  return powG(privateKey(poolName, userIdForSrp, password, salt));
}

export interface ServerEphemeral {
  /** The secret exponent (32 bytes: 256 bits, twice the group's 128-bit strength). */
  b: Buffer;
  /** B = k·v + g^b mod N, never 0. */
  B: bigint;
}

/** A fresh server ephemeral for the verifier. */
export function serverEphemeral(v: bigint): ServerEphemeral {
  for (;;) {
    const b = randomBytes(32);
    const B = (k * v + powG(b)) % N;
    if (B !== 0n) return { b, B };
  }
}

/** Parses SRP_A: hex, and A mod N ≠ 0 (RFC 5054's check); undefined when it is not one. */
export function parseA(hex: unknown): bigint | undefined {
  if (typeof hex !== "string" || !/^[0-9a-fA-F]{1,2048}$/.test(hex)) return undefined;
  const A = BigInt(`0x${hex}`);
  return A % N === 0n ? undefined : A;
}

/** The 16-byte key both sides derive, or undefined when u = 0 (the exchange must be abandoned). */
export function sessionKey(A: bigint, B: bigint, b: Buffer, v: bigint): Buffer | undefined {
  const u = hashNumbers(A, B);
  if (u === 0n) return undefined;
  const S = pow((A * pow(v, Buffer.from(padHex(u), "hex"))) % N, b);
  const ikm = Buffer.from(padHex(S), "hex");
  const salt = Buffer.from(padHex(u), "hex");
  return Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Caldera Derived Key"), 16));
}

/** PASSWORD_CLAIM_SIGNATURE as the client must compute it (base64). */
export function claimSignature(
  key: Buffer,
  poolName: string,
  userIdForSrp: string,
  secretBlock: Buffer,
  timestamp: string,
): Buffer {
  return createHmac("sha256", key)
    .update(Buffer.concat([Buffer.from(poolName), Buffer.from(userIdForSrp), secretBlock, Buffer.from(timestamp)]))
    .digest();
}
