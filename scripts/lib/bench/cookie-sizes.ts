/**
 * Session cookie sizes. Emulator tokens are small (~1 KB each); real AWS
 * tokens are not (refresh ≈ 1.8 KB, ID ≈ 1.7 KB, access ≈ 1.3 KB), so the
 * bench also seals a session of AWS-size, JWT-shaped tokens with the app's
 * own cookie store and reports every Set-Cookie and the Cookie header.
 */
import crypto from "node:crypto";
import { cookieNameFor } from "../../../app/auth/cookie-names.server.ts";
import { createSealedCookieStore, setCookieBytes } from "../../../app/auth/sealed-cookie.server.ts";
import { newStoredSession, withRefreshedTokens } from "../../../app/auth/stored-session.server.ts";
import type { SignInFlow } from "../../../app/cognito/auth-session.server.ts";
import { headerBytes } from "../http.ts";

export interface CookieSizes {
  /** Bytes of each Set-Cookie header value (one per chunk). */
  setCookieBytes: number[];
  /** Bytes of the Cookie request header carrying the whole session. */
  cookieHeaderBytes: number;
}

/** The bench measures a production build: the session cookie's production name. */
const SESSION_COOKIE = cookieNameFor("session", true);

/** Sizes of the session's Set-Cookie values, and of the Cookie header a browser sends back. */
export function sizesOf(setCookies: string[]): CookieSizes {
  const session = setCookies.filter((c) => c.startsWith(`${SESSION_COOKIE}.`) && !/;\s*max-age=0/i.test(c));
  const cookieHeader = session.map((c) => c.split(";")[0]).join("; ");
  return { setCookieBytes: session.map(setCookieBytes), cookieHeaderBytes: headerBytes(cookieHeader) };
}

const b64 = (value: string | Buffer) => Buffer.from(value).toString("base64url");
const randomB64 = (bytes: number) => crypto.randomBytes(bytes).toString("base64url");
const uuid = () => crypto.randomUUID();

/** A JWT-shaped RS256 token of about `chars` characters: real claim names, padded with a custom attribute. */
function jwtOfSize(chars: number, claims: Record<string, unknown>): string {
  const header = b64(JSON.stringify({ kid: `${randomB64(32)}=`, alg: "RS256" }));
  const signature = randomB64(256); // RSA-2048
  const build = (pad: number) =>
    `${header}.${b64(JSON.stringify({ ...claims, "custom:profile": crypto.randomBytes(pad).toString("hex").slice(0, pad) }))}.${signature}`;
  let pad = 0;
  // base64 grows 4 characters per 3 bytes: converge on the target length.
  for (let i = 0; i < 5; i++) pad = Math.max(0, pad + Math.floor(((chars - build(pad).length) * 3) / 4));
  return build(pad);
}

/** Three tokens the size AWS issues, shaped like AWS's (JWS for ID/access, JWE for refresh). */
export function awsSizeTokens(): { id: string; access: string; refresh: string } {
  const now = Math.floor(Date.now() / 1000);
  const sub = uuid();
  const iss = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_AbCdEf123";
  const clientId = "3n4b5urk1ft4fl3mg5e62d9ado";
  const groups = ["users", "admins", "billing-readers", "support-agents"];
  const access = jwtOfSize(1300, {
    sub,
    "cognito:groups": groups,
    iss,
    version: 2,
    client_id: clientId,
    origin_jti: uuid(),
    event_id: uuid(),
    token_use: "access",
    scope: "openid profile email",
    auth_time: now,
    exp: now + 3600,
    iat: now,
    jti: uuid(),
    username: sub,
  });
  const id = jwtOfSize(1700, {
    sub,
    "cognito:groups": groups,
    email_verified: true,
    iss,
    "cognito:username": sub,
    origin_jti: uuid(),
    aud: clientId,
    event_id: uuid(),
    token_use: "id",
    auth_time: now,
    name: "Demo User",
    exp: now + 3600,
    iat: now,
    jti: uuid(),
    email: "demo@example.com",
  });
  // AWS refresh tokens are encrypted JWTs (JWE, RSA-OAEP + A256GCM): opaque and incompressible.
  const jweHeader = b64(JSON.stringify({ cty: "JWT", enc: "A256GCM", alg: "RSA-OAEP" }));
  const fixedChars = jweHeader.length + 342 + 16 + 22 + 4;
  const refresh = `${jweHeader}.${randomB64(256)}.${randomB64(12)}.${randomB64(Math.floor(((1800 - fixedChars) * 3) / 4))}.${randomB64(16)}`;
  return { id, access, refresh };
}

