/**
 * The rate limits through the real app and emulator (docs/decisions/007-rate-limits.md, 017), with
 * the defaults: failures count, per account and address, per address, and per account across
 * addresses; successes never count. Behind a "trusted proxy" (TRUST_PROXY=1), so each request can
 * come from its own address. Its users are its own (createUser), so brute-forcing them disturbs no
 * other test.
 */
import { AdminGetUserCommand } from "@aws-sdk/client-cognito-identity-provider";
import { describe, expect, inject, it } from "vitest";
import { adminClient, type RunningApp } from "../support/app.ts";
import { suiteApp } from "../support/fixtures.ts";
import { CookieJar, expectRedirect } from "../support/http.ts";
import { createUser } from "../support/users.ts";

/** The harness lifts every limit for other tests; these run with the real defaults. */
const DEFAULT_LIMITS = {
  RATE_LIMIT_CONSECUTIVE_FAILURES: undefined,
  RATE_LIMIT_IP_FAILURES_PER_DAY: undefined,
  RATE_LIMIT_SIGNUPS_PER_HOUR: undefined,
  RATE_LIMIT_CODE_SENDS_PER_HOUR: undefined,
  RATE_LIMIT_MAX_IN_FLIGHT_PER_IP: undefined,
  RATE_LIMIT_ACCOUNT_FAILURES_PER_DAY: undefined,
};
const WRONG = "Wrong-Passw0rd!";

/** A form sign-in to `app` from `ip` (the app trusts X-Forwarded-For). */
function signInFrom(app: RunningApp, username: string, password: string, ip: string): Promise<Response> {
  return new CookieJar().post(`${app.url}/login`, { username, password }, { headers: { "X-Forwarded-For": ip } });
}
const DEMO = { username: "demo@example.com", password: "DemoPassw0rd!" };

describe("rate limits behind a trusted proxy (X-Forwarded-For), with the defaults", () => {
  const app = suiteApp({ env: { TRUST_PROXY: "1", ...DEFAULT_LIMITS } });

  const signIn = (username: string, password: string, ip: string) => signInFrom(app, username, password, ip);

  it("10 wrong passwords block that account from that address: 429 with Retry-After, even for the right password", async () => {
    const victim = await createUser("victim");
    for (let i = 0; i < 10; i++) expect((await signIn(victim.username, WRONG, "198.51.100.1")).status).toBe(401);
    const res = await signIn(victim.username, victim.password, "198.51.100.1");
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe("60");
    expect(await res.text()).toContain("Too many attempts");
  });

  it("the right password from the same address still signs in right after another account was brute-forced", async () => {
    const victim = await createUser("victim");
    for (let i = 0; i < 10; i++) await signIn(victim.username, WRONG, "198.51.100.2");
    expect((await signIn(victim.username, WRONG, "198.51.100.2")).status).toBe(429);
    expectRedirect(await signIn(DEMO.username, DEMO.password, "198.51.100.2"), "/dashboard");
  });

  it("an account attacked from one address still opens from another", async () => {
    const victim = await createUser("victim");
    for (let i = 0; i < 10; i++) await signIn(victim.username, WRONG, "198.51.100.3");
    expect((await signIn(victim.username, victim.password, "198.51.100.3")).status).toBe(429);
    expectRedirect(await signIn(victim.username, victim.password, "203.0.113.3"), "/dashboard");
  });

  it("successes never count: an office behind one address signs in again and again", async () => {
    for (let i = 0; i < 25; i++)
      expectRedirect(await signIn(DEMO.username, DEMO.password, "192.0.2.100"), "/dashboard");
    // And a success clears the account's failures from that address: 9 wrong, right, 9 wrong, right.
    const user = await createUser("typo");
    for (let round = 0; round < 2; round++) {
      for (let i = 0; i < 9; i++) expect((await signIn(user.username, WRONG, "192.0.2.101")).status).toBe(401);
      expectRedirect(await signIn(user.username, user.password, "192.0.2.101"), "/dashboard");
    }
  });

  it("100 failures from one address (many usernames) block the address for a day", async () => {
    for (let i = 0; i < 100; i++) {
      expect((await signIn(`spray${i}@example.com`, WRONG, "192.0.2.7")).status).toBe(401);
    }
    const res = await signIn(DEMO.username, DEMO.password, "192.0.2.7");
    expect(res.status).toBe(429);
    expect(res.headers.get("Retry-After")).toBe(String(24 * 60 * 60));
    expectRedirect(await signIn(DEMO.username, DEMO.password, "192.0.2.8"), "/dashboard");
  });

  it("covers code entry too (/confirm), per account and address", async () => {
    const confirm = (ip: string) =>
      new CookieJar().post(
        `${app.url}/confirm`,
        { intent: "confirm", username: "codes@example.com", code: "000000" },
        { headers: { "X-Forwarded-For": ip } },
      );
    for (let i = 0; i < 10; i++) expect((await confirm("198.51.100.20")).status).toBe(400);
    expect((await confirm("198.51.100.20")).status).toBe(429);
    expect((await confirm("198.51.100.21")).status).toBe(400);
  });

  it("sign-ups: 10 per address per hour, counted whatever Cognito answers", async () => {
    const signUp = (ip: string) =>
      new CookieJar().post(
        `${app.url}/signup`,
        // An existing address: Cognito is asked (and refuses), no account is made.
        { email: DEMO.username, password: "N3w-Passw0rd!", confirm: "N3w-Passw0rd!" },
        { headers: { "X-Forwarded-For": ip } },
      );
    for (let i = 0; i < 10; i++) expect((await signUp("198.51.100.30")).status).toBe(400);
    const res = await signUp("198.51.100.30");
    expect(res.status).toBe(429);
    expect(Number(res.headers.get("Retry-After"))).toBeGreaterThan(3500);
    expect((await signUp("198.51.100.31")).status).toBe(400);
  });

  it("code e-mails (forgotten password, resend): 20 per address per hour", async () => {
    const forgot = (ip: string) =>
      new CookieJar().post(
        `${app.url}/forgot-password`,
        { username: `nobody-${ip}@example.com` },
        { headers: { "X-Forwarded-For": ip } },
      );
    for (let i = 0; i < 20; i++) expectRedirect(await forgot("198.51.100.40"), /^\/reset-password\?/);
    expect((await forgot("198.51.100.40")).status).toBe(429);
    const resend = await new CookieJar().post(
      `${app.url}/confirm`,
      { intent: "resend", username: "codes@example.com" },
      { headers: { "X-Forwarded-For": "198.51.100.40" } },
    );
    expect(resend.status).toBe(429);
    expectRedirect(await forgot("198.51.100.41"), /^\/reset-password\?/);
  });
});

