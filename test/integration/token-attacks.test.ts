/**
 * Token attacks end to end: each bad access token is put into a genuine app
 * session cookie (sealed with the app's secret, beside a real emulator ID
 * token and, where it matters, a real refresh token) and sent to /dashboard.
 * Every one must be treated as signed out — a redirect to the login page that
 * clears the cookie — and never a 500.
 *
 * The worst ones are signed with the emulator's own private key, so their
 * signature is valid and only the claim we got wrong gives them away.
 */
import { beforeAll, describe, expect, inject, it } from "vitest";
import { userAccessToken } from "../support/api.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar, expectRedirect, jwtClaims } from "../support/http.ts";
import {
  accessTokenClaims,
  awsShapedRefreshToken,
  emulatorSigningKey,
  generateSigningKey,
  hs256Jwt,
  type JsonObject,
  newSessionFields,
  publicKeyAsSecrets,
  putCookies,
  sealSession,
  signJwt,
  unsignedJwt,
  withTamperedPayload,
} from "../support/tokens.ts";

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };
const ADMIN = { username: "admin@example.com", password: "AdminPassw0rd!" };
const SIGNED_OUT = "/login?redirectTo=%2Fdashboard";

type RealTokens = Awaited<ReturnType<typeof userAccessToken>>;

function sessionJar(session: { id: string; access: string; refresh?: string }): CookieJar {
  return putCookies(
    new CookieJar(),
    sealSession({ flow: "custom", ...session, at: Math.floor(Date.now() / 1000), ...newSessionFields() }),
  );
}

