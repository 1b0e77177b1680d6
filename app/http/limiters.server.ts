/**
 * The counting behind the app's rate limits, after rate-limiter-flexible's
 * "login endpoint protection" pattern (docs/decisions/007-rate-limits.md, as
 * amended by 017-limits-that-hold.md):
 *
 * - **Failures, not attempts.** Only a rejected password or code counts; a
 *   success never does, and it clears the account's count from that address.
 * - **Per account and address:** `consecutiveFailures` in a row for one
 *   account from one address (IPv6: its /64) block that pair, first for
 *   `firstBlockSeconds`, then twice as long each time (up to
 *   `maxBlockSeconds`). Other addresses are not affected, and other accounts
 *   at the attacker's address are not affected either.
 * - **Per address:** `failuresPerIpPerDay` failures from one address (IPv6: its
 *   /48; every account, every form) block it for a day (password spraying).
 * - **Per account, across addresses:** past `accountFailuresPerDay` failures
 *   for one account from anywhere in a day, addresses that have not signed in
 *   to it lately share one try of it per `accountSpacingSeconds`. Never the
 *   owner's familiar addresses (a complete sign-in there within
 *   `familiarSeconds`), and never a step after a proven factor (a TOTP code
 *   after the password, a signed-in user's step-up): slowed, not locked out.
 * - An account is the same account whatever spelling is typed: the caller
 *   passes one name for it (rate-limit.server.ts resolves aliases), and case
 *   and surrounding spaces never make a second counter.
 * - Checks only read; keys are made by failures. A blocked address is turned
 *   away before anything is written, so it adds no keys. The store keeps
 *   memory bounded without ever dropping a live block (limiter-store.server.ts).
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
import type { CounterState, CounterTable, LimiterStore } from "./limiter-store.server";

/** Refused by a rate limit; `retryAfterSeconds` is what the Retry-After header says. */
export class RateLimitedError extends Error {
  readonly name = "RateLimitedError";
  constructor(
    readonly retryAfterSeconds: number,
    /** "account": the account-wide slow-down (from an unfamiliar address); "address": anything else. */
    readonly reason: "account" | "address" = "address",
  ) {
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
  /** Failures for one account per day, from every address and form, before unfamiliar addresses are slowed. Default 20. */
  accountFailuresPerDay: number;
  /** Past that: unfamiliar addresses together get one try of the account per this many seconds. Default 300. */
  accountSpacingSeconds: number;
  /** How long a complete sign-in from an address keeps it familiar for that account. Default 30 days. */
  familiarSeconds: number;
}

export const DEFAULT_CREDENTIAL_POLICY: CredentialPolicy = {
  consecutiveFailures: 10,
  firstBlockSeconds: 60,
  maxBlockSeconds: 24 * 60 * 60,
  failuresPerIpPerDay: 100,
  maxInFlightPerIp: 10,
  accountFailuresPerDay: 20,
  accountSpacingSeconds: 300,
  familiarSeconds: 30 * 24 * 60 * 60,
};

const DAY = 24 * 60 * 60;
/** Counters that only record that something happened, never block, and may be dropped when memory is full. */
const UNLIMITED = Number.MAX_SAFE_INTEGER;

/** What is being tried and by whom. */
export interface CredentialKey {
  /** The form: "login", "mfa", "reset"… (pairs are counted per form). */
  scope: string;
  /** The account, one name for it whatever alias was typed (compared without case or surrounding spaces). */
  subject: string;
  /** The client's address as the server saw it. */
  ip: string | null;
  /**
   * This attempt follows a factor already proved (a TOTP code after the
   * password, or a signed-in user's password check): the account-wide
   * slow-down does not apply, so the owner is never held back once in.
   */
  proven?: boolean;
}

export class CredentialLimiter {
  private readonly perIp: CounterTable;
  private readonly pairs: CounterTable;
  /** How many times each pair was blocked within the last day: the back-off exponent. */
  private readonly blocks: CounterTable;
  private readonly accounts: CounterTable;
  /** One try per accountSpacingSeconds for an account under pressure, shared by its unfamiliar addresses. */
  private readonly accountSlots: CounterTable;
  /** Account + address (/64) pairs with a complete sign-in within familiarSeconds. */
  private readonly familiar: CounterTable;
  private readonly inFlight = new Map<string, number>();

  constructor(
    store: LimiterStore,
    readonly policy: CredentialPolicy = DEFAULT_CREDENTIAL_POLICY,
  ) {
    this.perIp = store.counter({ keyPrefix: "fail-ip", points: policy.failuresPerIpPerDay, duration: DAY });
    this.pairs = store.counter({ keyPrefix: "fail-pair", points: policy.consecutiveFailures, duration: DAY });
    this.blocks = store.counter({ keyPrefix: "block-pair", points: UNLIMITED, duration: DAY });
    this.accounts = store.counter({ keyPrefix: "fail-acct", points: policy.accountFailuresPerDay, duration: DAY });
    this.accountSlots = store.counter({ keyPrefix: "acct-slot", points: 1, duration: policy.accountSpacingSeconds });
    this.familiar = store.counter({ keyPrefix: "familiar", points: UNLIMITED, duration: policy.familiarSeconds });
  }

