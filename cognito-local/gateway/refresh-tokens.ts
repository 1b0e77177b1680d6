/**
 * Refresh tokens the gateway minted itself (passwordless sign-ins, rotation),
 * which cognito-local knows nothing of, and the rotation state of
 * cognito-local's own tokens. Durable, like cognito-local's own refresh
 * tokens: a restarted emulator still refreshes, refuses revoked tokens and
 * remembers which tokens were rotated out.
 *
 * Only a SHA-256 of each token is stored, never the token.
 */
import { createHash } from "node:crypto";
import { AwsError, invalidRefreshToken, refreshTokenRevoked } from "./errors.ts";
import { JsonStore } from "./json-store.ts";

export interface RefreshEntry {
  clientId: string;
  poolId: string;
  /** Canonical username. */
  username: string;
  /** The sign-in's time (epoch seconds), kept by refreshes as AWS keeps `auth_time`. */
  authTime: number;
  /** Epoch seconds. */
  expiresAt: number;
  /** True for a gateway-minted token; false for one of cognito-local's, recorded only once rotated. */
  minted: boolean;
  revoked?: boolean;
  /** Epoch ms until which a rotated-out token still works (the client's grace period). */
  graceUntil?: number;
}

interface Document {
  tokens: Record<string, RefreshEntry>;
}

const hash = (token: string) => createHash("sha256").update(token).digest("base64url");

export class RefreshTokens {
  private readonly store: JsonStore<Document>;

  constructor(stateDir: string | undefined) {
    this.store = new JsonStore<Document>(stateDir, "refresh-tokens.json", () => ({ tokens: {} }));
  }

  /** The entry of a gateway-minted token, or of a rotated-out cognito-local token; undefined otherwise. */
  get(token: string): RefreshEntry | undefined {
    return this.store.data.tokens[hash(token)];
  }

  /** Records a token the gateway has just minted. */
  recordMinted(token: string, entry: Omit<RefreshEntry, "minted">): void {
    this.store.update((d) => {
      prune(d);
      d.tokens[hash(token)] = { ...entry, minted: true };
    });
  }

  /**
   * Whether the token may still be used, as AWS answers otherwise. A token
   * the store does not know is cognito-local's business.
   */
  check(token: string, clientId: string, now = Date.now()): RefreshEntry | undefined {
    const entry = this.get(token);
    if (!entry) return undefined;
    if (entry.clientId !== clientId) throw invalidRefreshToken();
    if (entry.revoked) throw refreshTokenRevoked();
    if (entry.expiresAt * 1000 <= now) throw new AwsError("NotAuthorizedException", "Refresh Token has expired");
    if (entry.graceUntil !== undefined && entry.graceUntil <= now) {
      throw new AwsError("RefreshTokenReuseException", "Refresh token has been rotated and is no longer valid.");
    }
    return entry;
  }

  /**
   * Rotates a token out: it keeps working for `graceSeconds` from its first
   * rotation (AWS's RetryGracePeriodSeconds, for client retries), then is
   * refused with RefreshTokenReuseException.
   */
  rotateOut(token: string, entry: Omit<RefreshEntry, "minted">, minted: boolean, graceSeconds: number): void {
    this.store.update((d) => {
      const key = hash(token);
      const current = d.tokens[key];
      if (current?.graceUntil !== undefined) return; // a retry within the grace period: the clock runs from the first
      d.tokens[key] = { ...entry, ...current, minted, graceUntil: Date.now() + graceSeconds * 1000 };
    });
  }

  /** Revokes a gateway-minted token; false when it is not one. */
  revoke(token: string): boolean {
    const key = hash(token);
    if (!this.store.data.tokens[key]?.minted) return false;
    this.store.update((d) => {
      d.tokens[key]!.revoked = true;
    });
    return true;
  }

  /** Global sign-out: revokes every token the gateway minted for the user. Returns how many. */
  revokeUser(poolId: string, username: string): number {
    let count = 0;
    this.store.update((d) => {
      for (const entry of Object.values(d.tokens)) {
        if (entry.minted && !entry.revoked && entry.poolId === poolId && entry.username === username) {
          entry.revoked = true;
          count++;
        }
      }
    });
    return count;
  }
}

/** Forgets expired tokens, so the file does not grow without end. */
function prune(d: Document, now = Date.now()) {
  for (const [key, entry] of Object.entries(d.tokens)) if (entry.expiresAt * 1000 <= now) delete d.tokens[key];
}
