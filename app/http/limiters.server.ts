/**
 * The counting behind the app's rate limits, after rate-limiter-flexible's
 * "login endpoint protection" pattern (docs/decisions/007-rate-limits.md):
 *
 * - **Failures, not attempts.** Only a rejected password or code counts; a
 *   success never does, and it clears the account's count from that address.
 * - **Per account and address:** `consecutiveFailures` in a row for one
 *   account (username, challenge user or signed-in `sub`) from one address
 *   block that pair, first for `firstBlockSeconds`, then twice as long each
 *   time (up to `maxBlockSeconds`). Other addresses are not affected, so an
 *   attacker cannot lock the owner out, and other accounts at the attacker's
 *   address are not affected either.
 * - **Per address:** `failuresPerIpPerDay` failures from one address (every
 *   account, every form) block the address for a day (password spraying).
 * - Checks only read; keys are made by failures. A blocked address is turned
 *   away before anything is written, so it adds no keys. When the store's
 *   memory bound is reached, new sources share one overflow counter instead
 *   of adding keys, and no live counter is ever evicted.
 * - At most `maxInFlightPerIp` checks run at once per address (per process),
 *   so a burst of parallel guesses cannot overshoot the counts by more.
 *
 * Sign-ups and code e-mails are different: each one costs (an account, an
 * e-mail), so every request counts, per address per hour (`ActionLimiter`).
 *
 * No Remix imports; the app wires this up in rate-limit.server.ts.
 */
import { createHash } from "node:crypto";
import { isIPv4, isIPv6 } from "node:net";
import type { RateLimiterAbstract, RateLimiterRes } from "rate-limiter-flexible";
import type { LimiterStore } from "./limiter-store.server";

/** Refused by a rate limit; `retryAfterSeconds` is what the Retry-After header says. */
export class RateLimitedError extends Error {
  readonly name = "RateLimitedError";
  constructor(readonly retryAfterSeconds: number) {
    super(`rate limited for ${retryAfterSeconds} s`);
  }
}

/** How a credential check ended, for counting. */
export type Outcome = "success" | "failure" | "neutral";

export interface CredentialPolicy {
  /** Failures in a row for one account from one address before that pair is blocked. Default 10. */
  consecutiveFailures: number;
  /** The first block of a pair; each further block within a day doubles it. Default 60 s. */
  firstBlockSeconds: number;
  /** The longest block of a pair. Default one day. */
  maxBlockSeconds: number;
  /** Failures from one address per day (all accounts and forms) before it is blocked for a day. Default 100. */
  failuresPerIpPerDay: number;
  /** Credential checks running at once from one address, per process. Default 10. */
  maxInFlightPerIp: number;
}

export const DEFAULT_CREDENTIAL_POLICY: CredentialPolicy = {
  consecutiveFailures: 10,
  firstBlockSeconds: 60,
  maxBlockSeconds: 24 * 60 * 60,
  failuresPerIpPerDay: 100,
  maxInFlightPerIp: 10,
};

const DAY = 24 * 60 * 60;
/** Where failures from sources the full store cannot track are counted, together. */
const OVERFLOW = "overflow";

/** What is being tried and by whom: the form ("login", "mfa"…), the account, the client's address. */
export interface CredentialKey {
  scope: string;
  subject: string;
  ip: string | null;
}

export class CredentialLimiter {
  private readonly perIp: RateLimiterAbstract;
  private readonly pairs: RateLimiterAbstract;
  /** How many times each pair was blocked within the last day: the back-off exponent. */
  private readonly blocks: RateLimiterAbstract;
  private readonly inFlight = new Map<string, number>();

  constructor(
    private readonly store: LimiterStore,
    readonly policy: CredentialPolicy = DEFAULT_CREDENTIAL_POLICY,
  ) {
    this.perIp = store.counter({ keyPrefix: "fail-ip", points: policy.failuresPerIpPerDay, duration: DAY });
    this.pairs = store.counter({ keyPrefix: "fail-pair", points: policy.consecutiveFailures, duration: DAY });
    this.blocks = store.counter({ keyPrefix: "block-pair", points: Number.MAX_SAFE_INTEGER, duration: DAY });
  }

  /**
   * Runs one credential check (`check`: the call to Cognito) unless this
   * account or address is blocked, and counts its outcome as `classify` says.
   * Throws RateLimitedError, without calling `check`, when blocked; rethrows
   * whatever `check` throws.
   */
  async attempt<T>(key: CredentialKey, check: () => Promise<T>, classify: (error: unknown) => Outcome): Promise<T> {
    const ip = ipKey(key.ip);
    const wait = await this.retryAfter(key);
    if (wait !== null) throw new RateLimitedError(wait);
    const running = this.inFlight.get(ip) ?? 0;
    if (running >= this.policy.maxInFlightPerIp) throw new RateLimitedError(1);
    this.inFlight.set(ip, running + 1);
    try {
      let result: T;
      try {
        result = await check();
      } catch (error) {
        await this.record(key, classify(error));
        throw error;
      }
      await this.record(key, "success");
      return result;
    } finally {
      const left = (this.inFlight.get(ip) ?? 1) - 1;
      if (left > 0) this.inFlight.set(ip, left);
      else this.inFlight.delete(ip);
    }
  }