  /**
   * Runs one credential check (`check`: the call to Cognito) unless this
   * account or address is blocked, and counts its outcome as `classify` says.
   * Throws RateLimitedError, without calling `check`, when blocked; rethrows
   * whatever `check` throws.
   */
  async attempt<T>(key: CredentialKey, check: () => Promise<T>, classify: (error: unknown) => Outcome): Promise<T> {
    const names = namesOf(key);
    const { refused, pressure } = await this.check(names, key.proven);
    if (refused) throw refused;
    const running = this.inFlight.get(names.ip) ?? 0;
    if (running >= this.policy.maxInFlightPerIp) throw new RateLimitedError(1);
    this.inFlight.set(names.ip, running + 1);
    try {
      if (pressure) {
        // One try per spacing for all unfamiliar addresses together, claimed atomically (a
        // burst from many addresses gets one).
        const slot = await this.accountSlots.penalty(names.account);
        if (slot.consumedPoints > 1) throw new RateLimitedError(seconds(slot), "account");
      }
      let result: T;
      try {
        result = await check();
      } catch (error) {
        await this.count(names, classify(error));
        throw error;
      }
      await this.count(names, "success");
      return result;
    } finally {
      const left = (this.inFlight.get(names.ip) ?? 1) - 1;
      if (left > 0) this.inFlight.set(names.ip, left);
      else this.inFlight.delete(names.ip);
    }
  }

  /** Seconds until this account may be tried from this address, or null for now. Reads only. */
  async retryAfter(key: CredentialKey): Promise<number | null> {
    return (await this.refusal(key))?.retryAfterSeconds ?? null;
  }

  /** Why this account may not be tried from this address now, or null. Reads only. */
  async refusal(key: CredentialKey): Promise<RateLimitedError | null> {
    return (await this.check(namesOf(key), key.proven)).refused;
  }

  /**
   * Counts an outcome: a failure adds to the address's, the pair's and the
   * account's counters (blocking at the limits); a success clears the pair.
   */
  async record(key: CredentialKey, outcome: Outcome): Promise<void> {
    await this.count(namesOf(key), outcome);
  }

  /**
   * Someone signed in to this account from this address (a session was made,
   * every step passed): the address is familiar to the account for
   * `familiarSeconds`, and the account-wide slow-down never applies there. A
   * challenge passed (the password right, a code to come) is not enough.
   */
  async markFamiliar(subject: string, address: string | null): Promise<void> {
    await this.familiar.penalty(namesOf({ scope: "", subject, ip: address }).familiar);
  }

  /**
   * Reads only. `pressure`: the account is past its daily failures, this
   * attempt proves nothing yet, and the address is not familiar — so it needs
   * the account's free try.
   */
  private async check(names: Names, proven = false): Promise<{ refused: RateLimitedError | null; pressure: boolean }> {
    const perIp = await this.perIp.get(names.network);
    if (isExhausted(perIp, this.policy.failuresPerIpPerDay)) {
      return { refused: new RateLimitedError(seconds(perIp)), pressure: false };
    }
    const pair = await this.pairs.get(names.pair);
    if (isExhausted(pair, this.policy.consecutiveFailures)) {
      return { refused: new RateLimitedError(seconds(pair)), pressure: false };
    }
    if (proven) return { refused: null, pressure: false };
    const account = await this.accounts.get(names.account);
    if (!isExhausted(account, this.policy.accountFailuresPerDay)) return { refused: null, pressure: false };
    if ((await this.familiar.get(names.familiar)) !== null) return { refused: null, pressure: false };
    const slot = await this.accountSlots.get(names.account);
    return { refused: slot ? new RateLimitedError(seconds(slot), "account") : null, pressure: true };
  }

  private async count(names: Names, outcome: Outcome): Promise<void> {
    if (outcome === "success") {
      await Promise.all([this.pairs.delete(names.pair), this.blocks.delete(names.pair)]);
      return;
    }
    if (outcome !== "failure") return;

    const [ipCount] = await Promise.all([this.perIp.penalty(names.network), this.accounts.penalty(names.account)]);
    if (ipCount.consumedPoints === this.policy.failuresPerIpPerDay) await this.perIp.block(names.network, DAY);

    const pairCount = await this.pairs.penalty(names.pair);
    if (pairCount.consumedPoints === this.policy.consecutiveFailures) {
      const blocked = (await this.blocks.penalty(names.pair)).consumedPoints;
      const { firstBlockSeconds, maxBlockSeconds } = this.policy;
      await this.pairs.block(names.pair, Math.min(firstBlockSeconds * 2 ** (blocked - 1), maxBlockSeconds));
    }
  }
}

/** The counter names one attempt touches. */
interface Names {
  /** The address for pairs and the in-flight cap (IPv6: /64). */
  ip: string;
  /** The address for per-address limits (IPv6: /48). */
  network: string;
  account: string;
  pair: string;
  familiar: string;
}

function namesOf(key: CredentialKey): Names {
  const ip = ipKey(key.ip);
  const account = accountKey(key.subject);
  return {
    ip,
    network: networkKey(key.ip),
    account,
    pair: `${key.scope}:${account}:${ip}`,
    familiar: `${account}:${ip}`,
  };
}

export interface ActionPolicy {
  /** Names the counter table (e.g. "signup"). */
  name: string;
  /** Requests allowed per address within `durationSeconds`. */
  points: number;
  durationSeconds: number;
}

/** Every request counts (sign-ups, code e-mails): `points` per address (IPv6: /48) per `durationSeconds`. */
export class ActionLimiter {
  private readonly counter: CounterTable;

