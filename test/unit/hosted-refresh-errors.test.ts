/**
 * How a Hosted UI session's refresh (the token endpoint's refresh_token grant)
 * reads the token endpoint's answers. The session code treats
 * ServiceUnavailableError and TooManyRequestsError as an outage (503, cookie
 * kept: test/integration/outage.test.ts) and anything else as a refused
 * refresh (signed out), so a throttled or failing token endpoint must never
 * come out as a refusal. A loopback HTTP server plays the token endpoint.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HostedSignInError, ServiceUnavailableError, TooManyRequestsError } from "~/cognito/errors.server";
import { CognitoHostedStrategy } from "~/cognito/strategies/hosted-strategy.server";

/** What the token endpoint answers next: status and JSON body. */
let next: { status: number; body: unknown } = { status: 200, body: {} };
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(next.status, { "Content-Type": "application/json" }).end(JSON.stringify(next.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function strategy(tokenUrl = `${base}/oauth2/token`) {
  return new CognitoHostedStrategy(
    {
      clientId: "client",
      clientSecret: null,
      authorizeUrl: `${base}/oauth2/authorize`,
      tokenUrl,
      redirectUri: "http://localhost:3000/auth/callback",
      stateCookieName: "oauth2",
      secureCookie: false,
    },
    async () => ({}),
  );
}

describe("Hosted UI refresh: the token endpoint's answers", () => {
  it("new tokens on 200", async () => {
    next = { status: 200, body: { access_token: "a", id_token: "i", token_type: "Bearer", expires_in: 3600 } };
    await expect(strategy().refresh("r")).resolves.toEqual({ accessToken: "a", idToken: "i", refreshToken: undefined });
  });

  it.each([
    ["429 with an OAuth error body", 429, { error: "too_many_requests" }],
    ["429 with no OAuth body", 429, { message: "Rate exceeded" }],
  ])("throttled (%s) is TooManyRequestsError, an outage", async (_, status, body) => {
    next = { status, body };
    await expect(strategy().refresh("r")).rejects.toBeInstanceOf(TooManyRequestsError);
  });

  it.each([500, 502, 503])("HTTP %i is ServiceUnavailableError, an outage", async (status) => {
    next = { status, body: { message: "Internal error" } };
    await expect(strategy().refresh("r")).rejects.toBeInstanceOf(ServiceUnavailableError);
  });

  it("an unreachable token endpoint is ServiceUnavailableError", async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(strategy(`http://127.0.0.1:${port}/oauth2/token`).refresh("r")).rejects.toBeInstanceOf(
      ServiceUnavailableError,
    );
  });

  it("a refused refresh token (400 invalid_grant) is a refusal, not an outage", async () => {
    next = { status: 400, body: { error: "invalid_grant" } };
    const error = await strategy()
      .refresh("r")
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HostedSignInError);
    expect(error).not.toBeInstanceOf(TooManyRequestsError);
    expect(error).not.toBeInstanceOf(ServiceUnavailableError);
  });
});
