/**
 * Access tokens as AWS checks them on the operations they authorise
 * (`GetUser`, `ChangePassword`, passkeys, …): cognito-local only decodes them,
 * so a forged one would read any user.
 */
import { AwsError, accessTokenExpired, accessTokenRevoked, invalidAccessToken } from "./errors.ts";
import { claim, decodeJwt, type Jwt, numericClaim, verifyRs256 } from "./jwt.ts";
import type { TokenFamilies } from "./token-families.ts";
import { ADMIN_SCOPE } from "./token-minter.ts";
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
      families: TokenFamilies;
      /** The gateway's public base URL: the issuer domain of every token. */
      publicUrl: string;
      log: (line: string) => void;
    },
  ) {}

  /**
   * Verifies an access token as AWS does: signature (the pool's JWKS),
   * issuer, `token_use`, expiry, revocation (RevokeToken, GlobalSignOut:
   * its `origin_jti`), and — for the user's own operations, `scope` null
   * elsewhere — the scope AWS requires of them: "Must include a scope claim
   * for aws.cognito.signin.user.admin".
   */
  async verify(token: unknown, { scope = ADMIN_SCOPE }: { scope?: string | null } = {}): Promise<VerifiedAccessToken> {
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
    const username = claim(jwt, "username") ?? "";
    if (this.isRevoked(jwt, poolId, username)) throw accessTokenRevoked();
    if (scope !== null && !(claim(jwt, "scope") ?? "").split(" ").includes(scope)) {
      throw new AwsError("NotAuthorizedException", "Access Token does not have required scopes");
    }
    return { jwt, poolId, username };
  }

  /**
   * Revoked with its sign-in (its `origin_jti`'s family), or — a token of no
   * family the gateway knows — issued before its user signed out everywhere.
   * (Token times are whole seconds, so that test is strict.)
   */
  private isRevoked(jwt: Jwt, poolId: string, username: string): boolean {
    const originJti = claim(jwt, "origin_jti");
    if (originJti && this.o.families.family(originJti)) return this.o.families.isRevoked(originJti);
    const signedOut = this.o.families.signedOutAt(poolId, username);
    return signedOut !== undefined && (numericClaim(jwt, "iat") ?? 0) < signedOut;
  }
}

/** The pool ID is the last path segment of `iss` (`<issuer domain>/<pool id>`). */
export function poolIdOf(jwt: Jwt): string {
  const iss = claim(jwt, "iss") ?? "";
  return iss.slice(iss.lastIndexOf("/") + 1);
}