describe("a full store never drops a block, and still counts new addresses (RATE_LIMIT_MAX_KEYS=60)", () => {
  const app = suiteApp({ env: { TRUST_PROXY: "1", ...DEFAULT_LIMITS, RATE_LIMIT_MAX_KEYS: "60" } });

  it("junk usernames from many addresses fill the store; the victim's block stays, and a right password from a new address signs in", async () => {
    const victim = await createUser("victim");
    const signIn = (username: string, password: string, ip: string) => signInFrom(app, username, password, ip);
    for (let i = 0; i < 10; i++) await signIn(victim.username, WRONG, "198.51.100.50");
    // 150 new addresses, three counters each: far past the bound of 60, and past a day's failures
    // for one address (100), which once was all that never-seen addresses could share.
    for (let i = 0; i < 150; i++) {
      expect((await signIn(`junk${i}@example.com`, WRONG, `10.9.${i >> 8}.${i & 255}`)).status).toBe(401);
    }
    expect((await signIn(victim.username, victim.password, "198.51.100.50")).status).toBe(429);
    expectRedirect(await signIn(DEMO.username, DEMO.password, "203.0.113.250"), "/dashboard");
  });
});

describe("one account from many addresses (RATE_LIMIT_ACCOUNT_FAILURES_PER_DAY=5)", () => {
  const app = suiteApp({
    env: {
      TRUST_PROXY: "1",
      ...DEFAULT_LIMITS,
      RATE_LIMIT_ACCOUNT_FAILURES_PER_DAY: "5",
      RATE_LIMIT_ACCOUNT_SPACING_SECONDS: "60",
    },
  });

  const signIn = (username: string, password: string, ip: string) => signInFrom(app, username, password, ip);

  it("past 5 failures from anywhere, new addresses share one try a minute; the owner's address is not slowed", async () => {
    const owner = await createUser("spread");
    expectRedirect(await signIn(owner.username, owner.password, "192.0.2.210"), "/dashboard");
    for (let i = 1; i <= 5; i++) expect((await signIn(owner.username, WRONG, `203.0.113.${i}`)).status).toBe(401);
    // The next new address gets the one try; the one after it waits, even with the right password.
    expect((await signIn(owner.username, WRONG, "203.0.113.6")).status).toBe(401);
    const slowed = await signIn(owner.username, owner.password, "203.0.113.7");
    expect(slowed.status).toBe(429);
    expect(slowed.headers.get("Retry-After")).toBe("60");
    expect(await slowed.text()).toContain("sign in from a device you have used before");
    // From home, the owner signs in at once.
    expectRedirect(await signIn(owner.username, owner.password, "192.0.2.210"), "/dashboard");
  });

  it("counts one account whatever name is typed: the email in any case, or the Cognito username", async () => {
    const owner = await createUser("alias");
    // A sign-in here is how the app learns the account's names.
    expectRedirect(await signIn(owner.username, owner.password, "192.0.2.211"), "/dashboard");
    const { Username: cognitoUsername } = await adminClient().send(
      new AdminGetUserCommand({ UserPoolId: inject("userPoolId"), Username: owner.username }),
    );
    expect(cognitoUsername).toBeTruthy();
    const names = [owner.username.toUpperCase(), owner.username, cognitoUsername!, cognitoUsername!, owner.username];
    for (const [i, name] of names.entries()) {
      expect((await signIn(name, WRONG, `198.51.100.${70 + i}`)).status, name).toBe(401);
    }
    expect((await signIn(cognitoUsername!, WRONG, "198.51.100.80")).status).toBe(401);
    expect((await signIn(owner.username.toUpperCase(), owner.password, "198.51.100.81")).status).toBe(429);
  });
});

describe("without a trusted proxy: the TCP peer address", () => {
  const app = suiteApp({ env: DEFAULT_LIMITS });

  it("counts this client's address, ignoring a forged X-Forwarded-For", async () => {
    const victim = await createUser("victim");
    for (let i = 0; i < 10; i++) {
      const res = await new CookieJar().post(
        `${app.url}/login`,
        { username: victim.username, password: WRONG },
        { headers: { "X-Forwarded-For": `203.0.113.${i}` } },
      );
      expect(res.status).toBe(401);
    }
    const res = await new CookieJar().post(
      `${app.url}/login`,
      { username: victim.username, password: victim.password },
      { headers: { "X-Forwarded-For": "203.0.113.200" } },
    );
    expect(res.status).toBe(429);
  });
});
