/**
 * One refresh per session at a time, inside this process.
 *
 * A page load sends several requests with the same session cookie (the
 * document, then data requests), and when the access token is due they all
 * want a refresh. With refresh-token rotation, each refresh spends the
 * refresh token it used: two refreshes from the same cookie would race, and
 * the loser's token would be refused once the rotation grace period is over
 * — signing the user out. So concurrent refreshes of the same refresh token
 * share one Cognito call, and a request that arrives just after it (its
 * browser had not yet received the new cookie) gets the same result for a
 * few seconds. Across instances, the rotation grace period
 * (`RetryGracePeriodSeconds` on the app client) lets the old token work a
 * little longer (see ADR 012).
 */
import { createHash } from "node:crypto";

/** How long a finished refresh is handed to late requests carrying the old cookie. */
export const RECENT_REFRESH_MS = 10_000;
/** Bound on remembered results: a flood of sessions can never grow this without limit. */
const MAX_REMEMBERED = 10_000;

const inFlight = new Map<string, Promise<unknown>>();
const recent = new Map<string, { value: unknown; until: number }>();

// Keys are hashes: tokens are secrets and need not sit in a map as such.
const keyOf = (tokens: string) => createHash("sha256").update(tokens).digest("base64url");

/**
 * Runs `refresh` once for concurrent callers presenting the same tokens (the
 * session cookie's refresh + access token, as one key string);
 * a failure is shared too (and not remembered). `reuseRecent: false` (a
 * reload after a profile change, which wants current claims) skips the
 * result of a refresh that has just finished, not one in flight.
 */
export function refreshOnce<T>(
  cookieTokens: string,
  refresh: () => Promise<T>,
  { reuseRecent = true }: { reuseRecent?: boolean } = {},
): Promise<T> {
  const key = keyOf(cookieTokens);
  const now = Date.now();
  const done = recent.get(key);
  if (done && done.until > now && reuseRecent) return Promise.resolve(done.value as T);
  if (done) recent.delete(key);
  const running = inFlight.get(key);
  if (running) return running as Promise<T>;

  const promise = refresh().then(
    (value) => {
      inFlight.delete(key);
      remember(key, value);
      return value;
    },
    (error) => {
      inFlight.delete(key);
      throw error;
    },
  );
  inFlight.set(key, promise);
  return promise;
}

function remember(key: string, value: unknown) {
  const now = Date.now();
  if (recent.size >= MAX_REMEMBERED) {
    for (const [k, v] of recent) if (v.until <= now) recent.delete(k);
    // Still full: drop the oldest (insertion order); it only costs a second refresh.
    while (recent.size >= MAX_REMEMBERED) recent.delete(recent.keys().next().value as string);
  }
  recent.set(key, { value, until: now + RECENT_REFRESH_MS });
}
