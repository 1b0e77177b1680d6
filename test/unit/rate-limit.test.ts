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
    const limiter = new CredentialLimiter(memoryStore());
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
    const limiter = new CredentialLimiter(memoryStore());
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
    const limiter = new CredentialLimiter(memoryStore(), { ...DEFAULT_CREDENTIAL_POLICY, maxBlockSeconds: 100 });
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

  it("counts IPv6 clients per /64, and IPv4-mapped addresses as IPv4", async () => {
    const limiter = new CredentialLimiter(memoryStore());
    for (let i = 0; i < 100; i++) {
      // A new address in the same /64 for every guess.
      await tryOnce(limiter, login(`spray${i}@example.com`, `2001:db8:1:2:${i.toString(16)}::1`));
    }
    expect(await tryOnce(limiter, login("fresh@example.com", "2001:db8:1:2:ffff::9"), "right")).toBe("refused");
    expect(await tryOnce(limiter, login("fresh@example.com", "2001:db8:1:3::1"), "right")).toBe("ok");
  });
});

describe("credential limiter: memory stays bounded, and no live counter is ever evicted", () => {
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
    // The bound, plus the one shared overflow counter.
    expect(store.size()).toBeLessThanOrEqual(DEFAULT_MAX_KEYS + 1);
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

  it("once full, unseen addresses share one overflow counter; known counters keep counting", async () => {
    const store = memoryStore({ maxKeys: 20 });
    const limiter = new CredentialLimiter(store);
    const known = login("regular@example.com", "192.0.2.1");
    for (let i = 0; i < 5; i++) await tryOnce(limiter, known); // 2 keys
    for (let i = 0; i < 9; i++) await tryOnce(limiter, login(`filler${i}@example.com`, `10.0.0.${i}`)); // 18 more
    expect(store.isFull()).toBe(true);
    const size = store.size();
    // 100 failures from 100 unseen addresses: counted together, in one new key.
    for (let i = 0; i < 100; i++)
      expect(await tryOnce(limiter, login(`new${i}@example.com`, `10.1.0.${i}`))).toBe("wrong");
    expect(store.size()).toBe(size + 1);
    expect(await tryOnce(limiter, login("someone@example.com", "10.2.0.1"), "right")).toBe("refused");
    // A known address is not caught by the overflow block…
    expect(await tryOnce(limiter, login("colleague@example.com", "192.0.2.1"), "right")).toBe("ok");
    // …and its live counters still count: five more failures block the pair.
    for (let i = 0; i < 5; i++) expect(await tryOnce(limiter, known)).toBe("wrong");
    expect(await tryOnce(limiter, known, "right")).toBe("refused");
  });

  it("the memory store counts the keys it holds (guards the read of rate-limiter-flexible's storage)", async () => {
    const store = memoryStore();
    const table = store.counter({ keyPrefix: "t", points: 5, duration: 60 });
    await table.penalty("a");
    await table.penalty("b");
    await table.penalty("b");
    expect(store.size()).toBe(2);
    await table.delete("a");
    expect(store.size()).toBe(1);
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

  it("once full, unseen addresses share one overflow counter", async () => {
    const store = memoryStore({ maxKeys: 5 });
    const sends = new ActionLimiter(store, { name: "code-send", points: 3, durationSeconds: 3600 });
    for (let i = 0; i < 5; i++) await sends.take(`10.0.0.${i}`);
    for (let i = 0; i < 3; i++) await sends.take(`10.1.0.${i}`);
    await expect(sends.take("10.2.0.1")).rejects.toBeInstanceOf(RateLimitedError);
    expect(store.size()).toBe(6);
    await sends.take("10.0.0.1");
  });
});

describe("ipKey: the address a count is kept under", () => {
  it.each([
    ["192.0.2.1", "192.0.2.1"],
    ["::ffff:192.0.2.1", "192.0.2.1"],
    ["::FFFF:192.0.2.1", "192.0.2.1"],
    ["2001:db8:1:2::1", "2001:db8:1:2::/64"],
    ["2001:0db8:0001:0002:ffff:ffff:ffff:ffff", "2001:db8:1:2::/64"],
    ["2001:DB8:1:2:3:4:5:6", "2001:db8:1:2::/64"],
    ["2001:db8::", "2001:db8:0:0::/64"],
    ["::1", "0:0:0:0::/64"],
    ["fe80::1%eth0", "fe80:0:0:0::/64"],
    ["64:ff9b::192.0.2.1", "64:ff9b:0:0::/64"],
    [null, "unknown"],
    ["", "unknown"],
    ["not an address", "unknown"],
  ])("%s → %s", (address, expected) => {
    expect(ipKey(address)).toBe(expected);
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
