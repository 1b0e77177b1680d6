import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { collectEnv, DEV_SESSION_SECRET, ENV_VARIABLE_NAMES, EnvError, parseEnv } from "~/env.server";

const valid = {
  COGNITO_REGION: "us-east-1",
  COGNITO_USER_POOL_ID: "us-east-1_AbCdEf123",
  COGNITO_CLIENT_ID: "abc123def456",
};

function problemsOf(source: Record<string, string | undefined>) {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return (error as EnvError).problems;
  }
  throw new Error("expected parseEnv to throw");
}

describe("parseEnv", () => {
  it("accepts an emulator pool ID when COGNITO_ENDPOINT is set", () => {
    const env = parseEnv({ ...valid, COGNITO_USER_POOL_ID: "local_AbC123", COGNITO_ENDPOINT: "http://localhost:9229" });
    expect(env.cognito.userPoolId).toBe("local_AbC123");
  });

  it("accepts a minimal local configuration and fills defaults", () => {
    const env = parseEnv(valid);
    expect(env.port).toBe(3000);
    expect(env.appUrl).toBe("http://localhost:3000");
    expect(env.authFlow).toBe("auto");
    expect(env.sessionSecrets).toEqual([DEV_SESSION_SECRET]);
    expect(env.cognito.endpoint).toBeUndefined();
  });

  it("treats empty strings as unset and trims trailing slashes from URLs", () => {
    const env = parseEnv({ ...valid, COGNITO_DOMAIN: "", COGNITO_ENDPOINT: "http://localhost:9229/", PORT: "" });
    expect(env.cognito.domain).toBeUndefined();
    expect(env.cognito.endpoint).toBe("http://localhost:9229");
    expect(env.port).toBe(3000);
  });

  it("fills the rate-limit defaults and reads overrides", () => {
    expect(parseEnv(valid).rateLimits).toEqual({
      consecutiveFailures: 10,
      ipFailuresPerDay: 100,
      signUpsPerHour: 10,
      codeSendsPerHour: 20,
      maxInFlightPerIp: 10,
      accountFailuresPerDay: 20,
      accountSpacingSeconds: 300,
      maxKeys: 50_000,
    });
    const env = parseEnv({
      ...valid,
      RATE_LIMIT_CONSECUTIVE_FAILURES: "5",
      RATE_LIMIT_MAX_KEYS: "",
      RATE_LIMIT_ACCOUNT_FAILURES_PER_DAY: "7",
      RATE_LIMIT_ACCOUNT_SPACING_SECONDS: "60",
    });
    expect(env.rateLimits.consecutiveFailures).toBe(5);
    expect(env.rateLimits.maxKeys).toBe(50_000);
    expect(env.rateLimits.accountFailuresPerDay).toBe(7);
    expect(env.rateLimits.accountSpacingSeconds).toBe(60);
  });

  it("reads COGNITO_PASSWORD_AUTH: password unless srp is asked for; anything else is refused at start-up", () => {
    expect(parseEnv(valid).passwordAuth).toBe("password");
    expect(parseEnv({ ...valid, COGNITO_PASSWORD_AUTH: "" }).passwordAuth).toBe("password");
    expect(parseEnv({ ...valid, COGNITO_PASSWORD_AUTH: "srp" }).passwordAuth).toBe("srp");
    expect(parseEnv({ ...valid, COGNITO_PASSWORD_AUTH: "password" }).passwordAuth).toBe("password");
    for (const bad of ["SRP", "1", "plain"]) {
      expect(problemsOf({ ...valid, COGNITO_PASSWORD_AUTH: bad })).toEqual([
        { variable: "COGNITO_PASSWORD_AUTH", message: "expected password or srp" },
      ]);
    }
  });

  it("splits SESSION_SECRET on commas for rotation", () => {
    const env = parseEnv({ ...valid, SESSION_SECRET: "new-secret, old-secret" });
    expect(env.sessionSecrets).toEqual(["new-secret", "old-secret"]);
  });

  const badValues: [string, Record<string, string | undefined>, RegExp][] = [
    ["COGNITO_REGION", { COGNITO_REGION: undefined }, /required/],
    ["COGNITO_REGION", { COGNITO_REGION: "mars" }, /AWS region/],
    ["COGNITO_USER_POOL_ID", { COGNITO_USER_POOL_ID: undefined }, /required/],
    ["COGNITO_USER_POOL_ID", { COGNITO_USER_POOL_ID: "not a pool" }, /user pool ID/],
    ["COGNITO_CLIENT_ID", { COGNITO_CLIENT_ID: undefined }, /required/],
    ["COGNITO_CLIENT_ID", { COGNITO_CLIENT_ID: "bad id!" }, /client ID/],
    ["COGNITO_DOMAIN", { COGNITO_DOMAIN: "auth.example.com" }, /URL/],
    ["COGNITO_ENDPOINT", { COGNITO_ENDPOINT: "ftp://x" }, /URL/],
    ["APP_URL", { APP_URL: "localhost:3000" }, /URL/],
    ["AUTH_FLOW", { AUTH_FLOW: "magic" }, /auto, hosted, custom/],
    ["PORT", { PORT: "99999" }, /./],
    ["PORT", { PORT: "abc" }, /port/],
    ["NODE_ENV", { NODE_ENV: "staging" }, /./],
    ["COGNITO_DOMAIN", { AUTH_FLOW: "hosted" }, /required when AUTH_FLOW=hosted/],
    ["COGNITO_USER_POOL_ID", { COGNITO_USER_POOL_ID: "local_AbC123" }, /needs COGNITO_ENDPOINT/],
    ["REDIS_URL", { REDIS_URL: "localhost:6379" }, /redis:\/\//],
    ["REDIS_URL", { REDIS_URL: "http://localhost:6379" }, /redis:\/\//],
    ["REDIS_URL", { REDIS_URL: "redis://" }, /redis:\/\//],
    ["REDIS_URL", { REDIS_URL: "redis://localhost:6379/not-a-db" }, /redis:\/\//],
    ["REDIS_KEY_PREFIX", { REDIS_KEY_PREFIX: "has space" }, /letters, digits/],
    ["RATE_LIMIT_CONSECUTIVE_FAILURES", { RATE_LIMIT_CONSECUTIVE_FAILURES: "0" }, /at least 1/],
    ["RATE_LIMIT_ACCOUNT_FAILURES_PER_DAY", { RATE_LIMIT_ACCOUNT_FAILURES_PER_DAY: "twenty" }, /whole number/],
    ["RATE_LIMIT_ACCOUNT_SPACING_SECONDS", { RATE_LIMIT_ACCOUNT_SPACING_SECONDS: "90000" }, /at most 86400/],
    ["RATE_LIMIT_IP_FAILURES_PER_DAY", { RATE_LIMIT_IP_FAILURES_PER_DAY: "ten" }, /whole number of failures/],
    ["RATE_LIMIT_SIGNUPS_PER_HOUR", { RATE_LIMIT_SIGNUPS_PER_HOUR: "2.5" }, /whole number of sign-ups/],
    ["RATE_LIMIT_CODE_SENDS_PER_HOUR", { RATE_LIMIT_CODE_SENDS_PER_HOUR: "-1" }, /at least 1/],
    ["RATE_LIMIT_MAX_IN_FLIGHT_PER_IP", { RATE_LIMIT_MAX_IN_FLIGHT_PER_IP: "x" }, /whole number of checks/],
    ["RATE_LIMIT_MAX_KEYS", { RATE_LIMIT_MAX_KEYS: "100000000" }, /at most 10000000/],
    // Replaced by the failure counts: refused rather than silently ignored.
    ["RATE_LIMIT_PER_MINUTE", { RATE_LIMIT_PER_MINUTE: "10" }, /no longer used.*RATE_LIMIT_CONSECUTIVE_FAILURES/],
  ];
  it.each(badValues)("rejects a bad %s, naming it", (variable, override, message) => {
    const problems = problemsOf({ ...valid, ...override });
    const problem = problems.find((p) => p.variable === variable);
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem!.message).toMatch(message);
  });

  it("reads REDIS_URL (Redis or Valkey, TLS or not) and REDIS_KEY_PREFIX; unset means the in-process store", () => {
    expect(parseEnv(valid).redis).toBeUndefined();
    expect(parseEnv({ ...valid, REDIS_URL: "" }).redis).toBeUndefined();
    expect(parseEnv({ ...valid, REDIS_URL: "redis://localhost:6379" }).redis).toEqual({
      url: "redis://localhost:6379",
      keyPrefix: "remix-cognito:",
    });
    const tls = parseEnv({
      ...valid,
      REDIS_URL: "rediss://app:p%40ss@cache.example.com:6380/2",
      REDIS_KEY_PREFIX: "prod:",
    });
    expect(tls.redis).toEqual({ url: "rediss://app:p%40ss@cache.example.com:6380/2", keyPrefix: "prod:" });
  });

  it("never repeats a bad REDIS_URL (it may hold a password) in the error", () => {
    const problems = problemsOf({ ...valid, REDIS_URL: "http://user:hunter2-secret@cache:6379" });
    expect(JSON.stringify(problems)).not.toContain("hunter2-secret");
  });

  it("reads COGNITO_IDENTITY_PROVIDERS as pool provider names, none by default, and needs a Hosted UI for them", () => {
    expect(parseEnv(valid).identityProviders).toEqual([]);
    const env = parseEnv({
      ...valid,
      COGNITO_DOMAIN: "https://x.auth.us-east-1.amazoncognito.com",
      COGNITO_IDENTITY_PROVIDERS: " Google, ExampleCorp ,",
    });
    expect(env.identityProviders).toEqual(["Google", "ExampleCorp"]);
    expect(problemsOf({ ...valid, COGNITO_IDENTITY_PROVIDERS: "Google" })).toEqual([
      { variable: "COGNITO_IDENTITY_PROVIDERS", message: expect.stringContaining("needs COGNITO_DOMAIN") },
    ]);
    const withDomain = { ...valid, COGNITO_DOMAIN: "https://x.auth.us-east-1.amazoncognito.com" };
    for (const bad of ["Google,Google", "My IdP", "_Google", "COGNITO", "x".repeat(33)]) {
      expect(problemsOf({ ...withDomain, COGNITO_IDENTITY_PROVIDERS: bad })[0]?.variable, bad).toBe(
        "COGNITO_IDENTITY_PROVIDERS",
      );
    }
  });

  it("names every bad variable at once in its message", () => {
    try {
      parseEnv({ COGNITO_REGION: "x" });
      throw new Error("expected a throw");
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toContain("COGNITO_REGION");
      expect(message).toContain("COGNITO_USER_POOL_ID");
      expect(message).toContain("COGNITO_CLIENT_ID");
    }
  });

  it("requires a real SESSION_SECRET in production", () => {
    expect(problemsOf({ ...valid, NODE_ENV: "production" })[0]!.variable).toBe("SESSION_SECRET");
    expect(problemsOf({ ...valid, NODE_ENV: "production", SESSION_SECRET: DEV_SESSION_SECRET })[0]!.variable).toBe(
      "SESSION_SECRET",
    );
    expect(problemsOf({ ...valid, NODE_ENV: "production", SESSION_SECRET: "short" })[0]!.message).toMatch(/32/);
    const ok = parseEnv({
      ...valid,
      NODE_ENV: "production",
      SESSION_SECRET: "x".repeat(32),
      APP_URL: "https://app.example.com",
    });
    expect(ok.isProduction).toBe(true);
  });
});

describe("parseEnv in production refuses what only development or the local emulator may use", () => {
  const production = {
    ...valid,
    NODE_ENV: "production",
    SESSION_SECRET: "x".repeat(32),
    APP_URL: "https://app.example.com",
  };
  const emulator = {
    COGNITO_USER_POOL_ID: "local_AbC123",
    COGNITO_ENDPOINT: "http://127.0.0.1:9229",
    ALLOW_EMULATOR_IN_PRODUCTION: "1",
  };

  it("accepts a real AWS configuration (https everywhere, no emulator, no bench routes)", () => {
    const env = parseEnv({
      ...production,
      COGNITO_DOMAIN: "https://example.auth.us-east-1.amazoncognito.com",
      COGNITO_LOGOUT_URL: "https://example.auth.us-east-1.amazoncognito.com/logout",
      BENCH_ROUTES: "0",
    });
    expect(env.appUrl).toBe("https://app.example.com");
    expect(env.benchRoutes).toBe(false);
  });

  const refused: [string, string, Record<string, string | undefined>, RegExp][] = [
    ["no APP_URL", "APP_URL", { APP_URL: undefined }, /required in production/],
    ["an http:// APP_URL", "APP_URL", { APP_URL: "http://app.example.com" }, /https/],
    ["an http:// APP_URL on loopback without the opt-in", "APP_URL", { APP_URL: "http://127.0.0.1:3000" }, /https/],
    [
      "an http:// COGNITO_DOMAIN",
      "COGNITO_DOMAIN",
      { COGNITO_DOMAIN: "http://example.auth.us-east-1.amazoncognito.com" },
      /https/,
    ],
    [
      "an http:// COGNITO_LOGOUT_URL",
      "COGNITO_LOGOUT_URL",
      { COGNITO_LOGOUT_URL: "http://auth.example.com/logout" },
      /https/,
    ],
    ["BENCH_ROUTES=1", "BENCH_ROUTES", { BENCH_ROUTES: "1" }, /off in production/],
    [
      "COGNITO_ENDPOINT without the opt-in",
      "COGNITO_ENDPOINT",
      { COGNITO_USER_POOL_ID: "local_AbC123", COGNITO_ENDPOINT: "http://127.0.0.1:9229" },
      /ALLOW_EMULATOR_IN_PRODUCTION=1/,
    ],
    [
      "COGNITO_ENDPOINT with the opt-in set to 0",
      "COGNITO_ENDPOINT",
      { ...emulator, ALLOW_EMULATOR_IN_PRODUCTION: "0" },
      /ALLOW_EMULATOR_IN_PRODUCTION=1/,
    ],
    [
      "BENCH_ROUTES=1 with the opt-in but no emulator",
      "BENCH_ROUTES",
      { BENCH_ROUTES: "1", ALLOW_EMULATOR_IN_PRODUCTION: "1" },
      /off in production/,
    ],
    [
      "an http:// APP_URL on a public host even with the emulator opt-in",
      "APP_URL",
      { ...emulator, APP_URL: "http://app.example.com" },
      /https/,
    ],
    [
      "an http:// API_CORS_ORIGINS origin",
      "API_CORS_ORIGINS",
      { API_CORS_ORIGINS: "https://spa.example.com, http://spa.example.com" },
      /http:\/\/spa\.example\.com must be an https/,
    ],
    [
      "an http:// COGNITO_DOMAIN on a public host even with the emulator opt-in",
      "COGNITO_DOMAIN",
      { ...emulator, COGNITO_DOMAIN: "http://127.0.0.1.nip.io:9229" },
      /https/,
    ],
  ];
  it.each(refused)("refuses %s, naming %s", (_, variable, override, message) => {
    const problems = problemsOf({ ...production, ...override });
    const problem = problems.find((p) => p.variable === variable);
    expect(problem, JSON.stringify(problems)).toBeDefined();
    expect(problem!.message).toMatch(message);
  });

  it("with ALLOW_EMULATOR_IN_PRODUCTION=1 and COGNITO_ENDPOINT (tests, bench): loopback http:// and bench routes", () => {
    for (const host of ["127.0.0.1", "localhost", "[::1]"]) {
      const env = parseEnv({
        ...production,
        ...emulator,
        APP_URL: `http://${host}:3000`,
        COGNITO_DOMAIN: `http://${host}:9229`,
        BENCH_ROUTES: "1",
      });
      expect(env.appUrl).toBe(`http://${host}:3000`);
      expect(env.benchRoutes).toBe(true);
      expect(env.cognito.endpoint).toBe("http://127.0.0.1:9229");
    }
  });

  it("leaves development alone: no APP_URL, http:// URLs, bench routes and an emulator are fine there", () => {
    const env = parseEnv({ ...valid, ...emulator, ALLOW_EMULATOR_IN_PRODUCTION: undefined, BENCH_ROUTES: "1" });
    expect(env.isProduction).toBe(false);
    expect(env.benchRoutes).toBe(true);
  });
});

describe("the API's settings", () => {
  it("accepts the app's own client only, no browser origin, by default; reads the lists when set", () => {
    const defaults = parseEnv(valid);
    expect(defaults.api).toEqual({
      clientIds: ["abc123def456"],
      resourceServer: "remix-cognito",
      corsOrigins: [],
      userRequestsPerMinute: 120,
      clientRequestsPerMinute: 600,
    });
    const set = parseEnv({
      ...valid,
      API_CLIENT_IDS: " web123 , machine456,",
      API_RESOURCE_SERVER: "https://api.example.com",
      API_CORS_ORIGINS: "https://spa.example.com,http://localhost:5173",
      RATE_LIMIT_API_USER_PER_MINUTE: "30",
    });
    expect(set.api.clientIds).toEqual(["web123", "machine456"]);
    expect(set.api.resourceServer).toBe("https://api.example.com");
    expect(set.api.corsOrigins).toEqual(["https://spa.example.com", "http://localhost:5173"]);
    expect(set.api.userRequestsPerMinute).toBe(30);
  });

  it.each([
    ["API_CLIENT_IDS", "web123, not a client!", /not an app client ID/],
    ["API_CLIENT_IDS", ",", /at least one/],
    ["API_CORS_ORIGINS", "https://spa.example.com/", /not a web origin/],
    ["API_CORS_ORIGINS", "https://spa.example.com/app", /not a web origin/],
    ["API_CORS_ORIGINS", "*", /not a web origin/],
    ["API_CORS_ORIGINS", "ftp://files.example.com", /not a web origin/],
    ["API_RESOURCE_SERVER", "has space", /resource server identifier/],
    ["RATE_LIMIT_API_CLIENT_PER_MINUTE", "0", /at least 1/],
  ])("refuses %s=%j at start-up, naming it", (variable, value, message) => {
    const problem = problemsOf({ ...valid, [variable]: value }).find((p) => p.variable === variable);
    expect(problem?.message).toMatch(message);
  });
});

describe("collectEnv", () => {
  function withFiles(files: Record<string, string>) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "env-test-"));
    for (const [name, content] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), content);
    return dir;
  }

  it("prefers the process environment, then .env, then .env.local, ignoring empty values", () => {
    const dir = withFiles({
      ".env": "COGNITO_ENDPOINT=http://localhost:9229\nCOGNITO_USER_POOL_ID=\nCOGNITO_CLIENT_ID=fromdotenv\n",
      ".env.local": "COGNITO_USER_POOL_ID=local_seeded\nCOGNITO_CLIENT_ID=fromlocal\n",
    });
    const env = collectEnv({ PORT: "4000", COGNITO_CLIENT_ID: "" }, dir);
    expect(env.PORT).toBe("4000");
    expect(env.COGNITO_USER_POOL_ID).toBe("local_seeded");
    expect(env.COGNITO_CLIENT_ID).toBe("fromdotenv");
  });

  it("ignores .env.local when no emulator endpoint is configured (pointing at AWS)", () => {
    const dir = withFiles({
      ".env": "COGNITO_USER_POOL_ID=\n",
      ".env.local": "COGNITO_USER_POOL_ID=local_seeded\n",
    });
    expect(collectEnv({}, dir).COGNITO_USER_POOL_ID).toBeUndefined();
  });

  it("skips the files with ENV_FILES=none", () => {
    const dir = withFiles({ ".env": "COGNITO_REGION=eu-west-1\n" });
    expect(collectEnv({ ENV_FILES: "none" }, dir).COGNITO_REGION).toBeUndefined();
    expect(collectEnv({}, dir).COGNITO_REGION).toBe("eu-west-1");
  });
});

describe(".env.example", () => {
  it("documents every variable the app reads (NODE_ENV is set by the npm scripts; RATE_LIMIT_PER_MINUTE is retired)", () => {
    const example = fs.readFileSync(path.join(__dirname, "../../.env.example"), "utf8");
    const documented = new Set([...example.matchAll(/^#? ?([A-Z][A-Z0-9_]+)=/gm)].map((m) => m[1]));
    expect(ENV_VARIABLE_NAMES.length).toBeGreaterThan(20);
    const missing = ENV_VARIABLE_NAMES.filter(
      (name) => !documented.has(name) && name !== "NODE_ENV" && name !== "RATE_LIMIT_PER_MINUTE",
    );
    expect(missing).toEqual([]);
  });
});
