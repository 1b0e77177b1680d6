/**
 * One account, one name for the rate limits (app/http/rate-limit.server.ts `accountName`): once a
 * session is made, every name the account signs in by — its e-mail in any case, its Cognito
 * username (in a pool with usernames, "alice", not the `sub`) — reads as its `sub`, in this
 * process's session registry. Names never seen signing in stay as typed, without case.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { AuthSession } from "~/cognito/auth-session.server";

beforeAll(() => {
  vi.stubEnv("ENV_FILES", "none");
  vi.stubEnv("NODE_ENV", "test");
  vi.stubEnv("COGNITO_REGION", "us-east-1");
  vi.stubEnv("COGNITO_USER_POOL_ID", "us-east-1_Names123");
  vi.stubEnv("COGNITO_CLIENT_ID", "namesclient");
  vi.stubEnv("REDIS_URL", "");
});
afterAll(async () => {
  const { closeSessionRegistry } = await import("~/sessions/configured-registry.server");
  await closeSessionRegistry();
  vi.unstubAllEnvs();
});

function session(user: Partial<AuthSession["user"]>): AuthSession {
  return {
    flow: "custom",
    tokens: { idToken: "id.token.value", accessToken: "access.token.value", refreshToken: "refresh" },
    user: { sub: "", username: "", emailVerified: true, groups: [], ...user },
    accessTokenExpiresAt: Math.floor(Date.now() / 1000) + 3600,
    idTokenExpiresAt: Math.floor(Date.now() / 1000) + 3600,
    signedInAt: Math.floor(Date.now() / 1000),
  };
}

describe("accountName", () => {
  it("reads every name a signed-in account has as its sub; a sub is its own name", async () => {
    const { commitAuthSession } = await import("~/auth/session-tracking.server");
    const { accountName } = await import("~/http/rate-limit.server");
    const sub = "7f0c2a1e-0000-4000-8000-000000000001";
    expect(await accountName("Alice")).toBe("alice");

    commitAuthSession(
      session({ sub, username: "alice", email: "Alice.Smith@Example.com" }),
      new Request("http://app.test/login"),
    );
    for (const typed of ["alice", "ALICE", " Alice ", "alice.smith@example.com", "ALICE.SMITH@EXAMPLE.COM", sub]) {
      expect(await accountName(typed), typed).toBe(sub);
    }
    expect(await accountName("bob@example.com")).toBe("bob@example.com");
  });
});
