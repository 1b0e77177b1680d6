/**
 * JWKS rotation vs. a flood of unknown `kid`s: a token naming a key the app
 * has not cached makes it refetch the JWKS (that is how a real key rotation is
 * picked up) — but only once; aws-jwt-verify's penalty box refuses further
 * refetches for a while, so an attacker cannot turn every request into a
 * request to Cognito.
 */
import { InitiateAuthCommand } from "@aws-sdk/client-cognito-identity-provider";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { adminClient, type RunningApp } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar, expectRedirect, jwtClaims, signInWithForm } from "../support/http.ts";
import {
  accessTokenClaims,
  generateSigningKey,
  newSessionFields,
  putCookies,
  type SigningKey,
  sealSession,
  signJwt,
} from "../support/tokens.ts";

const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };
const SIGNED_OUT = "/login?redirectTo=%2Fdashboard";

async function jwksFetches(app: RunningApp): Promise<number> {
  const res = await fetch(`${app.url}/healthz`);
  expect(res.status).toBe(200);
  const body = (await res.json()) as { jwks: { fetches: number } };
  expect(typeof body.jwks.fetches).toBe("number");
  return body.jwks.fetches;
}

describe("unknown kid flood", () => {
  const app = suiteApp();
  let real: { id: string; access: string; refresh: string };
  const attacker: SigningKey = generateSigningKey("rotated-key-2025");

  beforeAll(async () => {
    const res = await adminClient().send(
      new InitiateAuthCommand({
        ClientId: app.clientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: DEMO.username, PASSWORD: DEMO.password },
      }),
    );
    const tokens = res.AuthenticationResult!;
    real = { id: tokens.IdToken!, access: tokens.AccessToken!, refresh: tokens.RefreshToken! };
  });

  /** A session whose access token is right in every way but its key: a `kid` the JWKS does not have. */
  function unknownKidSession(i: number): CookieJar {
    const claims = jwtClaims(real.access);
    const access = signJwt(
      accessTokenClaims({
        issuer: `${inject("emulatorUrl")}/${inject("userPoolId")}`,
        clientId: app.clientId,
        sub: claims.sub as string,
        username: claims.username as string,
      }),
      // Half reuse one unknown kid, half name a new one each time.
      i % 2 === 0 ? attacker : { ...attacker, kid: `unknown-${i}-${Math.random().toString(36).slice(2)}` },
    );
    return putCookies(
      new CookieJar(),
      sealSession({
        flow: "custom",
        id: real.id,
        access,
        refresh: i % 4 < 2 ? real.refresh : undefined,
        at: Math.floor(Date.now() / 1000),
        ...newSessionFields(),
      }),
    );
  }

  it("signs out every such session and refetches the JWKS once, not once per request", async () => {
    // A genuine session first, so the JWKS is cached (and the baseline is after that fetch).
    const valid = await signInWithForm(app.url, DEMO.username, DEMO.password);
    expect((await valid.fetch(`${app.url}/dashboard`)).status).toBe(200);
    const before = await jwksFetches(app);
    expect(before).toBeGreaterThanOrEqual(1);

    // Ten at once, then ten one after another.
    const concurrent = await Promise.all(
      Array.from({ length: 10 }, (_, i) => unknownKidSession(i).fetch(`${app.url}/dashboard`)),
    );
    const sequential: Response[] = [];
    for (let i = 10; i < 20; i++) sequential.push(await unknownKidSession(i).fetch(`${app.url}/dashboard`));
    for (const [i, res] of [...concurrent, ...sequential].entries()) {
      expect(res.status, `request ${i + 1}`).toBe(302);
      expectRedirect(res, SIGNED_OUT);
    }

    const after = await jwksFetches(app);
    // Exactly one: the first unknown kid refetches (a rotation would be picked
    // up), and the penalty box stops the other 19 from refetching.
    expect(after - before, "JWKS fetches caused by 20 unknown-kid requests").toBe(1);

    // A genuine session still works, from the cache.
    const res = await valid.fetch(`${app.url}/dashboard`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain(`data-testid="email">${DEMO.username}<`);
    expect(await jwksFetches(app)).toBe(after);
  });
});
