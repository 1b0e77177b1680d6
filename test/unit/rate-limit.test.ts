/**
 * The counting behind the rate limits (app/http/limiters.server.ts) on the
 * real rate-limiter-flexible memory store. Time is vitest's fake clock, so
 * blocks can expire without waiting.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  ChallengeRequiredError,
  CodeMismatchError,
  ExpiredCodeError,
  InvalidCredentialsError,
  PasswordPolicyError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UserNotConfirmedError,
} from "~/cognito/errors.server";
import { DEFAULT_MAX_KEYS, memoryStore } from "~/http/limiter-store.server";
import {
  ActionLimiter,
  type CredentialKey,
  CredentialLimiter,
  DEFAULT_CREDENTIAL_POLICY,
  ipKey,
  networkKey,
  type Outcome,
  RateLimitedError,
} from "~/http/limiters.server";
import { classifyCredentialOutcome, describeWait } from "~/http/rate-limit.server";

const WRONG = new Error("wrong password");
const classify = (error: unknown): Outcome => (error === WRONG ? "failure" : "neutral");

/** One credential check through the limiter: "ok", "wrong" (a failure), "refused" (rate limited, not run). */
async function tryOnce(
  limiter: CredentialLimiter,
  key: CredentialKey,
  result: "right" | "wrong" | "outage" = "wrong",
): Promise<"ok" | "wrong" | "refused" | "outage"> {
  let ran = false;
  try {
    await limiter.attempt(
      key,
      async () => {
        ran = true;
        if (result === "wrong") throw WRONG;
        if (result === "outage") throw new Error("Cognito unreachable");
        return "tokens";
      },
      classify,
    );
    return "ok";
  } catch (error) {
    if (error instanceof RateLimitedError) {
      if (ran) throw new Error("a refused attempt must never reach Cognito");
      return "refused";
    }
    return error === WRONG ? "wrong" : "outage";
  }
}

const login = (subject: string, ip: string | null): CredentialKey => ({ scope: "login", subject, ip });

describe("credential limiter: failures per account and address", () => {
  /** The pair's own counting, with the account-wide slow-down (tested below) out of the way. */
  const pairOnly = { ...DEFAULT_CREDENTIAL_POLICY, accountFailuresPerDay: 1_000 };

  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2030-01-01T00:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("successes never count, and write no counter", async () => {
    const store = memoryStore();
    const limiter = new CredentialLimiter(store);
    for (let i = 0; i < 500; i++) {
      expect(await tryOnce(limiter, login(`user${i % 5}@example.com`, "192.0.2.1"), "right")).toBe("ok");
    }
    expect(store.size()).toBe(0);
  });

  it("blocks an account from one address after 10 failures in a row, without asking Cognito", async () => {
    const limiter = new CredentialLimiter(memoryStore());
    const key = login("victim@example.com", "198.51.100.7");
    for (let i = 0; i < 10; i++) expect(await tryOnce(limiter, key)).toBe("wrong");
    expect(await tryOnce(limiter, key, "right")).toBe("refused");
    expect(await limiter.retryAfter(key)).toBe(60);
  });

  it("leaves the same account alone from another address, and other accounts at the attacker's address", async () => {
    const limiter = new CredentialLimiter(memoryStore());
    for (let i = 0; i < 10; i++) await tryOnce(limiter, login("victim@example.com", "198.51.100.7"));
    expect(await tryOnce(limiter, login("victim@example.com", "203.0.113.9"), "right")).toBe("ok");
    expect(await tryOnce(limiter, login("colleague@example.com", "198.51.100.7"), "right")).toBe("ok");
    // The username is compared case-insensitively: no way around the block by spelling.
    expect(await tryOnce(limiter, login(" VICTIM@example.com ", "198.51.100.7"), "right")).toBe("refused");
  });

  it("a success resets the account's count from that address", async () => {
    const limiter = new CredentialLimiter(memoryStore(), pairOnly);
    const key = login("typo@example.com", "192.0.2.44");
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 9; i++) expect(await tryOnce(limiter, key)).toBe("wrong");
      expect(await tryOnce(limiter, key, "right")).toBe("ok");
    }
  });

  it("outcomes that say nothing about the password (outages) are not counted", async () => {
    const limiter = new CredentialLimiter(memoryStore());
    const key = login("someone@example.com", "192.0.2.45");
    for (let i = 0; i < 30; i++) expect(await tryOnce(limiter, key, "outage")).toBe("outage");
    expect(await tryOnce(limiter, key, "right")).toBe("ok");
  });

  it("backs off: each further block of the same pair lasts twice as long (60 s, 120 s, 240 s)", async () => {
    const limiter = new CredentialLimiter(memoryStore(), pairOnly);
    const key = login("victim@example.com", "198.51.100.7");
    for (const expected of [60, 120, 240]) {
      for (let i = 0; i < 10; i++) expect(await tryOnce(limiter, key)).toBe("wrong");
      expect(await limiter.retryAfter(key)).toBe(expected);
      vi.advanceTimersByTime((expected - 1) * 1000);
      expect(await tryOnce(limiter, key, "right"), `still blocked just before ${expected} s`).toBe("refused");
      vi.advanceTimersByTime(1000);
    }
    // A success clears the history: the next block is the short one again.
    expect(await tryOnce(limiter, key, "right")).toBe("ok");
    for (let i = 0; i < 10; i++) await tryOnce(limiter, key);
    expect(await limiter.retryAfter(key)).toBe(60);
  });

  it("never blocks longer than maxBlockSeconds", async () => {
    const limiter = new CredentialLimiter(memoryStore(), { ...pairOnly, maxBlockSeconds: 100 });
    const key = login("victim@example.com", "198.51.100.7");
    for (const expected of [60, 100, 100]) {
      for (let i = 0; i < 10; i++) await tryOnce(limiter, key);
      expect(await limiter.retryAfter(key)).toBe(expected);
      vi.advanceTimersByTime(expected * 1000);
    }
  });
});

