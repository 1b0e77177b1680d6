/**
 * One log line per sign-in attempt: flow, why that flow, outcome, and who —
 * as a keyed hash of the username or the user's `sub`. Never tokens,
 * passwords, codes or secrets.
 */
import { createHmac, hkdfSync } from "node:crypto";
import type { SignInFlow } from "~/cognito/auth-session.server";
import { getEnv } from "~/env.server";

const HKDF_SALT = "remix-cognito/log";
const HKDF_INFO = "remix-cognito username hash v1 hmac-sha256";

/**
 * A hasher for usernames in logs: HMAC-SHA256 under a key derived (HKDF) from
 * `secret`. Keyed, because usernames are email addresses: a plain hash of a
 * known address is found by hashing the address, so anyone reading the logs
 * could check whether a given person tried to sign in. With the key (derived
 * from SESSION_SECRET, which log readers do not have) equal hashes still
 * correlate attempts, and nothing else. Rotating SESSION_SECRET starts a new
 * series of hashes.
 */
export function createUsernameHasher(secret: string): (username: string) => string {
  const key = Buffer.from(hkdfSync("sha256", secret, HKDF_SALT, HKDF_INFO, 32));
  return (username) =>
    `h:${createHmac("sha256", key).update(username.trim().toLowerCase()).digest("hex").slice(0, 16)}`;
}

let hasher: ((username: string) => string) | undefined;

/** The keyed hash of a username for log lines (key from the first SESSION_SECRET). */
export function usernameHash(username: string): string {
  hasher ??= createUsernameHasher(getEnv().sessionSecrets[0]!);
  return hasher(username);
}

export interface SignInLog {
  flow: SignInFlow;
  reason: string;
  outcome: string;
  /** `sub:<uuid>` or a username hash. */
  who?: string;
}

export function logSignIn(entry: SignInLog): void {
  console.info(
    `[auth] sign-in flow=${entry.flow} reason="${entry.reason}" outcome=${entry.outcome}` +
      (entry.who ? ` user=${entry.who}` : ""),
  );
}