/**
 * A cookie store configured as the running app's: cookie name from
 * cookie-names.server.ts, and Secure/Path/Max-Age read off a Set-Cookie the
 * app really sent. `seal` checks every chunk's attributes match attribute for
 * attribute, and reads the result back.
 */
function appLikeStore(appSetCookie: string, secret: string) {
  const attributes = appSetCookie.slice(appSetCookie.indexOf(";"));
  const maxAge = Number(attributes.match(/;\s*Max-Age=(\d+)/i)?.[1]);
  const store = createSealedCookieStore<unknown>({
    name: SESSION_COOKIE,
    secrets: [secret],
    secure: /;\s*Secure/i.test(attributes),
    maxAgeSeconds: maxAge,
    path: attributes.match(/;\s*Path=([^;]*)/i)?.[1],
  });
  return (record: unknown) => {
    const setCookies = store.write(record, null);
    for (const c of setCookies) {
      if (c.slice(c.indexOf(";")) !== attributes) {
        throw new Error(`cookie attributes differ from the app's: ${c.slice(c.indexOf(";"))} vs ${attributes}`);
      }
    }
    return {
      ...sizesOf(setCookies),
      // Read back: the store accepts what it wrote.
      roundTrips: store.read(setCookies.map((c) => c.split(";")[0]).join("; ")) !== null,
    };
  };
}

/** Seals a session of AWS-size tokens (the record shape of a Hosted UI sign-in) with the app's cookie store. */
export function sealAwsSizeSession(appSetCookie: string, secret: string) {
  const tokens = awsSizeTokens();
  const sealed = appLikeStore(
    appSetCookie,
    secret,
  )({
    flow: "hosted",
    id: tokens.id,
    access: tokens.access,
    refresh: tokens.refresh,
    at: Math.floor(Date.now() / 1000),
  });
  return {
    tokenBytes: { refresh: tokens.refresh.length, id: tokens.id.length, access: tokens.access.length },
    ...sealed,
  };
}

/**
 * The largest session the app writes, at AWS token sizes: the record is built
 * by the app's own code (`newStoredSession` at sign-in, then
 * `withRefreshedTokens` with a rotated refresh token), so every field a sign-in
 * method or the session registry adds to it is in the measurement.
 */
export function sealLargestSession(appSetCookie: string, secret: string) {
  const seal = appLikeStore(appSetCookie, secret);
  const tokens = awsSizeTokens();
  const now = Math.floor(Date.now() / 1000);
  const flows: SignInFlow[] = ["hosted", "custom"];
  const flow = flows.reduce((a, b) => (b.length > a.length ? b : a));
  const signedIn = newStoredSession({
    flow,
    tokens: { idToken: tokens.id, accessToken: tokens.access, refreshToken: tokens.refresh },
    user: {
      sub: crypto.randomUUID(),
      username: crypto.randomUUID(),
      email: "demo@example.com",
      emailVerified: true,
      groups: ["users", "admins", "billing-readers", "support-agents"],
    },
    accessTokenExpiresAt: now + 3600,
    idTokenExpiresAt: now + 3600,
    signedInAt: now,
  });
  const next = awsSizeTokens();
  const rotated = withRefreshedTokens(signedIn, {
    idToken: next.id,
    accessToken: next.access,
    refreshToken: next.refresh,
  });
  const results = [seal(signedIn), seal(rotated)];
  const largest = results.reduce((a, b) => (b.cookieHeaderBytes > a.cookieHeaderBytes ? b : a));
  return {
    ...largest,
    roundTrips: results.every((r) => r.roundTrips),
    describe:
      `record fields ${Object.keys(rotated).join(", ")} (flow "${flow}"), ` +
      `at sign-in and after a refresh that rotated the refresh token (${next.refresh.length} B)`,
  };
}