describe("credential limiter: failures per address", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2030-01-01T00:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("blocks an address for a day after 100 failures across accounts (password spraying)", async () => {
    const limiter = new CredentialLimiter(memoryStore());
    for (let i = 0; i < 100; i++)
      expect(await tryOnce(limiter, login(`spray${i}@example.com`, "192.0.2.7"))).toBe("wrong");
    expect(await tryOnce(limiter, login("fresh@example.com", "192.0.2.7"), "right")).toBe("refused");
    expect(await limiter.retryAfter(login("fresh@example.com", "192.0.2.7"))).toBe(24 * 60 * 60);
    expect(await tryOnce(limiter, login("fresh@example.com", "192.0.2.8"), "right")).toBe("ok");
    // Every form counts towards the same address: codes too.
    expect(await tryOnce(limiter, { scope: "mfa", subject: "x", ip: "192.0.2.7" }, "right")).toBe("refused");
    vi.advanceTimersByTime(24 * 60 * 60 * 1000);
    expect(await tryOnce(limiter, login("fresh@example.com", "192.0.2.7"), "right")).toBe("ok");
  });

  it("a blocked address adds no keys, however many usernames it tries", async () => {
    const store = memoryStore();
    const limiter = new CredentialLimiter(store);
    for (let i = 0; i < 100; i++) await tryOnce(limiter, login(`spray${i}@example.com`, "192.0.2.7"));
    const size = store.size();
    for (let i = 0; i < 1000; i++)
      expect(await tryOnce(limiter, login(`junk${i}@example.com`, "192.0.2.7"))).toBe("refused");
    expect(store.size()).toBe(size);
  });

  it("counts IPv6 clients per /48 for the day's failures (a site's 65 536 /64s are one address)", async () => {
    const limiter = new CredentialLimiter(memoryStore());
    for (let i = 0; i < 100; i++) {
      // A new /64 of the same /48 for every guess.
      await tryOnce(limiter, login(`spray${i}@example.com`, `2001:db8:1:${i.toString(16)}::1`));
    }
    expect(await tryOnce(limiter, login("fresh@example.com", "2001:db8:1:ffff::9"), "right")).toBe("refused");
    expect(await tryOnce(limiter, login("fresh@example.com", "2001:db8:2::1"), "right")).toBe("ok");
  });

  it("counts an account from an IPv6 client per /64: a neighbour in the same /48 is another pair", async () => {
    const limiter = new CredentialLimiter(memoryStore());
    for (let i = 0; i < 10; i++) {
      // Any address within one /64 is the same pair.
      await tryOnce(limiter, login("victim@example.com", `2001:db8:1:2:${i.toString(16)}::1`));
    }
    expect(await tryOnce(limiter, login("victim@example.com", "2001:db8:1:2:ffff::9"), "right")).toBe("refused");
    expect(await tryOnce(limiter, login("victim@example.com", "2001:db8:1:3::1"), "right")).toBe("ok");
  });

  it("counts IPv4-mapped IPv6 addresses as IPv4, however they are written", async () => {
    const limiter = new CredentialLimiter(memoryStore());
    const spellings = ["192.0.2.33", "::ffff:192.0.2.33", "::ffff:c000:221", "[::ffff:192.0.2.33]:443"];
    for (let i = 0; i < 100; i++) await tryOnce(limiter, login(`spray${i}@example.com`, spellings[i % 4]!));
    for (const spelling of spellings) {
      expect(await tryOnce(limiter, login("fresh@example.com", spelling), "right"), spelling).toBe("refused");
    }
  });
});

