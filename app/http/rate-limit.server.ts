/**
 * The app's rate limits, as routes use them (docs/decisions/007-rate-limits.md,
 * amended by 017-limits-that-hold.md):
 *
 * - `limitCredentialCheck` wraps every call that checks a password or a code.
 *   Only failures count: per account and address (blocked after
 *   RATE_LIMIT_CONSECUTIVE_FAILURES in a row, growing back-off), per address
 *   (RATE_LIMIT_IP_FAILURES_PER_DAY), and per account from every address
 *   (past RATE_LIMIT_ACCOUNT_FAILURES_PER_DAY, addresses the account has not
 *   signed in from lately share one try per RATE_LIMIT_ACCOUNT_SPACING_SECONDS).
 *   A success clears the account's count from that address. The account is
 *   counted once whatever alias was typed (`accountName`).
 * - `limitSignUp` and `limitCodeSend` count every request, per address per hour.
 * - `takeCodeTry` counts the tries of one emailed sign-in code.
 *
 * Over a limit: 429 with Retry-After. The counting is in limiters.server.ts;
 * where counters live, in limiter-store.server.ts.
 *
 * Store: this process's memory by default — one instance, forgotten on
 * restart, so behind several instances each counts alone. `setRateLimitStore`
 * is the one seam for a shared store (entry.server.tsx sets it when REDIS_URL is set):
 *
 *     setRateLimitStore(redisStore(connectedNodeRedisClient, { keyPrefix: env.redis.keyPrefix }));
 *
 * called once at start-up, before the first request.
 */
import { createHash } from "node:crypto";
import { type AppLoadContext, data } from "@remix-run/node";
import {
  ChallengeRequiredError,
  CodeMismatchError,
  ExpiredCodeError,
  IncorrectCurrentPasswordError,
  InvalidCredentialsError,
} from "~/cognito/errors.server";
import { getEnv } from "~/env.server";
import { getSessionRegistry } from "~/sessions/configured-registry.server";
import { type CounterTable, type LimiterStore, memoryStore } from "./limiter-store.server";
import { ActionLimiter, CredentialLimiter, type Outcome, RateLimitedError } from "./limiters.server";

/**
 * Every form that checks a password or a code, and whether it comes before
 * or after a factor is proved: only "first" attempts are held back by the
 * account-wide slow-down, so a person who got in (the right password before a
 * TOTP code, or signed in) is never.
 */
const CREDENTIAL_SCOPES = {
  login: "first",
  "email-code": "first",
  passkey: "first",
  reset: "first",
  confirm: "first",
  mfa: "proven",
  "step-up": "proven",
  "change-password": "proven",
  "totp-enrol": "proven",
  "verify-email": "proven",
} as const;

/** The form a credential check belongs to. */
export type CredentialScope = keyof typeof CREDENTIAL_SCOPES;

/** Tries one emailed sign-in code may have, real or not (the emulator's cap too). */
export const CODE_TRIES = 3;
/** Long enough to outlive Cognito's 3-minute challenge. */
const CODE_TRY_WINDOW_SECONDS = 5 * 60;

interface AppLimits {
  credentials: CredentialLimiter;
  signUps: ActionLimiter;
  codeSends: ActionLimiter;
  codeTries: CounterTable;
  apiUsers: ActionLimiter;
  apiClients: ActionLimiter;
}

let store: LimiterStore | undefined;
let limits: AppLimits | undefined;

/**
 * Where every counter lives from now on (e.g. `redisStore(client)`); counts
 * made so far in the previous store are not carried over.
 */
export function setRateLimitStore(next: LimiterStore): void {
  store = next;
  limits = undefined;
}

function appLimits(): AppLimits {
  if (!limits) {
    const { rateLimits: config, api } = getEnv();
    store ??= memoryStore({ maxKeys: config.maxKeys });
    limits = {
      credentials: new CredentialLimiter(store, {
        consecutiveFailures: config.consecutiveFailures,
        firstBlockSeconds: 60,
        maxBlockSeconds: 24 * 60 * 60,
        failuresPerIpPerDay: config.ipFailuresPerDay,
        maxInFlightPerIp: config.maxInFlightPerIp,
        accountFailuresPerDay: config.accountFailuresPerDay,
        accountSpacingSeconds: config.accountSpacingSeconds,
        familiarSeconds: 30 * 24 * 60 * 60,
      }),
      signUps: new ActionLimiter(store, { name: "signup", points: config.signUpsPerHour, durationSeconds: 3600 }),
      codeSends: new ActionLimiter(store, {
        name: "code-send",
        points: config.codeSendsPerHour,
        durationSeconds: 3600,
      }),
      codeTries: store.counter({ keyPrefix: "code-try", points: CODE_TRIES, duration: CODE_TRY_WINDOW_SECONDS }),
      apiUsers: new ActionLimiter(store, { name: "api-user", points: api.userRequestsPerMinute, durationSeconds: 60 }),
      apiClients: new ActionLimiter(store, {
        name: "api-client",
        points: api.clientRequestsPerMinute,
        durationSeconds: 60,
      }),
    };
  }
  return limits;
}

/**
 * What a Cognito answer says about the password or code that was tried:
 * a challenge means the password was right; a rejected password or code is
 * a failure; anything else (an outage, throttling, the password policy, an
 * unconfirmed account) says nothing about it and is not counted.
 */
export function classifyCredentialOutcome(error: unknown): Outcome {
  if (error instanceof ChallengeRequiredError) return "success";
  if (
    error instanceof InvalidCredentialsError ||
    error instanceof IncorrectCurrentPasswordError ||
    error instanceof CodeMismatchError ||
    error instanceof ExpiredCodeError
  ) {
    return "failure";
  }
  return "neutral";
}

