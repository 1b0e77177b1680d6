/**
 * Token attacks against the verifiers, offline: our own RSA key stands in for
 * the user pool's, its JWKS is preloaded into the verifiers' cache, and we sign
 * every token ourselves. Each forged token must be rejected — for the reason
 * we forged it (the error class), so a test cannot pass because of some other
 * flaw in the token — and the genuine ones accepted.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  CognitoJwtInvalidClientIdError,
  CognitoJwtInvalidTokenUseError,
  JwtExpiredError,
  JwtInvalidIssuerError,
  JwtInvalidSignatureAlgorithmError,
  JwtInvalidSignatureError,
  JwtNotBeforeError,
  JwtParseError,
  JwtWithoutValidKidError,
  KidNotFoundInJwksError,
  ParameterValidationError,
  WaitPeriodNotYetEndedJwkError,
} from "aws-jwt-verify/error";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CognitoSettings } from "../../app/cognito/config.server.ts";
import { cognitoEndpoints } from "../../app/cognito/config.server.ts";
import { createTokenVerifiers, type TokenVerifiers } from "../../app/cognito/verify.server.ts";
import {
  accessTokenClaims,
  awsShapedRefreshToken,
  b64url,
  generateSigningKey,
  hs256Jwt,
  idTokenClaims,
  type JsonObject,
  jwksOf,
  publicKeyAsSecrets,
  refreshTokenClaims,
  signJwt,
  unsignedJwt,
  withTamperedPayload,
} from "../support/tokens.ts";

type ErrorClass = abstract new (...args: never[]) => Error;

/** The pool's key (published in the JWKS) and an attacker's (not published). */
const poolKey = generateSigningKey("pool-key-1");
const attackerKey = generateSigningKey("attacker-key");
const CLIENT_ID = "webclient0123456789abcdef";
const OTHER_CLIENT_ID = "otherclient0123456789abcd";
const USER = { sub: "8b1f7a52-0c55-4c3e-9d7e-3f9a1f0a1b2c", email: "victim@example.com" };

interface Mode {
  name: string;
  aws: boolean;
  settings(): CognitoSettings;
}

/**
 * A loopback server publishing the pool's JWKS where the verifiers look for
 * it, counting requests: lets the unknown-`kid` cases exercise the real
 * refetch path instead of failing on a dead endpoint.
 */
