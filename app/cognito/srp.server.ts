/**
 * The client side of Cognito's SRP password sign-in (USER_SRP_AUTH, or
 * PASSWORD_SRP in choice-based sign-in): the password never leaves the app,
 * Cognito gets a proof that the app knows it. Written here, with node:crypto,
 * apart from the emulator's server side (cognito-local/gateway/srp/), so that
 * a shared mistake cannot hide: both are checked against AWS's own client,
 * amazon-cognito-identity-js (test/unit/srp.test.ts).
 *
 * Cognito's variant of SRP-6a: the 3072-bit group of RFC 3526 with g = 2;
 * numbers are hashed as the hex of their shortest two's-complement bytes;
 * x = H(salt | H(poolName | userId | ":" | password)) with the pool name the
 * part of the pool ID after "_"; S = (B − k·g^x)^(a + u·x); the key is
 * HKDF-SHA256(salt u, input S, info "Caldera Derived Key"), 16 bytes; the
 * claim is HMAC-SHA256(key, poolName | userId | SECRET_BLOCK | TIMESTAMP).
 * Exponentiation is OpenSSL's (a Diffie-Hellman key for powers of g, a raw
 * RSA public operation for other bases: see ADR 020).
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

const PRIME = getDiffieHellman("modp15").getPrime();
const MODULUS = bytesToNumber(PRIME);
const GENERATOR = 2n;
const PRIME_JWK_N = PRIME.toString("base64url");
const MULTIPLIER = hashOfNumbers(MODULUS, GENERATOR);

/** The parameters of Cognito's PASSWORD_VERIFIER challenge the client needs. */
export interface PasswordVerifierChallenge {
  SALT?: string;
  SRP_B?: string;
  SECRET_BLOCK?: string;
  USER_ID_FOR_SRP?: string;
}

/** The answer to PASSWORD_VERIFIER (SECRET_HASH, where the client has a secret, is added by the caller). */
export interface PasswordVerifierAnswer {
  USERNAME: string;
  PASSWORD_CLAIM_SECRET_BLOCK: string;
  PASSWORD_CLAIM_SIGNATURE: string;
  TIMESTAMP: string;
}

/** Thrown when Cognito's challenge is not one a client may answer (a malformed or hostile B). */
export class SrpChallengeError extends Error {
  override name = "SrpChallengeError";
}

/**
 * One SRP sign-in attempt: make it, send `srpA` with USERNAME, and answer the
 * PASSWORD_VERIFIER challenge with `answer`.
 */
export class SrpSignIn {
  /** SRP_A (hex) for InitiateAuth's AuthParameters. */
  readonly srpA: string;
  private readonly smallA: Buffer;
  private readonly largeA: bigint;
  private readonly poolName: string;

  /**
   * @param userPoolId the pool's ID (`us-east-1_AbC123`): its part after "_" goes into the proof
   * @param secret the client's random exponent; random unless a test fixes it
   */
  constructor(userPoolId: string, secret: Buffer = randomBytes(32)) {
    this.poolName = userPoolId.split("_")[1] ?? "";
    this.smallA = secret;
    this.largeA = powerOfGenerator(secret);
    this.srpA = this.largeA.toString(16);
  }

  /** The claim for the challenge, signed at `now`. */
  answer(challenge: PasswordVerifierChallenge, password: string, now = new Date()): PasswordVerifierAnswer {
    const { SALT, SRP_B, SECRET_BLOCK, USER_ID_FOR_SRP } = challenge;
    if (!SALT || !SRP_B || !SECRET_BLOCK || !USER_ID_FOR_SRP) {
      throw new SrpChallengeError("PASSWORD_VERIFIER without SALT, SRP_B, SECRET_BLOCK or USER_ID_FOR_SRP");
    }
    const key = this.passwordKey(USER_ID_FOR_SRP, password, hexToNumber(SRP_B), hexToNumber(SALT));
    const timestamp = cognitoTimestamp(now);
    const signature = createHmac("sha256", key)
      .update(Buffer.from(this.poolName))
      .update(Buffer.from(USER_ID_FOR_SRP))
      .update(Buffer.from(SECRET_BLOCK, "base64"))
      .update(Buffer.from(timestamp))
      .digest("base64");
    return {
      USERNAME: USER_ID_FOR_SRP,
      PASSWORD_CLAIM_SECRET_BLOCK: SECRET_BLOCK,
      PASSWORD_CLAIM_SIGNATURE: signature,
      TIMESTAMP: timestamp,
    };
  }