describe("credential limiter: memory stays bounded, and no live block is ever dropped", () => {
  it("50 000 junk usernames from 50 000 addresses leave a block in place and memory within the bound", async () => {
    const store = memoryStore();
    const limiter = new CredentialLimiter(store);
    const victim = login("victim@example.com", "198.51.100.7");
    for (let i = 0; i < 10; i++) await tryOnce(limiter, victim);
    expect(await tryOnce(limiter, victim, "right")).toBe("refused");

    for (let i = 0; i < 50_000; i++) {
      const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
      await tryOnce(limiter, login(`junk${i}@example.com`, ip));
    }
    expect(store.size()).toBeLessThanOrEqual(DEFAULT_MAX_KEYS);
    expect(await tryOnce(limiter, victim, "right"), "the victim's block survived the flood").toBe("refused");
    expect(await limiter.retryAfter(victim)).toBeGreaterThan(0);
  });

  it("50 000 junk usernames from the attacker's own address do not reset a block either", async () => {
    const store = memoryStore();
    const limiter = new CredentialLimiter(store);
    const victim = login("victim@example.com", "198.51.100.7");
    for (let i = 0; i < 10; i++) await tryOnce(limiter, victim);
    for (let i = 0; i < 50_000; i++) await tryOnce(limiter, login(`junk${i}@example.com`, "198.51.100.7"));
    expect(store.size()).toBeLessThan(250);
    // From another address the victim's account still opens; from the attacker's it does not.
    expect(await tryOnce(limiter, login("victim@example.com", "203.0.113.9"), "right")).toBe("ok");
    expect(await tryOnce(limiter, victim, "right")).toBe("refused");
  });

  it("at its key cap, a right password from a never-seen address still signs in after 100 failures from new addresses", async () => {
    const store = memoryStore({ maxKeys: 20 });
    const limiter = new CredentialLimiter(store);
    const known = login("regular@example.com", "192.0.2.1");
    for (let i = 0; i < 5; i++) await tryOnce(limiter, known);
    // More counters than fit: the store is at its cap.
    for (let i = 0; i < 20; i++) await tryOnce(limiter, login(`filler${i}@example.com`, `10.0.0.${i}`));
    // A flood of failures from addresses the store has never seen: once, there were more of them
    // than a day's worth for one address, and every new address was refused for a day.
    for (let i = 0; i < 100; i++)
      expect(await tryOnce(limiter, login(`new${i}@example.com`, `10.1.0.${i}`))).toBe("wrong");
    expect(await tryOnce(limiter, login("someone@example.com", "10.2.0.1"), "right")).toBe("ok");
    expect(store.size()).toBeLessThanOrEqual(20);
  });

  it("at its key cap, drops the least recently written counters under their limit, never a live block", async () => {
    const store = memoryStore({ maxKeys: 30 });
    const limiter = new CredentialLimiter(store, { ...DEFAULT_CREDENTIAL_POLICY, accountFailuresPerDay: 1_000 });
    const victim = login("victim@example.com", "198.51.100.7");
    for (let i = 0; i < 10; i++) await tryOnce(limiter, victim);
    expect(await tryOnce(limiter, victim, "right")).toBe("refused");
    // Thousands of new names from thousands of new addresses: far more counters than fit.
    for (let i = 0; i < 5_000; i++) {
      await tryOnce(limiter, login(`junk${i}@example.com`, `10.${(i >> 8) & 255}.${i & 255}.1`));
    }
    expect(store.size()).toBeLessThanOrEqual(30);
    expect(await tryOnce(limiter, victim, "right"), "the victim's block survived the flood").toBe("refused");
    // The victim's own address has failures under its daily limit: a partial count, which may go.
    expect(await tryOnce(limiter, login("colleague@example.com", "198.51.100.7"), "right")).toBe("ok");
  });

  it("a store full of live blocks takes no new counter: a new source is not counted (and the store says so)", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const store = memoryStore({ maxKeys: 4 });
      const table = store.counter({ keyPrefix: "t", points: 1, duration: 60 });
      for (const key of ["a", "b", "c", "d"]) await table.penalty(key); // each at its limit: a block
      expect((await table.penalty("e")).consumedPoints).toBe(1);
      expect((await table.penalty("e")).consumedPoints).toBe(1);
      expect(await table.get("e")).toBeNull();
      for (const key of ["a", "b", "c", "d"]) expect((await table.get(key))?.consumedPoints).toBe(1);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(String(warn.mock.calls[0]![0])).toContain("live blocks");
    } finally {
      warn.mockRestore();
    }
  });

  it("counts the keys it holds, expired ones dropped on the way", async () => {
    vi.useFakeTimers({ now: new Date("2030-01-01T00:00:00Z") });
    try {
      const store = memoryStore({ maxKeys: 3 });
      const short = store.counter({ keyPrefix: "s", points: 5, duration: 10 });
      const long = store.counter({ keyPrefix: "l", points: 5, duration: 3600 });
      await short.penalty("a");
      await long.penalty("b");
      await long.penalty("b");
      expect(store.size()).toBe(2);
      await long.delete("b");
      expect(store.size()).toBe(1);
      await long.penalty("c");
      await long.penalty("d");
      vi.advanceTimersByTime(11_000);
      // Full: the expired "a" makes room before any live counter would.
      await long.penalty("e");
      expect(store.size()).toBe(3);
      expect((await long.get("c"))?.consumedPoints).toBe(1);
      expect(await short.get("a")).toBeNull();
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("credential limiter: one account attacked from many addresses", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2030-01-01T00:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const policy = { ...DEFAULT_CREDENTIAL_POLICY, accountFailuresPerDay: 5, accountSpacingSeconds: 60 };
  /** A different address for every guess, as a botnet or a rotated IPv6 range would use. */
  const fromAnywhere = (i: number) => login("victim@example.com", `203.0.113.${i}`);

  it("past the account's daily failures, unfamiliar addresses together get one try per spacing", async () => {
    const limiter = new CredentialLimiter(memoryStore(), policy);
    for (let i = 0; i < 5; i++) expect(await tryOnce(limiter, fromAnywhere(i))).toBe("wrong");
    // One try goes through; the next, from yet another address, waits.
    expect(await tryOnce(limiter, fromAnywhere(10))).toBe("wrong");
    const refused = await limiter.refusal(fromAnywhere(11));
    expect(refused?.reason).toBe("account");
    expect(refused?.retryAfterSeconds).toBe(60);
    expect(await tryOnce(limiter, fromAnywhere(12), "right")).toBe("refused");
    vi.advanceTimersByTime(60_000);
    // The owner, from a new place, gets in on the next free try.
    expect(await tryOnce(limiter, fromAnywhere(13), "right")).toBe("ok");
  });

  it("a burst from many addresses at once gets one try of the account, not one each", async () => {
    const limiter = new CredentialLimiter(memoryStore(), policy);
    for (let i = 0; i < 5; i++) await tryOnce(limiter, fromAnywhere(i));
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, i) => tryOnce(limiter, fromAnywhere(20 + i))));
    expect(outcomes.filter((o) => o === "wrong")).toHaveLength(1);
    expect(outcomes.filter((o) => o === "refused")).toHaveLength(19);
  });

  it("never slows the owner at an address they signed in from, nor a step after a proven factor", async () => {
    const limiter = new CredentialLimiter(memoryStore(), policy);
    const home = login("victim@example.com", "192.0.2.80");
    expect(await tryOnce(limiter, home, "right")).toBe("ok");
    await limiter.markFamiliar("victim@example.com", "192.0.2.80"); // the app does, once a session is made
    for (let i = 0; i < 8; i++) await tryOnce(limiter, fromAnywhere(i));
    expect((await limiter.refusal(fromAnywhere(99)))?.reason).toBe("account");
    // Home: a typo, then the right password, at once.
    expect(await tryOnce(limiter, home)).toBe("wrong");
    expect(await tryOnce(limiter, home, "right")).toBe("ok");
    // A TOTP code after the right password (or a signed-in check) is never held back.
    const mfa = { scope: "mfa", subject: "victim@example.com", ip: "203.0.113.200", proven: true };
    expect(await tryOnce(limiter, mfa, "right")).toBe("ok");
    // A sign-in from a new place (on its free try) makes that place familiar too.
    vi.advanceTimersByTime(60_000);
    const travel = login("victim@example.com", "198.51.100.60");
    expect(await tryOnce(limiter, travel, "right")).toBe("ok");
    await limiter.markFamiliar("victim@example.com", "198.51.100.60");
    await tryOnce(limiter, fromAnywhere(100));
    expect(await tryOnce(limiter, travel, "right")).toBe("ok");
    // Familiar by its /64 for an IPv6 client, by the account's name without case.
    await limiter.markFamiliar("VICTIM@example.com", "2001:db8:5:6::1");
    expect(await limiter.refusal(login("victim@example.com", "2001:db8:5:6:abcd::2"))).toBeNull();
    expect((await limiter.refusal(login("victim@example.com", "2001:db8:5:7::1")))?.reason).toBe("account");
  });

  it("a right password alone (a challenge: a code to come) does not make an address familiar", async () => {
    const limiter = new CredentialLimiter(memoryStore(), policy);
    const challenge = new Error("challenge");
    const passwordRight = (ip: string) =>
      limiter
        .attempt(
          login("victim@example.com", ip),
          async () => {
            throw challenge;
          },
          (error) => (error === challenge ? "success" : "failure"),
        )
        .catch((error: unknown) => error);
    expect(await passwordRight("192.0.2.90")).toBe(challenge);
    for (let i = 0; i < 6; i++) await tryOnce(limiter, fromAnywhere(i));
    expect((await limiter.refusal(login("victim@example.com", "192.0.2.90")))?.reason).toBe("account");
  });

  it("counts one account whatever the case or the spaces around the name", async () => {
    const limiter = new CredentialLimiter(memoryStore(), policy);
    const spellings = ["Victim@Example.com", " victim@example.com", "VICTIM@EXAMPLE.COM ", "victim@example.com"];
    for (let i = 0; i < 5; i++) await tryOnce(limiter, login(spellings[i % 4]!, `203.0.113.${i}`));
    await tryOnce(limiter, login("victim@example.com", "203.0.113.50"));
    for (const spelling of spellings) {
      expect((await limiter.refusal(login(spelling, "203.0.113.51")))?.reason, spelling).toBe("account");
    }
    // Another account is not affected.
    expect(await limiter.refusal(login("other@example.com", "203.0.113.51"))).toBeNull();
  });
});

