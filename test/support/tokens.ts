/**
 * Token forging for attack tests: sign JWTs with our own RSA key or with the
 * emulator's (to make properly signed but wrong tokens), make unsigned and
 * HS256 "alg confusion" tokens, and seal arbitrary sessions into the app's
 * cookie format with the test secret — what an attacker would try, and what
 * a stolen session secret would allow.
 */
import crypto, { type KeyObject } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { createSealedCookieStore } from "../../app/auth/sealed-cookie.server.ts";
import type { StoredSession } from "../../app/auth/stored-session.server.ts";
import { ROOT } from "../../scripts/lib/root.ts";
import { TEST_SESSION_SECRET } from "./app.ts";
import type { CookieJar } from "./http.ts";

export type JsonObject = Record<string, unknown>;

export const b64url = (input: string | Buffer): string => Buffer.from(input).toString("base64url");

const encodeSegment = (value: JsonObject) => b64url(JSON.stringify(value));

/** A signing key: private half for us, public half as a JWK (what a JWKS would publish). */
export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** The public key as a JWK with kid, alg RS256, use sig. */
  publicJwk: JsonObject;
}

/** A fresh RSA-2048 key pair. */
export function generateSigningKey(kid = `test-${crypto.randomUUID()}`): SigningKey {
  const { privateKey, publicKey } = crypto.generateKeyPairSync("rsa", { modulusLength: 2048 });
  return {
    kid,
    privateKey,
    publicKey,
    publicJwk: { ...publicKey.export({ format: "jwk" }), kid, alg: "RS256", use: "sig" },
  };
}

/** A JWKS publishing the given keys' public halves. */
export function jwksOf(...keys: SigningKey[]): { keys: JsonObject[] } {
  return { keys: keys.map((k) => k.publicJwk) };
}

const EMULATOR_KEYS = path.join(ROOT, "node_modules/cognito-local/lib/keys");
let emulatorKey: SigningKey | undefined;

/** cognito-local's own signing key (kid "CognitoLocal"): tokens signed with it pass the signature check. */
export function emulatorSigningKey(): SigningKey {
  if (!emulatorKey) {
    const priv = JSON.parse(fs.readFileSync(path.join(EMULATOR_KEYS, "cognitoLocal.private.json"), "utf8")) as {
      pem: string;
    };
    const pub = JSON.parse(fs.readFileSync(path.join(EMULATOR_KEYS, "cognitoLocal.public.json"), "utf8")) as {
      jwk: JsonObject & { kid: string };
    };
    const privateKey = crypto.createPrivateKey(priv.pem);
    emulatorKey = { kid: pub.jwk.kid, privateKey, publicKey: crypto.createPublicKey(privateKey), publicJwk: pub.jwk };
  }
  return emulatorKey;
}

/** RS256-signs `payload` with `key`; `header` adds to or overrides `{ alg: "RS256", typ: "JWT", kid }`. */
export function signJwt(payload: JsonObject, key: SigningKey, header: JsonObject = {}): string {
  const input = `${encodeSegment({ alg: "RS256", typ: "JWT", kid: key.kid, ...header })}.${encodeSegment(payload)}`;
  const signature = crypto.sign("sha256", Buffer.from(input), key.privateKey);
  return `${input}.${signature.toString("base64url")}`;
}

/** `alg: none`: no signature at all (or whatever `signature` says, e.g. a stolen one). */
export function unsignedJwt(payload: JsonObject, header: JsonObject = {}, signature = ""): string {
  return `${encodeSegment({ alg: "none", typ: "JWT", ...header })}.${encodeSegment(payload)}.${signature}`;
}

/**
 * Algorithm confusion: HS256 with a *public* key (as PEM, say) used as the HMAC
 * secret. A verifier that lets the token choose its algorithm would check it
 * with the public key it holds and accept it.
 */
export function hs256Jwt(payload: JsonObject, secret: string | Buffer, header: JsonObject = {}): string {
  const input = `${encodeSegment({ alg: "HS256", typ: "JWT", ...header })}.${encodeSegment(payload)}`;
  return `${input}.${crypto.createHmac("sha256", secret).update(input).digest("base64url")}`;
}

/** The public key of `key` in the forms an attacker would try as an HMAC secret. */
export function publicKeyAsSecrets(key: SigningKey): { name: string; secret: string }[] {
  return [
    { name: "SPKI PEM", secret: key.publicKey.export({ format: "pem", type: "spki" }).toString() },
    { name: "PKCS#1 PEM", secret: key.publicKey.export({ format: "pem", type: "pkcs1" }).toString() },
    { name: "JWK JSON", secret: JSON.stringify(key.publicJwk) },
  ];
}

/** Header and payload of a JWT, unverified. */
export function decodeJwt(token: string): { header: JsonObject; payload: JsonObject } {
  const [header, payload] = token.split(".");
  return {
    header: JSON.parse(Buffer.from(header ?? "", "base64url").toString("utf8")) as JsonObject,
    payload: JSON.parse(Buffer.from(payload ?? "", "base64url").toString("utf8")) as JsonObject,
  };
}

