/**
 * One log line per sign-in attempt: flow, why that flow, outcome, and who —
 * as a short hash of the username or the user's `sub`. Never tokens,
 * passwords, codes or secrets.
 */
import { createHash } from "node:crypto";
import type { SignInFlow } from "~/cognito/auth-session.server";

export function usernameHash(username: string): string {
  return `h:${createHash("sha256").update(username.trim().toLowerCase()).digest("hex").slice(0, 12)}`;
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
