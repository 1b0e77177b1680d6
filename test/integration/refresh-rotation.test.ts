/**
 * Refresh-token rotation through the app: an app with
 * COGNITO_REFRESH_ROTATION=1 against app clients that rotate
 * (RefreshTokenRotation ENABLED) and hand out 30-second access tokens, so
 * every request is inside the app's 60-second refresh window and refreshes.
 * The refreshed cookie holds the NEW refresh token; concurrent requests of
 * one session share one refresh (single-flight) and the user stays signed
 * in; across two instances the client's grace period lets both refresh; a
 * rotated-out token is refused once the grace period is over, as AWS
 * refuses it (RefreshTokenReuseException).
 */
import { GetTokensFromRefreshTokenCommand } from "@aws-sdk/client-cognito-identity-provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RECENT_REFRESH_MS } from "../../app/auth/refresh-single-flight.server.ts";
import { adminClient, type RunningApp, startApp } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar, expectRedirect, jwtClaims } from "../support/http.ts";
import {
  createPasswordlessTestUser,
  createUserAuthClient,
  PASSWORDLESS_TEST_PASSWORD,
} from "../support/passwordless.ts";
import { waitUntil } from "../support/wait.ts";

/** A client that rotates refresh tokens with this grace period, with 30-second access and ID tokens. */
function rotatingClient(graceSeconds: number): Promise<string> {
  return createUserAuthClient("http://127.0.0.1", {
    ExplicitAuthFlows: ["ALLOW_USER_AUTH", "ALLOW_USER_PASSWORD_AUTH"],
    RefreshTokenRotation: { Feature: "ENABLED", RetryGracePeriodSeconds: graceSeconds },
    AccessTokenValidity: 30,
    IdTokenValidity: 30,
    RefreshTokenValidity: 1,
    TokenValidityUnits: { AccessToken: "seconds", IdToken: "seconds", RefreshToken: "days" },
  });
}

const ROTATING_ENV = { COGNITO_USER_AUTH: "1", COGNITO_REFRESH_ROTATION: "1" };

async function signIn(app: RunningApp): Promise<CookieJar> {
  const username = await createPasswordlessTestUser("rotation");
  const jar = new CookieJar();
  expectRedirect(await jar.post(`${app.url}/login`, { username, password: PASSWORDLESS_TEST_PASSWORD }), "/dashboard");
  expect(jar.session()?.refresh).toBeTruthy();
  return jar;
}

function getTokens(clientId: string, refreshToken: string) {
  return adminClient().send(new GetTokensFromRefreshTokenCommand({ ClientId: clientId, RefreshToken: refreshToken }));
}

describe("a client that rotates with no grace period (RetryGracePeriodSeconds: 0)", () => {
  let clientId: string;
  beforeAll(async () => {
    clientId = await rotatingClient(0);
  });
  const app = suiteApp(async () => ({ env: { ...ROTATING_ENV, COGNITO_CLIENT_ID: clientId } }));

  it("stores the new refresh token in the refreshed cookie, and the rotated-out one is refused as AWS does", async () => {
    const jar = await signIn(app);
    const before = jar.session()!;
    const old = jar.clone();
    const res = await jar.fetch(`${app.url}/dashboard`);
    expect(res.status).toBe(200);
    const after = jar.session()!;
    expect(after.refresh).toBeTruthy();
    expect(after.refresh).not.toBe(before.refresh);
    expect(after.access).not.toBe(before.access);
    // The same sign-in: same session, same time of sign-in, same auth_time.
    expect(after.sid).toBe(before.sid);
    expect(after.at).toBe(before.at);
    expect(jwtClaims(after.access).auth_time).toBe(jwtClaims(before.access).auth_time);

    // Cognito refuses the old refresh token (no grace period)…
    await expect(getTokens(clientId, before.refresh!)).rejects.toMatchObject({ name: "RefreshTokenReuseException" });
    // …so, once the app no longer hands late requests the result of that refresh, the old cookie is signed out.
    const refreshedAt = Date.now();
    await waitUntil(() => Date.now() > refreshedAt + RECENT_REFRESH_MS + 500);
    expectRedirect(await old.fetch(`${app.url}/dashboard`), "/login?redirectTo=%2Fdashboard");
    expect(old.session()).toBeNull();
    // The current cookie keeps working, refresh after refresh.
    for (let i = 0; i < 3; i++) {
      const previous = jar.session()!.refresh;
      expect((await jar.fetch(`${app.url}/dashboard`)).status).toBe(200);
      expect(jar.session()!.refresh).not.toBe(previous);
    }
  });

  it("two requests refreshing the same session at once both succeed with the same new tokens (single-flight); the user stays signed in", async () => {
    const jar = await signIn(app);
    const before = jar.session()!;
    const a = jar.clone();
    const b = jar.clone();
    const [resA, resB] = await Promise.all([a.fetch(`${app.url}/dashboard`), b.fetch(`${app.url}/dashboard`)]);
    expect(resA.status).toBe(200);
    expect(resB.status).toBe(200);
    // One Cognito refresh served both: a second one would have spent the token again and been refused.
    expect(a.session()!.refresh).not.toBe(before.refresh);
    expect(b.session()!.refresh).toBe(a.session()!.refresh);
    expect(b.session()!.access).toBe(a.session()!.access);
    for (const jarAfter of [a, b]) {
      expect((await jarAfter.fetch(`${app.url}/dashboard`)).status).toBe(200);
    }
  });
});

describe("two instances, a client with a 3-second grace period", () => {
  const GRACE_SECONDS = 3;
  let first: RunningApp;
  let second: RunningApp;
  let clientId: string;
  beforeAll(async () => {
    clientId = await rotatingClient(GRACE_SECONDS);
    const env = { ...ROTATING_ENV, COGNITO_CLIENT_ID: clientId };
    [first, second] = await Promise.all([startApp({ env }), startApp({ env })]);
  });
  afterAll(async () => {
    await first?.stop();
    await second?.stop();
  });

  it("both instances refresh the same cookie at once (the grace period), and the rotated-out token is refused after it", async () => {
    const jar = await signIn(first);
    const before = jar.session()!;
    const a = jar.clone();
    const b = jar.clone();
    const [resA, resB] = await Promise.all([a.fetch(`${first.url}/dashboard`), b.fetch(`${second.url}/dashboard`)]);
    const refreshedAt = Date.now();
    expect(resA.status).toBe(200);
    expect(resB.status).toBe(200);
    expect(a.session()!.refresh).not.toBe(before.refresh);
    expect(b.session()!.refresh).not.toBe(before.refresh);
    // Each instance keeps its user signed in with its own new token.
    expect((await a.fetch(`${second.url}/dashboard`)).status).toBe(200);
    expect((await b.fetch(`${first.url}/dashboard`)).status).toBe(200);

    // After the grace period Cognito refuses the rotated-out token, as AWS does.
    await waitUntil(() => Date.now() > refreshedAt + GRACE_SECONDS * 1000 + 500);
    await expect(getTokens(clientId, before.refresh!)).rejects.toMatchObject({ name: "RefreshTokenReuseException" });
  });
});