/** Same header and signature, one payload claim changed: the signature no longer matches. */
export function withTamperedPayload(token: string, changes: JsonObject): string {
  const [header, , signature] = token.split(".");
  return `${header}.${encodeSegment({ ...decodeJwt(token).payload, ...changes })}.${signature}`;
}

const now = () => Math.floor(Date.now() / 1000);

export interface ClaimOptions {
  issuer: string;
  clientId: string;
  sub?: string;
  username?: string;
  email?: string;
  groups?: string[];
  /** Seconds from now until `exp` (negative: already expired). Default one hour. */
  expiresIn?: number;
}

/** Claims shaped like a Cognito access token. */
export function accessTokenClaims(o: ClaimOptions): JsonObject {
  const iat = now() + Math.min(0, (o.expiresIn ?? 3600) - 60);
  const sub = o.sub ?? crypto.randomUUID();
  return {
    sub,
    "cognito:groups": o.groups ?? ["users"],
    iss: o.issuer,
    client_id: o.clientId,
    origin_jti: crypto.randomUUID(),
    event_id: crypto.randomUUID(),
    token_use: "access",
    scope: "aws.cognito.signin.user.admin",
    auth_time: iat,
    exp: now() + (o.expiresIn ?? 3600),
    iat,
    jti: crypto.randomUUID(),
    username: o.username ?? sub,
  };
}

/** Claims shaped like a Cognito ID token. */
export function idTokenClaims(o: ClaimOptions): JsonObject {
  const iat = now() + Math.min(0, (o.expiresIn ?? 3600) - 60);
  const sub = o.sub ?? crypto.randomUUID();
  return {
    sub,
    "cognito:groups": o.groups ?? ["users"],
    email_verified: true,
    iss: o.issuer,
    "cognito:username": o.username ?? sub,
    aud: o.clientId,
    event_id: crypto.randomUUID(),
    token_use: "id",
    auth_time: iat,
    exp: now() + (o.expiresIn ?? 3600),
    iat,
    jti: crypto.randomUUID(),
    email: o.email ?? "someone@example.com",
  };
}

/** Claims shaped like cognito-local's refresh tokens (a JWT with no token_use, client or kid). */
export function refreshTokenClaims(o: ClaimOptions): JsonObject {
  return {
    "cognito:username": o.username ?? o.sub ?? crypto.randomUUID(),
    email: o.email ?? "someone@example.com",
    iat: now(),
    jti: crypto.randomUUID(),
    exp: now() + 30 * 24 * 3600,
    iss: o.issuer,
  };
}

/** AWS refresh tokens are JWE (five segments, encrypted): opaque to us, and never a JWS. */
export function awsShapedRefreshToken(): string {
  const parts = [b64url(JSON.stringify({ cty: "JWT", enc: "A256GCM", alg: "RSA-OAEP" }))];
  for (const bytes of [256, 12, 1200, 16]) parts.push(crypto.randomBytes(bytes).toString("base64url"));
  return parts.join(".");
}

/** The session id and issue time a sealed session needs besides its tokens (as a sign-in makes them). */
export function newSessionFields(): { sid: string; from: number } {
  return { sid: crypto.randomBytes(16).toString("base64url"), from: Date.now() };
}

/**
 * Seals `session` the way the app does (name "__Host-session", AES-GCM under the
 * first of `secrets`) and returns the Set-Cookie values, one per chunk.
 */
export function sealSession(
  session: StoredSession | JsonObject,
  secrets: string[] = [TEST_SESSION_SECRET],
  cookieHeader: string | null = null,
): string[] {
  const store = createSealedCookieStore<unknown>({
    name: "__Host-session",
    secrets,
    secure: true,
    maxAgeSeconds: 3600,
  });
  return store.write(session, cookieHeader);
}

/** Puts Set-Cookie values into `jar` (name=value only, as a browser would send them back). */
export function putCookies(jar: CookieJar, setCookies: string[]): CookieJar {
  for (const setCookie of setCookies) {
    const pair = setCookie.split(";")[0]!;
    const eq = pair.indexOf("=");
    jar.set(pair.slice(0, eq), pair.slice(eq + 1));
  }
  return jar;
}

/**
 * Decrypts a jar's app session with the given secrets (null when they do not open it), under the
 * production cookie name unless told otherwise.
 */
export function openSession(jar: CookieJar, secrets: string[], name = "__Host-session"): StoredSession | null {
  const store = createSealedCookieStore<StoredSession>({
    name,
    secrets,
    secure: true,
    maxAgeSeconds: 60,
  });
  return store.read(jar.header());
}

/** Rewrites `jar`'s session cookie as if its sign-in had been `seconds` ago (the tests share the app's secret). */
export function ageSession(jar: CookieJar, seconds: number): CookieJar {
  const stored = openSession(jar, [TEST_SESSION_SECRET]);
  if (!stored) throw new Error("no session to age");
  return putCookies(jar, sealSession({ ...stored, at: stored.at - seconds }, [TEST_SESSION_SECRET], jar.header()));
}
