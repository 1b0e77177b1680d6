/**
 * Authorization codes: single-use, short-lived (AWS: 5 minutes), bound to the
 * client, the redirect_uri and the PKCE challenge of the request that made
 * them, and to the sign-in behind them, whose tokens the exchange mints.
 */
import { randomUUID } from "node:crypto";
import { ExpiringStore } from "./expiring-store.ts";

export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  /** The request's PKCE challenge (S256), if it sent one. */
  codeChallenge?: string;
  /** The refresh token of the sign-in (token family) the code stands for. */
  refreshToken: string;
  /** The OAuth scopes the request was granted. */
  scopes: string[];
  /** The request's nonce, for the ID token. */
  nonce?: string;
  expiresAt: number;
}

export class AuthorizationCodes {
  private readonly grants: ExpiringStore<CodeGrant>;

  /**
   * @param ttlMs how long a code lives
   * @param capacity most codes waiting to be redeemed (then sign-ins are refused, never a code forgotten)
   * @param now the clock
   */
  constructor(
    private readonly ttlMs: number,
    capacity: number,
    private readonly now: () => number = Date.now,
  ) {
    this.grants = new ExpiringStore("authorization codes", capacity, now);
  }

  get size(): number {
    return this.grants.size;
  }

  /** Throws StoreFullError unless a code can be issued now. */
  ensureRoom(): void {
    this.grants.ensureRoom();
  }

  issue(grant: Omit<CodeGrant, "expiresAt">): string {
    const code = randomUUID();
    this.grants.set(code, { ...grant, expiresAt: this.now() + this.ttlMs });
    return code;
  }

  /** The grant, once: a second call, or a call after expiry, finds nothing. */
  consume(code: string): CodeGrant | undefined {
    const grant = this.grants.get(code);
    this.grants.delete(code);
    return grant && grant.expiresAt > this.now() ? grant : undefined;
  }

  sweep(): void {
    this.grants.sweep();
  }
}