let jwksServer: http.Server;
let jwksHits = 0;
let endpoint = "";
beforeAll(async () => {
  jwksServer = http.createServer((req, res) => {
    jwksHits++;
    if (req.url?.endsWith("/.well-known/jwks.json")) {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(jwksOf(poolKey)));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => jwksServer.close(resolve));
});

const MODES: Mode[] = [
  {
    // The emulator path (JwtVerifier + validateCognitoJwtFields), as in dev and tests.
    name: "emulator issuer (COGNITO_ENDPOINT set)",
    aws: false,
    settings: () => ({ region: "us-east-1", userPoolId: "local_TestPool1", clientId: CLIENT_ID, endpoint }),
  },
  {
    // The production path (CognitoJwtVerifier): the same attacks, an AWS issuer.
    name: "AWS issuer (no COGNITO_ENDPOINT)",
    aws: true,
    settings: () => ({ region: "eu-west-1", userPoolId: "eu-west-1_TestPool1", clientId: CLIENT_ID }),
  },
];

interface Attack {
  name: string;
  token(ctx: { issuer: string; claims: JsonObject; good: string; goodId: string }): string;
  /** Why it must be refused. */
  error: ErrorClass;
  /** …when that differs on the AWS path (CognitoJwtVerifier). */
  awsError?: ErrorClass;
}

/** Attacks that need no JWKS fetch: the key they name is in the preloaded JWKS, or none is looked up. */
const ACCESS_TOKEN_ATTACKS: Attack[] = [
  // An empty third segment does not even parse; with a signature, the algorithm is refused.
  {
    name: "alg: none, no signature",
    token: ({ claims }) => unsignedJwt(claims, { kid: poolKey.kid }),
    error: JwtParseError,
  },
  {
    name: "alg: none, the genuine token's signature kept",
    token: ({ claims, good }) => unsignedJwt(claims, { kid: poolKey.kid }, good.split(".")[2]),
    error: JwtInvalidSignatureAlgorithmError,
  },
  {
    name: 'alg: "None" (case games), a signature present',
    token: ({ claims }) => unsignedJwt(claims, { alg: "None", kid: poolKey.kid }, b64url("x".repeat(256))),
    error: JwtInvalidSignatureAlgorithmError,
  },
  {
    name: "wrong signature (the pool's kid, an attacker's key)",
    token: ({ claims }) => signJwt(claims, { ...attackerKey, kid: poolKey.kid }),
    error: JwtInvalidSignatureError,
  },
  {
    name: "payload changed after signing (groups += admins)",
    token: ({ good }) => withTamperedPayload(good, { "cognito:groups": ["users", "admins"] }),
    error: JwtInvalidSignatureError,
  },
  {
    name: "payload changed after signing (another sub)",
    token: ({ good }) => withTamperedPayload(good, { sub: "00000000-0000-0000-0000-000000000000" }),
    error: JwtInvalidSignatureError,
  },
  {
    name: "signature stripped",
    token: ({ good }) => `${good.split(".").slice(0, 2).join(".")}.`,
    error: JwtParseError,
  },
  { name: "signature truncated", token: ({ good }) => good.slice(0, -10), error: JwtInvalidSignatureError },
  {
    name: "signature from another genuine token",
    token: ({ claims, good }) => {
      const other = signJwt({ ...claims, jti: "another" }, poolKey);
      return `${good.split(".").slice(0, 2).join(".")}.${other.split(".")[2]}`;
    },
    error: JwtInvalidSignatureError,
  },
  {
    name: "no kid",
    token: ({ claims }) => signJwt(claims, poolKey, { kid: undefined }),
    error: JwtWithoutValidKidError,
  },
  // CognitoJwtVerifier looks the issuer up among those it is configured for: an unknown one is a ParameterValidationError.
  {
    name: "wrong issuer (another pool)",
    token: ({ claims, issuer }) => signJwt({ ...claims, iss: issuer.replace(/[^/_]+$/, "OtherPool") }, poolKey),
    error: JwtInvalidIssuerError,
    awsError: ParameterValidationError,
  },
  {
    name: "wrong issuer (attacker's site)",
    token: ({ claims }) => signJwt({ ...claims, iss: "https://evil.example/us-east-1_Evil" }, poolKey),
    error: JwtInvalidIssuerError,
    awsError: ParameterValidationError,
  },
  {
    name: "no issuer",
    token: ({ claims }) => signJwt({ ...claims, iss: undefined }, poolKey),
    error: JwtInvalidIssuerError,
    awsError: ParameterValidationError,
  },
  { name: "ID token used as access token", token: ({ goodId }) => goodId, error: CognitoJwtInvalidTokenUseError },
  {
    name: "refresh-shaped token (cognito-local's shape) used as access token",
    token: ({ issuer }) =>
      signJwt(refreshTokenClaims({ issuer, clientId: CLIENT_ID, sub: USER.sub, email: USER.email }), poolKey),
    error: CognitoJwtInvalidTokenUseError,
  },
  {
    name: "refresh token (AWS's shape: JWE) used as access token",
    token: () => awsShapedRefreshToken(),
    error: JwtParseError,
  },
  {
    name: "token_use missing",
    token: ({ claims }) => signJwt({ ...claims, token_use: undefined }, poolKey),
    error: CognitoJwtInvalidTokenUseError,
  },
  {
    name: "expired an hour ago",
    token: ({ claims }) => signJwt({ ...claims, iat: now() - 7200, exp: now() - 3600 }, poolKey),
    error: JwtExpiredError,
  },
  {
    name: "expired a second ago",
    token: ({ claims }) => signJwt({ ...claims, exp: now() - 1 }, poolKey),
    error: JwtExpiredError,
  },
  {
    name: "not valid yet (nbf in an hour)",
    token: ({ claims }) => signJwt({ ...claims, nbf: now() + 3600 }, poolKey),
    error: JwtNotBeforeError,
  },
  {
    name: "token for another client",
    token: ({ claims }) => signJwt({ ...claims, client_id: OTHER_CLIENT_ID }, poolKey),
    error: CognitoJwtInvalidClientIdError,
  },
  {
    name: "no client_id",
    token: ({ claims }) => signJwt({ ...claims, client_id: undefined }, poolKey),
    error: CognitoJwtInvalidClientIdError,
  },
  ...publicKeyAsSecrets(poolKey).map(
    ({ name, secret }): Attack => ({
      name: `HS256 signed with the pool's public key as the secret (${name})`,
      token: ({ claims }) => hs256Jwt(claims, secret, { kid: poolKey.kid }),
      error: JwtInvalidSignatureAlgorithmError,
    }),
  ),
  {
    name: "the attacker's key embedded in the header (jwk), pool kid",
    token: ({ claims }) => signJwt(claims, { ...attackerKey, kid: poolKey.kid }, { jwk: attackerKey.publicJwk }),
    error: JwtInvalidSignatureError,
  },
  {
    name: "jku/x5u pointing at the attacker's JWKS, pool kid",
    token: ({ claims }) =>
      signJwt(
        claims,
        { ...attackerKey, kid: poolKey.kid },
        { jku: "https://evil.example/jwks.json", x5u: "https://evil.example/cert.pem" },
      ),
    error: JwtInvalidSignatureError,
  },
  { name: "not a JWT", token: () => "not-a-jwt", error: JwtParseError },
  { name: "empty string", token: () => "", error: JwtParseError },
  {
    name: "header that is not JSON",
    token: ({ good }) => `${b64url("{not json")}.${good.split(".").slice(1).join(".")}`,
    error: JwtParseError,
  },
  {
    name: "payload that is an array",
    token: () => signJwt([] as unknown as JsonObject, poolKey),
    error: JwtParseError,
  },
];

const now = () => Math.floor(Date.now() / 1000);

for (const mode of MODES) {
  describe(`token attacks on the verifiers — ${mode.name}`, () => {
    let verifiers: TokenVerifiers;
    let issuer: string;
    let claims: JsonObject;
    let good: string;
    let goodId: string;
    beforeAll(() => {
      const settings = mode.settings();
      issuer = cognitoEndpoints(settings).issuer;
      verifiers = createTokenVerifiers(settings, { jwks: jwksOf(poolKey) });
      claims = accessTokenClaims({ issuer, clientId: CLIENT_ID, sub: USER.sub });
      good = signJwt(claims, poolKey);
      goodId = signJwt(idTokenClaims({ issuer, clientId: CLIENT_ID, sub: USER.sub, email: USER.email }), poolKey);
    });

    it("accepts a genuine access token and ID token (control), without fetching the preloaded JWKS", async () => {
      const access = await verifiers.verifyAccessToken(good);
      expect(access.sub).toBe(USER.sub);
      expect(access.client_id).toBe(CLIENT_ID);
      expect(access["cognito:groups"]).toEqual(["users"]);
      const id = await verifiers.verifyIdToken(goodId);
      expect(id.email).toBe(USER.email);
      expect(verifiers.jwksFetches).toBe(0);
    });

    for (const attack of ACCESS_TOKEN_ATTACKS) {
      it(`rejects as an access token: ${attack.name}`, async () => {
        const token = attack.token({ issuer, claims, good, goodId });
        const error = await verifiers.verifyAccessToken(token).then(
          () => null,
          (e: unknown) => e,
        );
        const expected = (mode.aws && attack.awsError) || attack.error;
        expect(error, "accepted, or refused for another reason than the one forged").toBeInstanceOf(expected);
        // Only JwtExpiredError makes the app try a refresh; anything else signs out.
        if (expected !== JwtExpiredError) expect(error).not.toBeInstanceOf(JwtExpiredError);
        expect(verifiers.jwksFetches, "no JWKS fetch for a kid the cache already has").toBe(0);
      });
    }

    it("checks the signature before the expiry: a forged, expired token is not 'expired' (which would invite a refresh)", async () => {
      const forged = signJwt({ ...claims, exp: now() - 60 }, { ...attackerKey, kid: poolKey.kid });
      await expect(verifiers.verifyAccessToken(forged)).rejects.toBeInstanceOf(JwtInvalidSignatureError);
      const noneExpired = unsignedJwt({ ...claims, exp: now() - 60 }, { kid: poolKey.kid }, good.split(".")[2]);
      await expect(verifiers.verifyAccessToken(noneExpired)).rejects.toBeInstanceOf(JwtInvalidSignatureAlgorithmError);
    });

    it("rejects as an ID token: the access token, another client's ID token, a forged and an expired one", async () => {
      await expect(verifiers.verifyIdToken(good)).rejects.toBeInstanceOf(CognitoJwtInvalidTokenUseError);
      const otherAudience = signJwt(idTokenClaims({ issuer, clientId: OTHER_CLIENT_ID, sub: USER.sub }), poolKey);
      await expect(verifiers.verifyIdToken(otherAudience)).rejects.toBeInstanceOf(CognitoJwtInvalidClientIdError);
      const forged = signJwt(idTokenClaims({ issuer, clientId: CLIENT_ID, sub: USER.sub }), {
        ...attackerKey,
        kid: poolKey.kid,
      });
      await expect(verifiers.verifyIdToken(forged)).rejects.toBeInstanceOf(JwtInvalidSignatureError);
      const expired = signJwt(idTokenClaims({ issuer, clientId: CLIENT_ID, sub: USER.sub, expiresIn: -5 }), poolKey);
      await expect(verifiers.verifyIdToken(expired)).rejects.toBeInstanceOf(JwtExpiredError);
      const none = unsignedJwt(
        idTokenClaims({ issuer, clientId: CLIENT_ID, sub: USER.sub }),
        { kid: poolKey.kid },
        goodId.split(".")[2],
      );
      await expect(verifiers.verifyIdToken(none)).rejects.toBeInstanceOf(JwtInvalidSignatureAlgorithmError);
      expect(verifiers.jwksFetches).toBe(0);
    });

    it("rejects HS256 even when the JWKS does not pin the algorithm (no `alg` on the JWK)", async () => {
      const { alg: _alg, ...unpinned } = poolKey.publicJwk;
      const lax = createTokenVerifiers(mode.settings(), { jwks: { keys: [unpinned] } });
      expect(await lax.verifyAccessToken(good)).toMatchObject({ sub: USER.sub }); // control
      for (const { secret } of publicKeyAsSecrets(poolKey)) {
        await expect(lax.verifyAccessToken(hs256Jwt(claims, secret, { kid: poolKey.kid }))).rejects.toBeInstanceOf(
          JwtInvalidSignatureAlgorithmError,
        );
      }
      await expect(
        lax.verifyAccessToken(unsignedJwt(claims, { kid: poolKey.kid }, good.split(".")[2])),
      ).rejects.toBeInstanceOf(JwtInvalidSignatureAlgorithmError);
    });
  });
}

// Only on the emulator path: on the AWS path the refetch would go to cognito-idp.amazonaws.com.
describe("an unknown kid (emulator issuer, JWKS served on loopback)", () => {
  it("triggers one JWKS refetch, then is refused without refetching while the penalty box holds", async () => {
    const settings: CognitoSettings = {
      region: "us-east-1",
      userPoolId: "local_TestPool2",
      clientId: CLIENT_ID,
      endpoint,
    };
    const { issuer } = cognitoEndpoints(settings);
    const verifiers = createTokenVerifiers(settings, { jwks: jwksOf(poolKey) });
    const claims = accessTokenClaims({ issuer, clientId: CLIENT_ID, sub: USER.sub });
    const hitsBefore = jwksHits;

    const unknown = signJwt(claims, attackerKey); // kid "attacker-key": not in the JWKS
    await expect(verifiers.verifyAccessToken(unknown)).rejects.toBeInstanceOf(KidNotFoundInJwksError);
    expect(verifiers.jwksFetches).toBe(1);
    expect(jwksHits - hitsBefore).toBe(1);

    // More unknown kids, the same and fresh ones, sequential and concurrent: no more fetches.
    const more = Array.from({ length: 10 }, (_, i) =>
      signJwt(claims, { ...attackerKey, kid: i % 2 ? attackerKey.kid : `fresh-${i}` }),
    );
    const results = await Promise.allSettled(more.map((t) => verifiers.verifyAccessToken(t)));
    for (const result of results) {
      expect(result.status).toBe("rejected");
      expect((result as PromiseRejectedResult).reason).toBeInstanceOf(WaitPeriodNotYetEndedJwkError);
    }
    expect(verifiers.jwksFetches).toBe(1);
    expect(jwksHits - hitsBefore).toBe(1);

    // The genuine token still verifies from the cache.
    expect(await verifiers.verifyAccessToken(signJwt(claims, poolKey))).toMatchObject({ sub: USER.sub });
    expect(verifiers.jwksFetches).toBe(1);
  });

  it("counts only real fetches: a preloaded JWKS is not one", () => {
    const verifiers = createTokenVerifiers(
      { region: "us-east-1", userPoolId: "local_TestPool3", clientId: CLIENT_ID, endpoint },
      { jwks: jwksOf(poolKey) },
    );
    expect(verifiers.jwksFetches).toBe(0);
  });

  it("refuses to preload something that is not a JWKS", () => {
    expect(() => createTokenVerifiers(MODES[0]!.settings(), { jwks: { keys: "nope" } })).toThrow();
    expect(() => createTokenVerifiers(MODES[0]!.settings(), { jwks: [] })).toThrow();
  });
});
