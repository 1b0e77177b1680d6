/**
 * An in-memory limiter for password and code entry: at most `limit` attempts
 * per key (client IP, username…) per window, answering 429 with Retry-After.
 *
 * Single-instance by design: each app process counts on its own. On AWS,
 * Cognito throttles on its side as well; behind several instances, put a
 * limiter at the edge (WAF, API gateway, reverse proxy) for a shared count.
 */
import { type AppLoadContext, data } from "@remix-run/node";
import { getEnv } from "~/env.server";

/** Default attempts per window (RATE_LIMIT_PER_MINUTE overrides). */
export const ATTEMPTS_PER_WINDOW = 10;
export const WINDOW_MS = 60_000;
/** Bound on memory: beyond this many keys the oldest windows are dropped. */
const MAX_KEYS = 50_000;

interface Window {
  start: number;
  count: number;
}

const windows = new Map<string, Window>();

/** Records one attempt for each key; returns seconds to wait when any key is over the limit. */
export function hit(keys: string[], now = Date.now(), limit = ATTEMPTS_PER_WINDOW): number | null {
  let retryAfter: number | null = null;
  for (const key of keys) {
    let w = windows.get(key);
    if (!w || now - w.start >= WINDOW_MS) {
      w = { start: now, count: 0 };
      windows.delete(key); // re-insert: Map order is our age order
      windows.set(key, w);
    }
    w.count++;
    if (w.count > limit) {
      const wait = Math.ceil((w.start + WINDOW_MS - now) / 1000);
      retryAfter = Math.max(retryAfter ?? 0, wait);
    }
  }
  while (windows.size > MAX_KEYS) windows.delete(windows.keys().next().value!);
  return retryAfter;
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

/** Throws 429 (with Retry-After) when this client's IP or this subject has made too many attempts. */
export function limitAttempts({ context }: { context: AppLoadContext }, scope: string, subject?: string | null): void {
  const keys: string[] = [];
  const ip = context.clientIp;
  if (ip) keys.push(`${scope}:ip:${ip}`);
  if (subject) keys.push(`${scope}:user:${subject.trim().toLowerCase()}`);
  const retryAfter = hit(keys, Date.now(), getEnv().rateLimitPerMinute);
  if (retryAfter !== null) {
    throw data(
      { message: `Too many attempts. Please wait ${retryAfter} seconds and try again.` },
      { status: 429, headers: { "Retry-After": String(retryAfter) } },
    );
  }
}

/** For tests of this module. */
export function resetRateLimits(): void {
  windows.clear();
}