  constructor(
    store: LimiterStore,
    readonly policy: ActionPolicy,
  ) {
    this.counter = store.counter({ keyPrefix: policy.name, points: policy.points, duration: policy.durationSeconds });
  }

  /** Counts one request from this address; throws RateLimitedError when it is over the limit. */
  async take(address: string | null): Promise<void> {
    await this.takeFor(networkKey(address));
  }

  /**
   * Counts one request of `subject` (not an address: a user's `sub`, an app
   * client's ID); throws RateLimitedError when it is over the limit.
   */
  async takeFor(subject: string): Promise<void> {
    const current = await this.counter.get(subject);
    if (isExhausted(current, this.policy.points)) throw new RateLimitedError(seconds(current));
    await this.counter.penalty(subject);
  }
}

/** An address as the server may see it: IPv4 (dotted) or IPv6 (its eight 16-bit groups). */
type ParsedAddress = { v4: string } | { v6: number[] };

/**
 * Reads a client address: IPv4, IPv6 in any spelling Node's `net` accepts
 * (compressed or not, any case, a zone id, a dotted IPv4 tail), in brackets
 * and with a port as proxies sometimes write them (`[2001:db8::1]:443`,
 * `192.0.2.1:8080`). An IPv4-mapped IPv6 address (`::ffff:192.0.2.1`, or as
 * the WHATWG URL parser writes it, `::ffff:c000:201`) is its IPv4 address.
 */
export function parseAddress(text: string | null): ParsedAddress | null {
  if (!text) return null;
  let address = text.trim();
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(address);
  if (bracketed) address = bracketed[1]!;
  else if (/^[\d.]+:\d{1,5}$/.test(address)) address = address.slice(0, address.lastIndexOf(":"));
  address = address.replace(/%.*$/, ""); // zone id: the same host whatever interface it came in on
  if (isIPv4(address)) return { v4: address };
  if (!isIPv6(address)) return null;
  const groups = ipv6Groups(address);
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [hi, lo] = [groups[6]!, groups[7]!];
    return { v4: [hi >> 8, hi & 255, lo >> 8, lo & 255].join(".") };
  }
  return { v6: groups };
}

/** The eight 16-bit groups of an IPv6 address `net.isIPv6` accepted (no zone id). */
function ipv6Groups(address: string): number[] {
  let text = address.toLowerCase();
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
  return [...left, ...zeros, ...right].map((group) => Number.parseInt(group, 16));
}

function prefix(groups: number[], count: number, bits: number): string {
  return `${groups
    .slice(0, count)
    .map((g) => g.toString(16))
    .join(":")}::/${bits}`;
}

/**
 * The key an address is counted under for account + address pairs, the
 * in-flight cap and familiar addresses: IPv4 as itself, IPv6 per /64 (one
 * host or network usually holds a whole /64 and may pick any address in it).
 * Unknown → one shared key.
 */
export function ipKey(address: string | null): string {
  const parsed = parseAddress(address);
  if (!parsed) return "unknown";
  return "v4" in parsed ? parsed.v4 : prefix(parsed.v6, 4, 64);
}

/**
 * The key an address is counted under for per-address limits (failures per
 * day, sign-ups, code e-mails): IPv4 as itself, IPv6 per /48 — one customer
 * or site is commonly given a whole /48, i.e. 65 536 /64s to rotate through.
 */
export function networkKey(address: string | null): string {
  const parsed = parseAddress(address);
  if (!parsed) return "unknown";
  return "v4" in parsed ? parsed.v4 : prefix(parsed.v6, 3, 48);
}

/**
 * The account's counter name: a hash (the store, Redis too, never holds an
 * e-mail address) of the name without case or surrounding spaces — Cognito
 * treats usernames and e-mail aliases without case in pools set up as
 * recommended (UsernameConfiguration.CaseSensitive false).
 */
function accountKey(subject: string): string {
  return createHash("sha256").update(subject.trim().toLowerCase()).digest("base64url").slice(0, 22);
}

function isExhausted(res: CounterState | null, limit: number): res is CounterState {
  return res !== null && res.consumedPoints >= limit;
}

function seconds(res: CounterState): number {
  return Math.max(1, Math.ceil(res.msBeforeNext / 1000));
}
