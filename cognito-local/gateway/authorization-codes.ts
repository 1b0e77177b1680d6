/**
 * Authorization codes: single-use, short-lived (AWS: 5 minutes), bound to the
 * client, the redirect_uri and the PKCE challenge of the request that made them.
 */
import { randomUUID } from "node:crypto";
import type { AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";

export interface CodeGrant {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  /** Tokens issued at sign-in, handed out once for the code. */
  tokens: AuthenticationResultType;
  expiresAt: number;
}

export class AuthorizationCodes {
  private readonly grants = new Map<string, CodeGrant>();

  constructor(private readonly ttlMs: number) {}

  issue(grant: Omit<CodeGrant, "expiresAt">): string {
    const code = randomUUID();
    this.grants.set(code, { ...grant, expiresAt: Date.now() + this.ttlMs });
    return code;
  }

  /** The grant, once: a second call, or a call after expiry, finds nothing. */
  consume(code: string): CodeGrant | undefined {
    const grant = this.grants.get(code);
    this.grants.delete(code);
    return grant && grant.expiresAt > Date.now() ? grant : undefined;
  }

  sweep(now = Date.now()): void {
    for (const [code, grant] of this.grants) if (grant.expiresAt <= now) this.grants.delete(code);
  }
}
