/**
 * The app's rate limits, as routes use them (docs/decisions/007-rate-limits.md):
 *
 * - `limitCredentialCheck` wraps every call that checks a password or a code.
 *   Only failures count: per account and address (blocked after
 *   RATE_LIMIT_CONSECUTIVE_FAILURES in a row, growing back-off) and per
 *   address (RATE_LIMIT_IP_FAILURES_PER_DAY); a success clears the account's
 *   count from that address.
 * - `limitSignUp` and `limitCodeSend` count every request, per address per hour.
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
import { type AppLoadContext, data } from "@remix-run/node";
import {
  ChallengeRequiredError,
  CodeMismatchError,
  ExpiredCodeError,
  IncorrectCurrentPasswordError,
  InvalidCredentialsError,
} from "~/cognito/errors.server";
import { getEnv } from "~/env.server";
import { type LimiterStore, memoryStore } from "./limiter-store.server";
import { ActionLimiter, CredentialLimiter, type Outcome, RateLimitedError } from "./limiters.server";

interface AppLimits {
  credentials: CredentialLimiter;
  signUps: ActionLimiter;
  codeSends: ActionLimiter;
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
    const config = getEnv().rateLimits;
    store ??= memoryStore({ maxKeys: config.maxKeys });
    limits = {
      credentials: new CredentialLimiter(store, {
        consecutiveFailures: config.consecutiveFailures,
        firstBlockSeconds: 60,
        maxBlockSeconds: 24 * 60 * 60,
        failuresPerIpPerDay: config.ipFailuresPerDay,
        maxInFlightPerIp: config.maxInFlightPerIp,
      }),
      signUps: new ActionLimiter(store, { name: "signup", points: config.signUpsPerHour, durationSeconds: 3600 }),
      codeSends: new ActionLimiter(store, {
        name: "code-send",
        points: config.codeSendsPerHour,
        durationSeconds: 3600,
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
 * @param scope which form: "login", "mfa", "confirm", "reset", "change-password", …
 * @param subject the account: the username typed, the challenge's user, or the signed-in `sub`
 * @param classify how to read an error `check` throws (default: classifyCredentialOutcome)
 */
export async function limitCredentialCheck<T>(
  { context }: { context: AppLoadContext },
  scope: string,
  subject: string,
  check: () => Promise<T>,
  classify: (error: unknown) => Outcome = classifyCredentialOutcome,
): Promise<T> {
  try {
    return await appLimits().credentials.attempt({ scope, subject, ip: context.clientIp }, check, classify);
  } catch (error) {
    throw error instanceof RateLimitedError ? tooManyRequests(error) : error;
  }
}

/** Counts one sign-up from this client's address; 429 when over RATE_LIMIT_SIGNUPS_PER_HOUR. */
export async function limitSignUp({ context }: { context: AppLoadContext }): Promise<void> {
  await take(appLimits().signUps, context.clientIp);
}

/** Counts one code e-mail (resend, forgotten password); 429 when over RATE_LIMIT_CODE_SENDS_PER_HOUR. */
export async function limitCodeSend({ context }: { context: AppLoadContext }): Promise<void> {
  await take(appLimits().codeSends, context.clientIp);
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
  return data(
    { message: `Too many attempts. Please wait ${describeWait(wait)} and try again.` },
    { status: 429, headers: { "Retry-After": String(wait) } },
  );
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
