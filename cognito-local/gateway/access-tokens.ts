/**
 * Access tokens as AWS checks them on the operations they authorise
 * (`GetUser`, `ChangePassword`, passkeys, …): cognito-local only decodes them,
 * so a forged one would read any user.
 */
import { accessTokenExpired, accessTokenRevoked, invalidAccessToken } from "./errors.ts";
import { claim, decodeJwt, type Jwt, numericClaim, verifyRs256 } from "./jwt.ts";
import { poolIdOf, type TokenRegistry } from "./token-registry.ts";
import type { Upstream } from "./upstream.ts";

export interface VerifiedAccessToken {
  jwt: Jwt;
  poolId: string;
  username: string;
}

export class AccessTokens {
  private warnedIssuer = false;

  constructor(
    private readonly o: {
      up: Upstream;
      registry: TokenRegistry;
      /** The gateway's public base URL: the issuer domain of every token. */
      publicUrl: string;
      log: (line: string) => void;
    },
  ) {}

  /**
   * Verifies an access token as AWS does: signature (the pool's JWKS),
   * issuer, `token_use`, expiry, and revocation (RevokeToken, GlobalSignOut).
   */
  async verify(token: unknown): Promise<VerifiedAccessToken> {
    const jwt = decodeJwt(token);
    if (!jwt) throw invalidAccessToken();
    const poolId = poolIdOf(jwt);
    const iss = claim(jwt, "iss");
    if (iss !== `${this.o.publicUrl}/${poolId}`) {
      if (!this.warnedIssuer) {
        this.warnedIssuer = true;
        this.o.log(
          `access token issuer ${iss} is not this gateway (${this.o.publicUrl}/<pool id>): start cognito-local with TokenConfig.IssuerDomain = ${this.o.publicUrl} (startLocalCognito does)`,
        );
      }
      throw invalidAccessToken();
    }
    let keys = await this.o.up.jwks(poolId);
    if (!keys.some((k) => k.kid === jwt.header.kid)) keys = await this.o.up.jwks(poolId, true);
    if (!verifyRs256(jwt, keys) || claim(jwt, "token_use") !== "access") throw invalidAccessToken();
    if ((numericClaim(jwt, "exp") ?? 0) <= Date.now() / 1000) throw accessTokenExpired();
    if (this.o.registry.isAccessTokenRevoked(jwt)) throw accessTokenRevoked();
    return { jwt, poolId, username: claim(jwt, "username") ?? "" };
  }
}
