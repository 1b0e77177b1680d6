import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningApp, startApp } from "../support/app.ts";
import { CookieJar } from "../support/http.ts";

describe("brute-force limiter on sign-in and code entry (10 attempts per minute)", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ env: { TRUST_PROXY: "1", RATE_LIMIT_PER_MINUTE: undefined } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  const attempt = (username: string, ip: string, password = "Wrong-Passw0rd!") =>
    new CookieJar().post(`${app.url}/login`, { username, password }, { headers: { "X-Forwarded-For": ip } });

  it("per username: the 11th attempt in a minute gets 429 with Retry-After, even with the right password", async () => {
    for (let i = 0; i < 10; i++) expect((await attempt("limited@example.com", `10.0.0.${i}`)).status).toBe(401);
    const res = await attempt("limited@example.com", "10.0.0.99", "DemoPassw0rd!");
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(await res.text()).toContain("Too many attempts");
    // Other accounts are unaffected.
    expect((await attempt("demo@example.com", "10.0.1.1", "DemoPassw0rd!")).status).toBe(302);
  });

  it("per IP (behind a trusted proxy, from X-Forwarded-For): many usernames from one address are stopped too", async () => {
    for (let i = 0; i < 10; i++) expect((await attempt(`spray${i}@example.com`, "192.0.2.7")).status).toBe(401);
    expect((await attempt("spray-next@example.com", "192.0.2.7")).status).toBe(429);
    expect((await attempt("spray-next2@example.com", "192.0.2.8")).status).toBe(401);
  });

  it("covers code entry as well (/confirm)", async () => {
    let last = 0;
    for (let i = 0; i < 11; i++) {
      last = (
        await new CookieJar().post(
          `${app.url}/confirm`,
          { intent: "confirm", username: "codes@example.com", code: "000000" },
          { headers: { "X-Forwarded-For": `198.51.100.${i}` } },
        )
      ).status;
    }
    expect(last).toBe(429);
  });
});

describe("per-IP limit without a proxy (the TCP peer address)", () => {
  let app: RunningApp;
  beforeAll(async () => {
    app = await startApp({ env: { RATE_LIMIT_PER_MINUTE: undefined } });
  });
  afterAll(async () => {
    await app?.stop();
  });

  it("counts attempts from this client's address, ignoring a forged X-Forwarded-For", async () => {
    for (let i = 0; i < 10; i++) {
      const res = await new CookieJar().post(
        `${app.url}/login`,
        { username: `peer${i}@example.com`, password: "Wrong-Passw0rd!" },
        { headers: { "X-Forwarded-For": `203.0.113.${i}` } },
      );
      expect(res.status).toBe(401);
    }
    const res = await new CookieJar().post(`${app.url}/login`, { username: "peer-next@example.com", password: "x" });
    expect(res.status).toBe(429);
  });
});