describe("forged and misused access tokens in a real session cookie", () => {
  const app = suiteApp();
  let demo: RealTokens;
  let admin: RealTokens;
  let otherClient: RealTokens;
  let issuer: string;
  /** Claims of a correct access token for the demo user and this app's client. */
  let claims: JsonObject;
  const emulatorKey = emulatorSigningKey();
  const attackerKey = generateSigningKey("attacker-key");

  beforeAll(async () => {
    demo = await userAccessToken(DEMO, app.clientId);
    admin = await userAccessToken(ADMIN, app.clientId);
    otherClient = await userAccessToken(DEMO, inject("webClientId"));
    issuer = `${inject("emulatorUrl")}/${inject("userPoolId")}`;
    const real = jwtClaims(demo.access);
    expect(real.iss).toBe(issuer);
    claims = accessTokenClaims({
      issuer,
      clientId: app.clientId,
      sub: real.sub as string,
      username: real.username as string,
      groups: real["cognito:groups"] as string[],
    });
  });

  /** Asserts the session is refused: login redirect, cookie cleared, and the public page still renders. */
  async function expectSignedOut(jar: CookieJar, what: string) {
    const res = await jar.fetch(`${app.url}/dashboard`);
    expect(res.status, `${what}: /dashboard`).not.toBe(500);
    expectRedirect(res, SIGNED_OUT);
    expect(
      jar.names().filter((n) => n.startsWith("__Host-session")),
      `${what}: cookie cleared`,
    ).toEqual([]);
  }

  it("controls: the genuine session, and one re-sealed from a token we signed with the emulator's key, are signed in", async () => {
    const genuine = await sessionJar(demo).fetch(`${app.url}/dashboard`);
    expect(genuine.status).toBe(200);
    expect(await genuine.text()).toContain(`data-testid="email">${DEMO.username}<`);
    // Our forging is faithful: with every claim right, the emulator's key makes a token the app accepts.
    const crafted = await sessionJar({ id: demo.id, access: signJwt(claims, emulatorKey) }).fetch(
      `${app.url}/dashboard`,
    );
    expect(crafted.status).toBe(200);
    expect(await crafted.text()).toContain(`data-testid="email">${DEMO.username}<`);
  });

  const attacks: { name: string; access: () => string; refresh?: "real" | "none" }[] = [
    { name: "alg: none (no signature)", access: () => unsignedJwt(claims, { kid: emulatorKey.kid }) },
    {
      name: "alg: none (the genuine signature kept)",
      access: () => unsignedJwt(jwtClaims(demo.access), { kid: emulatorKey.kid }, demo.access.split(".")[2]),
    },
    {
      name: "wrong signature (attacker's key, the emulator's kid)",
      access: () => signJwt(claims, { ...attackerKey, kid: emulatorKey.kid }),
    },
    {
      name: "genuine token with its groups edited (+admins)",
      access: () => withTamperedPayload(demo.access, { "cognito:groups": ["admins", "users"] }),
    },
    {
      name: "genuine token with its sub edited (the admin's)",
      access: () => withTamperedPayload(demo.access, { sub: jwtClaims(admin.access).sub }),
    },
    { name: "wrong kid (attacker's key and kid)", access: () => signJwt(claims, attackerKey) },
    {
      name: "wrong issuer (emulator-signed)",
      access: () => signJwt({ ...claims, iss: `${inject("emulatorUrl")}/local_Attacker1` }, emulatorKey),
    },
    {
      name: "AWS-shaped issuer (emulator-signed)",
      access: () =>
        signJwt({ ...claims, iss: `https://cognito-idp.us-east-1.amazonaws.com/${inject("userPoolId")}` }, emulatorKey),
    },
    { name: "ID token used as access token", access: () => demo.id },
    { name: "refresh token used as access token (cognito-local's)", access: () => demo.refresh },
    { name: "refresh token used as access token (AWS's JWE shape)", access: () => awsShapedRefreshToken() },
    {
      name: "token_use: id in an access-shaped token (emulator-signed)",
      access: () => signJwt({ ...claims, token_use: "id" }, emulatorKey),
    },
    { name: "token for another client (real, from the seeded web client)", access: () => otherClient.access },
    {
      name: "token for another client (emulator-signed)",
      access: () => signJwt({ ...claims, client_id: inject("webClientId") }, emulatorKey),
    },
    {
      name: "not valid yet (nbf in an hour, emulator-signed)",
      access: () => signJwt({ ...claims, nbf: Math.floor(Date.now() / 1000) + 3600 }, emulatorKey),
    },
    {
      name: "expired, no refresh token (emulator-signed)",
      access: () =>
        signJwt(
          { ...claims, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 },
          emulatorKey,
        ),
      refresh: "none",
    },
    {
      name: "forged and expired, with a real refresh token",
      access: () =>
        signJwt({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, { ...attackerKey, kid: emulatorKey.kid }),
    },
    ...publicKeyAsSecrets(emulatorKey).map(({ name, secret }) => ({
      name: `HS256 with the emulator's public key as secret (${name})`,
      access: () => hs256Jwt(claims, secret, { kid: emulatorKey.kid }),
    })),
    { name: "garbage", access: () => "garbage" },
    { name: "empty", access: () => "" },
  ];

  for (const attack of attacks) {
    it(`signs out: ${attack.name}`, async () => {
      const access = attack.access();
      // With the real refresh token unless the attack is about its absence: a
      // bad access token must not be "repaired" by refreshing.
      await expectSignedOut(
        sessionJar({ id: demo.id, access, refresh: attack.refresh === "none" ? undefined : demo.refresh }),
        attack.name,
      );
      if (attack.refresh !== "none")
        await expectSignedOut(sessionJar({ id: demo.id, access }), `${attack.name} (no refresh token)`);
    });
  }

  it("signs out a genuine access token paired with another user's ID token", async () => {
    await expectSignedOut(
      sessionJar({ id: admin.id, access: demo.access, refresh: demo.refresh }),
      "mismatched ID token",
    );
  });

  it("refreshes (does not sign out) a genuinely expired token when a refresh token is there — the one case that differs", async () => {
    const expired = signJwt(
      { ...claims, iat: Math.floor(Date.now() / 1000) - 7200, exp: Math.floor(Date.now() / 1000) - 3600 },
      emulatorKey,
    );
    const jar = sessionJar({ id: demo.id, access: expired, refresh: demo.refresh });
    const res = await jar.fetch(`${app.url}/dashboard`);
    expect(res.status).toBe(200);
    expect(jar.session()!.access).not.toBe(expired);
  });

  it("renders the public home page signed out for every bad token (no 500 outside protected routes either)", async () => {
    for (const attack of attacks) {
      const jar = sessionJar({
        id: demo.id,
        access: attack.access(),
        refresh: attack.refresh === "none" ? undefined : demo.refresh,
      });
      const res = await jar.fetch(`${app.url}/`);
      expect(res.status, attack.name).toBe(200);
      expect(await res.text(), attack.name).toMatch(/data-testid="auth-state">\s*You are not signed in\./);
    }
  });

  it("never logs a token", () => {
    expect(app.output()).not.toMatch(/eyJ[\w-]{20,}\.[\w-]{20,}/);
  });
});
