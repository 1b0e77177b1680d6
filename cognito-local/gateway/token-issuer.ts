/**
 * Every token the gateway hands out comes from here. A sign-in, however the
 * user proved who they are (a password or a challenge answer cognito-local
 * checked, an email code, a passkey, a confirmed sign-up, an identity
 * provider, the Hosted UI's session), ends in `signIn`: a new token family (the tokens' `origin_jti`), AWS-shaped access
 * and ID tokens and an opaque refresh token the gateway keeps. Refreshes,
 * rotation and the token endpoint's code exchange mint from a family.
 *
 * cognito-local still checks passwords and answers challenges, and issues
 * tokens doing so; those never leave the gateway (`signedInUpstream`
 * revokes its refresh token, so its user records do not grow with every
 * sign-in).
 */
import { randomUUID } from "node:crypto";
import { setImmediate } from "node:timers/promises";
import type { AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";
import { AwsError, invalidRefreshToken, refreshTokenRevoked } from "./errors.ts";
import type { Identity } from "./federation/identities.ts";
import { decodeJwt } from "./jwt.ts";
import type { Family, TokenFamilies } from "./token-families.ts";
import { type Grant, lifetime, type MintedTokens, newRefreshToken, TokenMinter } from "./token-minter.ts";
import type { AppClient, Upstream, User } from "./upstream.ts";

export interface SignInOptions {
  /** When the user authenticated (epoch seconds); now by default. A Hosted UI session signing in again keeps its own. */
  authTime?: number;
  /** The user's groups, when the caller knows them already (saves asking cognito-local). */
  groups?: string[];
}

/** Tokens as the API answers them (AuthenticationResult). */
export type IssuedTokens = AuthenticationResultType & { AccessToken: string };

export class TokenIssuer {
  private readonly minter: TokenMinter;

  constructor(
    private readonly o: {
      up: Upstream;
      families: TokenFamilies;
      /** The gateway's public base URL: the issuer domain of every token. */
      publicUrl: string;
      /**
       * How a user appears in its tokens: its name (a federated user's is
       * `<Provider>_<sub>`, not cognito-local's) and its outside identities.
       */
      presentation?: (poolId: string, username: string) => { username: string; identities: Identity[] };
    },
  ) {
    this.minter = new TokenMinter(o.publicUrl);
  }

  /** The end of every sign-in: a new token family, its access, ID and refresh tokens. */
  async signIn(client: AppClient, user: User, options: SignInOptions = {}): Promise<IssuedTokens> {
    const now = Math.floor(Date.now() / 1000);
    const family: Family = {
      id: randomUUID(),
      clientId: client.ClientId,
      poolId: client.UserPoolId,
      username: user.Username,
      authTime: options.authTime ?? now,
      expiresAt: now + lifetime(client, "RefreshToken"),
    };
    const groups = options.groups ?? (await this.o.up.groups(client.UserPoolId, user.Username));
    const refreshToken = newRefreshToken();
    const tokens = this.mintFor(client, user, groups, family, {});
    this.o.families.start(family, refreshToken);
    return answer(tokens, refreshToken);
  }

  /**
   * An access token for the client itself (the client_credentials grant): no
   * user, no token family and no refresh token (AWS issues none for this
   * grant), the granted custom scopes, the client's access-token lifetime.
   */
  issueForClient(client: AppClient, scopes: readonly string[]): { AccessToken: string; ExpiresIn: number } {
    const now = Math.floor(Date.now() / 1000);
    return {
      AccessToken: this.minter.accessToken(client, null, { authTime: now, scopes }, { now }),
      ExpiresIn: lifetime(client, "AccessToken"),
    };
  }

  /**
   * A sign-in cognito-local completed (it checked the password or the
   * challenge answer): its tokens are dropped for the gateway's, and its
   * refresh token revoked there.
   */
  async signedInUpstream(
    client: AppClient,
    user: User,
    upstream: AuthenticationResultType | undefined,
    options: SignInOptions = {},
  ): Promise<IssuedTokens> {
    // Revoked while the gateway signs its own tokens: cognito-local's work and
    // the gateway's overlap, and the answer still waits for both.
    const revoked = upstream?.RefreshToken ? this.o.up.revoke(client.ClientId, upstream.RefreshToken) : undefined;
    // (Signing holds the thread: the revocation's request goes out first.)
    if (revoked) await setImmediate();
    try {
      // cognito-local's access token names the user's groups: no need to ask again.
      const groups = decodeJwt(upstream?.AccessToken)?.payload["cognito:groups"];
      const known = Array.isArray(groups) && groups.every((g) => typeof g === "string") ? groups : undefined;
      return await this.signIn(client, user, {
        groups: upstream?.AccessToken ? (known ?? []) : undefined,
        ...options,
      });
    } finally {
      await revoked;
    }
  }

  /**
   * The family of a refresh token presented by `client`, as AWS answers for
   * one it will not take: made up or another client's ("Invalid Refresh
   * Token"), revoked, expired, or rotated out past its grace period.
   */
  familyOf(refreshToken: string, clientId: string): { family: Family; rotatedOut: boolean } {
    const found = this.o.families.lookup(refreshToken);
    if (!found || found.family.clientId !== clientId) throw invalidRefreshToken();
    const { family, entry } = found;
    if (family.revoked) throw refreshTokenRevoked();
    if (family.expiresAt * 1000 <= Date.now())
      throw new AwsError("NotAuthorizedException", "Refresh Token has expired");
    if (entry.graceUntil !== undefined && entry.graceUntil <= Date.now()) {
      throw new AwsError("RefreshTokenReuseException", "Refresh token has been rotated and is no longer valid.");
    }
    return { family, rotatedOut: entry.graceUntil !== undefined };
  }

  /**
   * New access and ID tokens for a family (a refresh), keeping its
   * `auth_time`, `origin_jti` and scopes; with `rotate`, a new refresh token
   * too, the presented one rotated out after `graceSeconds`.
   */
  async refresh(
    client: AppClient,
    user: User,
    family: Family,
    options: { rotate?: { presented: string; graceSeconds: number }; tokenEndpoint?: boolean } = {},
  ): Promise<IssuedTokens> {
    const groups = await this.o.up.groups(client.UserPoolId, user.Username);
    const tokens = this.mintFor(client, user, groups, family, { tokenEndpoint: options.tokenEndpoint });
    if (!options.rotate) return answer(tokens);
    // Checked again after the await, with none until it is rotated out: of two concurrent
    // refreshes of one token, the second meets the first's rotation, not slipping between.
    this.familyOf(options.rotate.presented, client.ClientId);
    const next = newRefreshToken();
    this.o.families.addToken(family.id, next);
    this.o.families.rotateOut(options.rotate.presented, options.rotate.graceSeconds);
    return answer(tokens, next);
  }

  /**
   * The token endpoint's code exchange: tokens for the family the Hosted UI
   * sign-in started, with the OAuth scopes granted and the authorization
   * request's nonce, minted now (so `expires_in` counts from the exchange).
   */
  async exchangeCode(
    client: AppClient,
    refreshToken: string,
    grant: { scopes: string[]; nonce?: string },
  ): Promise<IssuedTokens> {
    const { family } = this.familyOf(refreshToken, client.ClientId);
    const user = await this.o.up.user(client.UserPoolId, family.username);
    if (!user || user.Enabled === false) throw new AwsError("NotAuthorizedException", "User cannot sign in");
    this.o.families.grantScopes(family.id, grant.scopes);
    const granted = { ...family, scopes: grant.scopes };
    const groups = await this.o.up.groups(client.UserPoolId, user.Username);
    const tokens = this.mintFor(client, user, groups, granted, { nonce: grant.nonce, tokenEndpoint: true });
    return answer(tokens, refreshToken);
  }

  private mintFor(
    client: AppClient,
    user: User,
    groups: string[],
    family: Family,
    extra: Pick<Grant, "nonce" | "tokenEndpoint">,
  ): MintedTokens {
    const shown = this.o.presentation?.(client.UserPoolId, user.Username);
    return this.minter.mint(
      client,
      {
        username: shown?.username ?? user.Username,
        attributes: user.UserAttributes ?? [],
        groups,
        identities: shown?.identities ?? [],
      },
      { originJti: family.id, authTime: family.authTime, scopes: family.scopes, ...extra },
    );
  }
}

/** AuthenticationResult in AWS's member order. */
function answer(tokens: MintedTokens, refreshToken?: string): IssuedTokens {
  return {
    AccessToken: tokens.AccessToken,
    ExpiresIn: tokens.ExpiresIn,
    ...(tokens.IdToken ? { IdToken: tokens.IdToken } : {}),
    ...(refreshToken ? { RefreshToken: refreshToken } : {}),
    TokenType: "Bearer",
  };
}
