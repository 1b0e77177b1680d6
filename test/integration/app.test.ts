import { describe, expect, it } from "vitest";
import { startApp } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";

describe("the app (production build over HTTP)", () => {
  const app = suiteApp();

  it("renders the home page", async () => {
    const res = await fetch(`${app.url}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    const html = await res.text();
    expect(html).toContain("<title>remix-cognito</title>");
    expect(html).toContain("Sign in");
  });

  it("logs which sign-in flow it chose and why, at start-up", () => {
    expect(app.output()).toContain("[auth] sign-in flow: custom (AUTH_FLOW=auto and COGNITO_DOMAIN not set)");
  });
});

describe("start-up configuration errors", () => {
  it("stops with a message naming the bad variable", async () => {
    const app = await startApp({ env: { COGNITO_REGION: "not-a-region", COGNITO_CLIENT_ID: "x1" }, expectExit: true });
    expect(await app.exited).not.toBe(0);
    expect(app.output()).toContain("COGNITO_REGION: expected an AWS region such as us-east-1");
  });

  it("refuses the default session secret in production", async () => {
    const app = await startApp({ env: { SESSION_SECRET: undefined, COGNITO_CLIENT_ID: "x1" }, expectExit: true });
    expect(await app.exited).not.toBe(0);
    expect(app.output()).toMatch(/SESSION_SECRET: required in production/);
  });

  it("refuses, in production, an emulator endpoint and http:// URLs without ALLOW_EMULATOR_IN_PRODUCTION=1", async () => {
    const app = await startApp({
      env: { ALLOW_EMULATOR_IN_PRODUCTION: undefined, BENCH_ROUTES: "1", COGNITO_CLIENT_ID: "x1" },
      expectExit: true,
    });
    expect(await app.exited).not.toBe(0);
    const output = app.output();
    expect(output).toMatch(/COGNITO_ENDPOINT: set in production: .*ALLOW_EMULATOR_IN_PRODUCTION=1/);
    expect(output).toMatch(/APP_URL: must be an https:\/\/ URL in production/);
    expect(output).toMatch(/BENCH_ROUTES: must be off in production/);
    expect(output).not.toContain("[server] http://");
  });
});
