/**
 * What the gateway remembers about the tokens that pass through it, to give
 * cognito-local AWS's revocation semantics:
 *
 * - every refresh token it sees issued, with its client and user, and the
 *   access tokens (by `jti`) issued with or from it;
 * - revoking a refresh token (RevokeToken, /oauth2/revoke) also revokes those
 *   access tokens, as on AWS;
 * - GlobalSignOut revokes all of a user's refresh tokens and every access
 *   token issued before it.
 *
 * In memory: a restarted gateway forgets revocations of access tokens (the
 * refresh tokens stay revoked in cognito-local).
 */
import type { AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";
import { claim, decodeJwt, type Jwt, numericClaim } from "./jwt.ts";

interface RefreshEntry {
  clientId: string;
  poolId: string;
  username: string;
  accessJtis: Set<string>;
}

export interface IssuedTokens {
  poolId: string;
  username: string;
  /** Seconds the access token lives (AWS's ExpiresIn / expires_in). */
  expiresIn: number;
}

const userKey = (poolId: string, username: string) => `${poolId}\u0000${username}`;

export class TokenRegistry {
  private readonly refreshTokens = new Map<string, RefreshEntry>();
  private readonly revokedRefreshTokens = new Set<string>();
  private readonly revokedJtis = new Set<string>();
  /** User → epoch seconds of their last global sign-out. */
  private readonly signedOutAt = new Map<string, number>();

  /**
   * Records tokens cognito-local has just issued. `fromRefreshToken` is the
   * refresh token presented for a REFRESH_TOKEN_AUTH.
   */
  record(clientId: string, result: AuthenticationResultType, fromRefreshToken?: string): IssuedTokens | null {
    const access = decodeJwt(result.AccessToken);
    if (!access) return null;
    const poolId = poolIdOf(access);
    const username = claim(access, "username") ?? "";
    const jti = claim(access, "jti");
    const refreshToken = result.RefreshToken ?? fromRefreshToken;
    if (refreshToken) {
      let entry = this.refreshTokens.get(refreshToken);
      if (!entry) {
        entry = { clientId, poolId, username, accessJtis: new Set() };
        this.refreshTokens.set(refreshToken, entry);
      }
      if (jti) entry.accessJtis.add(jti);
    }
    const iat = numericClaim(access, "iat") ?? 0;
    const exp = numericClaim(access, "exp") ?? iat + 3600;
    return { poolId, username, expiresIn: exp - iat };
  }

  /** Entries held, for tests and diagnostics. */
  stateSizes(): { refreshTokens: number; revokedRefreshTokens: number; revokedAccessTokens: number } {
    return {
      refreshTokens: this.refreshTokens.size,
      revokedRefreshTokens: this.revokedRefreshTokens.size,
      revokedAccessTokens: this.revokedJtis.size,
    };
  }

  /** The client a refresh token was issued to, if the gateway saw it issued. */
  clientOf(refreshToken: string): string | undefined {
    return this.refreshTokens.get(refreshToken)?.clientId;
  }

  isRefreshTokenRevoked(refreshToken: string): boolean {
    return this.revokedRefreshTokens.has(refreshToken);
  }

  /** Marks a refresh token, and the access tokens issued with or from it, revoked. */
  revokeRefreshToken(refreshToken: string): void {
    this.revokedRefreshTokens.add(refreshToken);
    const entry = this.refreshTokens.get(refreshToken);
    if (entry) for (const jti of entry.accessJtis) this.revokedJtis.add(jti);
  }

  /**
   * Global sign-out: returns the user's refresh tokens (with their clients)
   * for the caller to revoke in cognito-local, and revokes their access tokens.
   */
  signOut(poolId: string, username: string): Array<{ clientId: string; token: string }> {
    this.signedOutAt.set(userKey(poolId, username), Math.floor(Date.now() / 1000));
    const tokens: Array<{ clientId: string; token: string }> = [];
    for (const [token, entry] of this.refreshTokens) {
      if (entry.poolId !== poolId || entry.username !== username || this.revokedRefreshTokens.has(token)) continue;
      this.revokeRefreshToken(token);
      tokens.push({ clientId: entry.clientId, token });
    }
    return tokens;
  }

  /**
   * True for an access token revoked with its refresh token, or issued
   * before its user's global sign-out. (Access tokens the gateway saw are
   * revoked by `jti`; the time test catches the others. Token times are in
   * whole seconds, so the time test is strict: a token issued in the very
   * second of the sign-out, and not seen by the gateway, stays valid.)
   */
  isAccessTokenRevoked(access: Jwt): boolean {
    const jti = claim(access, "jti");
    if (jti && this.revokedJtis.has(jti)) return true;
    const signedOut = this.signedOutAt.get(userKey(poolIdOf(access), claim(access, "username") ?? ""));
    return signedOut !== undefined && (numericClaim(access, "iat") ?? 0) < signedOut;
  }
}

/** The pool ID is the last path segment of `iss` (`<issuer domain>/<pool id>`). */
export function poolIdOf(jwt: Jwt): string {
  const iss = claim(jwt, "iss") ?? "";
  return iss.slice(iss.lastIndexOf("/") + 1);
}