describe("credential limiter: parallel guesses", () => {
  it("runs at most maxInFlightPerIp checks at once per address", async () => {
    const limiter = new CredentialLimiter(memoryStore());
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = (subject: string) =>
      limiter.attempt(
        login(subject, "192.0.2.50"),
        async () => {
          await gate;
          throw WRONG;
        },
        classify,
      );
    const running = Array.from({ length: 10 }, (_, i) => slow(`burst${i}@example.com`).catch((e: unknown) => e));
    await expect(slow("one-more@example.com")).rejects.toBeInstanceOf(RateLimitedError);
    expect(await tryOnce(limiter, login("elsewhere@example.com", "192.0.2.51"), "right")).toBe("ok");
    release();
    expect(await Promise.all(running)).toEqual(Array(10).fill(WRONG));
    expect(await tryOnce(limiter, login("after@example.com", "192.0.2.50"), "right")).toBe("ok");
  });
});

describe("action limiter: every request counts (sign-ups, code e-mails)", () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: new Date("2030-01-01T00:00:00Z") });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("allows `points` per address per window, then 429 until the window ends", async () => {
    const signUps = new ActionLimiter(memoryStore(), { name: "signup", points: 10, durationSeconds: 3600 });
    for (let i = 0; i < 10; i++) await signUps.take("192.0.2.9");
    const refused = await signUps.take("192.0.2.9").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(RateLimitedError);
    expect((refused as RateLimitedError).retryAfterSeconds).toBe(3600);
    await signUps.take("192.0.2.10");
    vi.advanceTimersByTime(3600 * 1000);
    await signUps.take("192.0.2.9");
  });

  it("once full, a new address still gets a counter of its own; an address at its limit stays refused", async () => {
    const store = memoryStore({ maxKeys: 5 });
    const sends = new ActionLimiter(store, { name: "code-send", points: 3, durationSeconds: 3600 });
    for (let i = 0; i < 3; i++) await sends.take("10.9.9.9");
    for (let i = 0; i < 20; i++) await sends.take(`10.0.0.${i}`);
    for (let i = 0; i < 3; i++) await sends.take("10.2.0.1");
    await expect(sends.take("10.2.0.1")).rejects.toBeInstanceOf(RateLimitedError);
    await expect(sends.take("10.9.9.9")).rejects.toBeInstanceOf(RateLimitedError);
    expect(store.size()).toBeLessThanOrEqual(5);
  });
});

