/**
 * The emulator's check of a provider's ID token (gateway/federation/id-token.ts),
 * with keys and tokens made here: each check refuses the token it exists for,
 * and a token that passes them all is accepted. The same attacks against the
 * real local provider are in test/integration/gateway/federation.test.ts.
 */
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { describe, expect, it } from "vitest";
import { IdTokenRejected, verifyIdToken } from "../../cognito-local/gateway/federation/id-token.ts";
import type { Jwk } from "../../cognito-local/gateway/jwt.ts";

const ISSUER = "http://127.0.0.1:9230";
const CLIENT = "local-google.apps.localhost";
const NOW = 1_800_000_000;

function keyPair(kid: string): { privateKey: KeyObject; jwk: Jwk } {
  const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { privateKey, jwk: { ...(publicKey.export({ format: "jwk" }) as Jwk), kid, alg: "RS256", use: "sig" } };
}

const provider = keyPair("provider-key");
const other = keyPair("provider-key"); // another key under the same kid

function token(claims: Record<string, unknown>, options: { key?: KeyObject; header?: Record<string, unknown> } = {}) {
  const header = { alg: "RS256", typ: "JWT", kid: "provider-key", ...options.header };
  const payload = {
    iss: ISSUER,
    aud: CLIENT,
    sub: "100000000000000000002",
    nonce: "the-nonce",
    iat: NOW - 5,
    exp: NOW + 3600,
    email: "newcomer@example.net",
    ...claims,
  };
  const input = `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify(payload)).toString("base64url")}`;
  return `${input}.${sign("RSA-SHA256", Buffer.from(input), options.key ?? provider.privateKey).toString("base64url")}`;
}

const expected = { issuer: ISSUER, clientId: CLIENT, nonce: "the-nonce", now: NOW };
const keys = async () => [provider.jwk];

async function rejection(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IdTokenRejected);
    return (error as IdTokenRejected).check;
  }
  throw new Error("expected the token to be refused");
}

describe("a provider's ID token", () => {
  it("is accepted when signed by the provider's key for this client, issuer, nonce and time", async () => {
    const claims = await verifyIdToken(token({}), expected, keys);
    expect(claims).toMatchObject({ sub: "100000000000000000002", email: "newcomer@example.net" });
  });

  it("is refused when signed by another key, even under the provider's kid", async () => {
    expect(await rejection(verifyIdToken(token({}, { key: other.privateKey }), expected, keys))).toBe("signature");
  });

  it("is refused when its signature is cut or its payload changed after signing", async () => {
    const good = token({});
    const [h, , s] = good.split(".");
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...JSON.parse(Buffer.from(good.split(".")[1]!, "base64url").toString()), sub: "someone-else" }),
    ).toString("base64url");
    expect(await rejection(verifyIdToken(`${h}.${forgedPayload}.${s}`, expected, keys))).toBe("signature");
    expect(await rejection(verifyIdToken(`${h}.${good.split(".")[1]}.`, expected, keys))).toBe("signature");
  });

  it("is refused unsigned (alg none) or with a symmetric algorithm", async () => {
    const payload = Buffer.from(
      JSON.stringify({ iss: ISSUER, aud: CLIENT, sub: "x", nonce: "the-nonce", iat: NOW, exp: NOW + 60 }),
    ).toString("base64url");
    const none = `${Buffer.from(JSON.stringify({ alg: "none" })).toString("base64url")}.${payload}.`;
    expect(await rejection(verifyIdToken(none, expected, keys))).toBe("signature");
    expect(await rejection(verifyIdToken(token({}, { header: { alg: "HS256" } }), expected, keys))).toBe("signature");
  });

  it("asks for the provider's keys again once when it names an unknown kid (rotation), then refuses", async () => {
    const rotated = keyPair("rotated-key");
    const asked: boolean[] = [];
    const rotating = async ({ refresh }: { refresh: boolean }) => {
      asked.push(refresh);
      return refresh ? [provider.jwk, rotated.jwk] : [provider.jwk];
    };
    const fresh = token({}, { key: rotated.privateKey, header: { kid: "rotated-key" } });
    await expect(verifyIdToken(fresh, expected, rotating)).resolves.toMatchObject({ sub: "100000000000000000002" });
    expect(asked).toEqual([false, true]);
    const unknown = token({}, { key: rotated.privateKey, header: { kid: "nobody-knows" } });
    expect(await rejection(verifyIdToken(unknown, expected, rotating))).toBe("signature");
  });

  it("is refused from another issuer", async () => {
    expect(await rejection(verifyIdToken(token({ iss: "http://127.0.0.1:9999" }), expected, keys))).toBe("issuer");
    expect(await rejection(verifyIdToken(token({ iss: `${ISSUER}/` }), expected, keys))).toBe("issuer");
  });

  it("is refused for another audience, or with several audiences and another azp", async () => {
    expect(await rejection(verifyIdToken(token({ aud: "someone-else" }), expected, keys))).toBe("audience");
    expect(await rejection(verifyIdToken(token({ aud: [CLIENT, "other"], azp: "other" }), expected, keys))).toBe(
      "audience",
    );
    await expect(verifyIdToken(token({ aud: [CLIENT, "other"], azp: CLIENT }), expected, keys)).resolves.toBeTruthy();
  });

  it("is refused once expired (a minute of clock skew allowed) or issued in the future", async () => {
    expect(await rejection(verifyIdToken(token({ exp: NOW - 61 }), expected, keys))).toBe("expiry");
    expect(await rejection(verifyIdToken(token({ exp: undefined }), expected, keys))).toBe("expiry");
    await expect(verifyIdToken(token({ exp: NOW - 30 }), expected, keys)).resolves.toBeTruthy();
    expect(await rejection(verifyIdToken(token({ iat: NOW + 120 }), expected, keys))).toBe("issued-at");
  });

  it("is refused with another sign-in's nonce, or none", async () => {
    expect(await rejection(verifyIdToken(token({ nonce: "another-nonce" }), expected, keys))).toBe("nonce");
    expect(await rejection(verifyIdToken(token({ nonce: undefined }), expected, keys))).toBe("nonce");
  });

  it("is refused without a subject, and when it is not a JWT at all", async () => {
    expect(await rejection(verifyIdToken(token({ sub: "" }), expected, keys))).toBe("subject");
    expect(await rejection(verifyIdToken("not.a.jwt!", expected, keys))).toBe("format");
    expect(await rejection(verifyIdToken(undefined, expected, keys))).toBe("format");
  });
});