  /** Seconds until this account may be tried from this address, or null for now. Reads only. */
  async retryAfter(key: CredentialKey): Promise<number | null> {
    const ip = ipKey(key.ip);
    const perIp = await this.perIp.get(ip);
    if (isExhausted(perIp, this.policy.failuresPerIpPerDay)) return seconds(perIp);
    if (!perIp && this.store.isFull()) {
      const overflow = await this.perIp.get(OVERFLOW);
      if (isExhausted(overflow, this.policy.failuresPerIpPerDay)) return seconds(overflow);
    }
    const pair = await this.pairs.get(pairKey(key, ip));
    if (isExhausted(pair, this.policy.consecutiveFailures)) return seconds(pair);
    return null;
  }

  /** Counts an outcome: a failure adds to both counters (blocking at the limits); a success clears the pair. */
  async record(key: CredentialKey, outcome: Outcome): Promise<void> {
    const ip = ipKey(key.ip);
    const pair = pairKey(key, ip);
    if (outcome === "success") {
      await Promise.all([this.pairs.delete(pair), this.blocks.delete(pair)]);
      return;
    }
    if (outcome !== "failure") return;

    // A full store takes no new keys: an address it does not know yet is
    // counted in the shared overflow counter, and a pair it does not know
    // yet is not counted (its address still is).
    const known = (await this.perIp.get(ip)) !== null;
    const ipCounter = known || !this.store.isFull() ? ip : OVERFLOW;
    const ipCount = await this.perIp.penalty(ipCounter);
    if (ipCount.consumedPoints === this.policy.failuresPerIpPerDay) await this.perIp.block(ipCounter, DAY);
    if (ipCounter === OVERFLOW || (this.store.isFull() && (await this.pairs.get(pair)) === null)) return;

    const pairCount = await this.pairs.penalty(pair);
    if (pairCount.consumedPoints === this.policy.consecutiveFailures) {
      const blocked = (await this.blocks.penalty(pair)).consumedPoints;
      const { firstBlockSeconds, maxBlockSeconds } = this.policy;
      await this.pairs.block(pair, Math.min(firstBlockSeconds * 2 ** (blocked - 1), maxBlockSeconds));
    }
  }
}

export interface ActionPolicy {
  /** Names the counter table (e.g. "signup"). */
  name: string;
  /** Requests allowed per address within `durationSeconds`. */
  points: number;
  durationSeconds: number;
}

/** Every request counts (sign-ups, code e-mails): `points` per address per `durationSeconds`. */
export class ActionLimiter {
  private readonly counter: RateLimiterAbstract;

  constructor(
    private readonly store: LimiterStore,
    readonly policy: ActionPolicy,
  ) {
    this.counter = store.counter({ keyPrefix: policy.name, points: policy.points, duration: policy.durationSeconds });
  }

  /** Counts one request from this address; throws RateLimitedError when it is over the limit. */
  async take(address: string | null): Promise<void> {
    const ip = ipKey(address);
    const current = await this.counter.get(ip);
    if (isExhausted(current, this.policy.points)) throw new RateLimitedError(seconds(current));
    // A full store takes no new keys: unknown addresses share the overflow counter.
    const key = current === null && this.store.isFull() ? OVERFLOW : ip;
    if (key === OVERFLOW) {
      const overflow = await this.counter.get(OVERFLOW);
      if (isExhausted(overflow, this.policy.points)) throw new RateLimitedError(seconds(overflow));
    }
    await this.counter.penalty(key);
  }
}

/**
 * The key an address is counted under. IPv6 clients usually hold a whole
 * /64 (and can pick any address in it), so IPv6 counts per /64; an
 * IPv4-mapped IPv6 address counts as its IPv4 address. Unknown → one shared key.
 */
export function ipKey(address: string | null): string {
  if (!address) return "unknown";
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1]!)) return mapped[1]!;
  if (isIPv4(address)) return address;
  if (isIPv6(address)) return `${expandIPv6(address).slice(0, 4).join(":")}::/64`;
  return "unknown";
}

/** The eight 16-bit groups of an IPv6 address, without leading zeros ("2001:db8::1" → 2001,db8,0,…,1). */
function expandIPv6(address: string): string[] {
  let text = address.replace(/%.*$/, "").toLowerCase(); // zone id
  // A trailing dotted IPv4 part counts as two groups.
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = "", tail] = text.split("::");
  const left = head ? head.split(":") : [];
  const right = tail ? tail.split(":") : [];
  const zeros = tail === undefined ? [] : Array(8 - left.length - right.length).fill("0");
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}

/**
 * One counter per form, account and address. The account is hashed, so the
 * store (Redis too) never holds e-mail addresses.
 */
function pairKey(key: CredentialKey, ip: string): string {
  const subject = createHash("sha256").update(key.subject.trim().toLowerCase()).digest("base64url").slice(0, 22);
  return `${key.scope}:${subject}:${ip}`;
}

function isExhausted(res: RateLimiterRes | null, limit: number): res is RateLimiterRes {
  return res !== null && res.consumedPoints >= limit;
}

function seconds(res: RateLimiterRes): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