describe("addresses: the keys counts are kept under (ipKey: pairs, /64; networkKey: per address, /48)", () => {
  it.each([
    // address (as Node's net, a proxy's X-Forwarded-For or the WHATWG URL parser write it), ipKey, networkKey
    ["192.0.2.1", "192.0.2.1", "192.0.2.1"],
    [" 192.0.2.1 ", "192.0.2.1", "192.0.2.1"],
    ["192.0.2.1:8080", "192.0.2.1", "192.0.2.1"],
    ["::ffff:192.0.2.1", "192.0.2.1", "192.0.2.1"],
    ["::FFFF:192.0.2.1", "192.0.2.1", "192.0.2.1"],
    ["::ffff:c000:201", "192.0.2.1", "192.0.2.1"], // how new URL() writes ::ffff:192.0.2.1
    ["0:0:0:0:0:ffff:192.0.2.1", "192.0.2.1", "192.0.2.1"],
    ["[::ffff:192.0.2.1]", "192.0.2.1", "192.0.2.1"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64", "2001:db8:1::/48"],
    ["2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64", "2001:db8:1::/48"],
    ["2001:DB8:1:2:3:4:5:6", "2001:db8:1:2::/64", "2001:db8:1::/48"],
    ["2001:db8:1:2:0:0:0:1", "2001:db8:1:2::/64", "2001:db8:1::/48"],
    ["[2001:db8:1:2::1]:443", "2001:db8:1:2::/64", "2001:db8:1::/48"],
    ["2001:db8:1:ffff::1", "2001:db8:1:ffff::/64", "2001:db8:1::/48"],
    ["2001:db8::", "2001:db8:0:0::/64", "2001:db8:0::/48"],
    ["::1", "0:0:0:0::/64", "0:0:0::/48"],
    ["fe80::1%eth0", "fe80:0:0:0::/64", "fe80:0:0::/48"],
    ["fe80::1%25eth0", "fe80:0:0:0::/64", "fe80:0:0::/48"],
    ["::192.0.2.1", "0:0:0:0::/64", "0:0:0::/48"], // IPv4-compatible (deprecated): not a mapped address
    ["64:ff9b::192.0.2.1", "64:ff9b:0:0::/64", "64:ff9b:0::/48"],
    [null, "unknown", "unknown"],
    ["", "unknown", "unknown"],
    ["not an address", "unknown", "unknown"],
    ["01.2.3.4", "unknown", "unknown"],
    ["192.0.2.256", "unknown", "unknown"],
    ["::ffff:192.0.2.256", "unknown", "unknown"],
    ["2001:db8::1::2", "unknown", "unknown"],
    ["[2001:db8::1", "unknown", "unknown"],
  ])("%s → %s, %s", (address, pair, network) => {
    expect(ipKey(address)).toBe(pair);
    expect(networkKey(address)).toBe(network);
  });
});

describe("what a Cognito answer counts as", () => {
  it.each([
    ["a wrong password or unknown user", new InvalidCredentialsError(), "failure"],
    ["a wrong code", new CodeMismatchError(), "failure"],
    ["an expired code", new ExpiredCodeError(), "failure"],
    ["a challenge (the password was right)", new ChallengeRequiredError("SOFTWARE_TOKEN_MFA", "s", "u"), "success"],
    ["Cognito unreachable", new ServiceUnavailableError("ECONNREFUSED"), "neutral"],
    ["Cognito throttling", new TooManyRequestsError(), "neutral"],
    ["the password policy", new PasswordPolicyError("Too short."), "neutral"],
    ["an unconfirmed account", new UserNotConfirmedError(), "neutral"],
    ["a programming error", new TypeError("x is undefined"), "neutral"],
  ])("%s → %s", (_label, error, outcome) => {
    expect(classifyCredentialOutcome(error)).toBe(outcome);
  });

  it.each([
    [1, "1 second"],
    [60, "60 seconds"],
    [119, "119 seconds"],
    [120, "2 minutes"],
    [3600, "60 minutes"],
    [24 * 3600, "24 hours"],
  ])("describes a wait of %i s as %s", (seconds, text) => {
    expect(describeWait(seconds)).toBe(text);
  });
});