/**
 * Runs `check` (the Cognito call that tries a password or code for
 * `subject`) unless this account or this client's address is blocked, and
 * counts how it ended. Throws 429 with Retry-After, without calling `check`,
 * when blocked; otherwise returns or rethrows what `check` does.
 *
 * @param scope which form (CREDENTIAL_SCOPES)
 * @param subject the account: the name typed, the challenge's user, or the signed-in `sub`
 * @param classify how to read an error `check` throws (default: classifyCredentialOutcome)
 */
export async function limitCredentialCheck<T>(
  { context }: { context: AppLoadContext },
  scope: CredentialScope,
  subject: string,
  check: () => Promise<T>,
  classify: (error: unknown) => Outcome = classifyCredentialOutcome,
): Promise<T> {
  const key = {
    scope,
    subject: await accountName(subject),
    ip: context.clientIp,
    proven: CREDENTIAL_SCOPES[scope] === "proven",
  };
  try {
    return await appLimits().credentials.attempt(key, check, classify);
  } catch (error) {
    throw error instanceof RateLimitedError ? tooManyRequests(error) : error;
  }
}

/**
 * One name per account, whatever was typed: the user's `sub` when this app
 * has seen the name sign in (the session registry links each user's e-mail
 * and Cognito username to their `sub`, without case), else the name itself.
 * A `sub` is its own name. So "Demo@Example.com", "demo@example.com", the
 * Cognito username and a signed-in check all count against one account.
 */
export async function accountName(subject: string): Promise<string> {
  const name = subject.trim().toLowerCase();
  return (await getSessionRegistry().userIdForLogin(name)) ?? name;
}

/**
 * A session was made for `userId` (its `sub`) from this address: the address
 * is familiar to the account from now on, and never slowed by the account-wide
 * limit (limiters.server.ts).
 */
export async function noteSignedIn(userId: string, address: string | null): Promise<void> {
  await appLimits().credentials.markFamiliar(userId, address);
}

/**
 * Counts one try of the emailed sign-in code whose challenge is
 * `challengeSession`; false once it has had CODE_TRIES (the code is spent).
 * Counted here for every code, real or not, so a code that could never work
 * (an account that gets none) runs out exactly like a real one.
 */
export async function takeCodeTry(challengeSession: string): Promise<boolean> {
  const id = createHash("sha256").update(challengeSession).digest("base64url").slice(0, 22);
  return (await appLimits().codeTries.penalty(id)).consumedPoints <= CODE_TRIES;
}

/** Counts one sign-up from this client's address; 429 when over RATE_LIMIT_SIGNUPS_PER_HOUR. */
export async function limitSignUp({ context }: { context: AppLoadContext }): Promise<void> {
  await take(appLimits().signUps, context.clientIp);
}

/** Counts one code e-mail (resend, forgotten password); 429 when over RATE_LIMIT_CODE_SENDS_PER_HOUR. */
export async function limitCodeSend({ context }: { context: AppLoadContext }): Promise<void> {
  await take(appLimits().codeSends, context.clientIp);
}

/**
 * Counts one API request of a user (their `sub`) or of an app client's own
 * token (its client ID): RATE_LIMIT_API_USER_PER_MINUTE and
 * RATE_LIMIT_API_CLIENT_PER_MINUTE. Returns the seconds to wait when over the
 * limit (the API answers 429 in its own shape), null otherwise. Only verified
 * tokens are counted, so nobody can spend another's allowance.
 */
export async function limitApiRequest(caller: { kind: "user" | "machine"; subject: string }): Promise<number | null> {
  const { apiUsers, apiClients } = appLimits();
  try {
    await (caller.kind === "user" ? apiUsers : apiClients).takeFor(caller.subject);
    return null;
  } catch (error) {
    if (error instanceof RateLimitedError) return error.retryAfterSeconds;
    throw error;
  }
}

async function take(limiter: ActionLimiter, ip: string | null): Promise<void> {
  try {
    await limiter.take(ip);
  } catch (error) {
    throw error instanceof RateLimitedError ? tooManyRequests(error) : error;
  }
}

function tooManyRequests(error: RateLimitedError) {
  const wait = error.retryAfterSeconds;
  const message =
    error.reason === "account"
      ? `This account has had too many failed sign-ins from elsewhere, so new places may try it only now and then. Please wait ${describeWait(wait)} and try again, or sign in from a device you have used before.`
      : `Too many attempts. Please wait ${describeWait(wait)} and try again.`;
  return data({ message }, { status: 429, headers: { "Retry-After": String(wait) } });
}

/** "45 seconds", "3 minutes", "2 hours". */
export function describeWait(seconds: number): string {
  const [amount, unit] =
    seconds < 120
      ? [seconds, "second"]
      : seconds < 7200
        ? [Math.ceil(seconds / 60), "minute"]
        : [Math.ceil(seconds / 3600), "hour"];
  return `${amount} ${unit}${amount === 1 ? "" : "s"}`;
}

/**
 * The client's address, for the load context (server/index.js): the TCP
 * peer, or — behind a proxy we trust (TRUST_PROXY=1) — the last
 * X-Forwarded-For entry, the one that proxy added.
 */
export function clientIp(request: { headers: Headers; peerAddress: string | null }): string | null {
  if (getEnv().trustProxy) {
    const forwarded = request.headers.get("X-Forwarded-For");
    const last = forwarded
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean)
      .pop();
    if (last) return last;
  }
  return request.peerAddress;
}