  /** The 16-byte key (exposed for the cross-check against AWS's client in the tests). */
  passwordKey(userId: string, password: string, serverB: bigint, salt: bigint): Buffer {
    if (serverB % MODULUS === 0n) throw new SrpChallengeError("SRP_B mod N is 0");
    const scrambler = hashOfNumbers(this.largeA, serverB);
    if (scrambler === 0n) throw new SrpChallengeError("u is 0");
    const identityHash = createHash("sha256").update(`${this.poolName}${userId}:${password}`).digest("hex");
    const x = bytesToNumber(
      createHash("sha256")
        .update(Buffer.from(signedHex(salt) + identityHash, "hex"))
        .digest(),
    );
    const gx = powerOfGenerator(numberToBytes(x));
    const base = (((serverB - MULTIPLIER * gx) % MODULUS) + MODULUS) % MODULUS;
    const shared = modPow(base, this.exponent(scrambler, x));
    return Buffer.from(
      hkdfSync(
        "sha256",
        Buffer.from(signedHex(shared), "hex"),
        Buffer.from(signedHex(scrambler), "hex"),
        Buffer.from("Caldera Derived Key"),
        16,
      ),
    );
  }

  private exponent(u: bigint, x: bigint): Buffer {
    return numberToBytes(bytesToNumber(this.smallA) + u * x);
  }
}

/**
 * The TIMESTAMP Cognito expects: `ddd MMM D HH:mm:ss UTC yyyy` in UTC, the
 * day of the month without a leading zero ("Tue Mar 5 07:08:09 UTC 2024").
 */
export function cognitoTimestamp(date: Date): string {
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][date.getUTCDay()];
  const month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][
    date.getUTCMonth()
  ];
  const two = (n: number) => String(n).padStart(2, "0");
  const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
  return `${day} ${month} ${date.getUTCDate()} ${time} UTC ${date.getUTCFullYear()}`;
}

/** Hex of the number's shortest two's-complement bytes (a leading 00 when the top bit is set). */
export function signedHex(value: bigint): string {
  const hex = value.toString(16);
  const even = hex.length % 2 === 0 ? hex : `0${hex}`;
  return Number.parseInt(even[0]!, 16) >= 8 ? `00${even}` : even;
}

function hashOfNumbers(...values: bigint[]): bigint {
  return bytesToNumber(
    createHash("sha256")
      .update(Buffer.from(values.map(signedHex).join(""), "hex"))
      .digest(),
  );
}

function powerOfGenerator(exponent: Buffer): bigint {
  const dh = createDiffieHellman(PRIME, Buffer.from([Number(GENERATOR)]));
  dh.setPrivateKey(exponent);
  return bytesToNumber(dh.generateKeys());
}

function modPow(base: bigint, exponent: Buffer): bigint {
  const key = createPublicKey({
    format: "jwk",
    key: { kty: "RSA", n: PRIME_JWK_N, e: exponent.toString("base64url") },
  });
  const message = Buffer.from(base.toString(16).padStart(PRIME.length * 2, "0"), "hex");
  return bytesToNumber(publicEncrypt({ key, padding: constants.RSA_NO_PADDING }, message));
}

function hexToNumber(hex: string): bigint {
  if (!/^[0-9a-fA-F]+$/.test(hex)) throw new SrpChallengeError("not a hex number");
  return BigInt(`0x${hex}`);
}

function bytesToNumber(bytes: Buffer): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`);
}

function numberToBytes(value: bigint): Buffer {
  const hex = value.toString(16);
  return Buffer.from(hex.length % 2 === 0 ? hex : `0${hex}`, "hex");
}
