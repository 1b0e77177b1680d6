/**
 * Tokens as the gateway hands them out: cognito-local's own, recorded for
 * revocation and completed with what AWS answers with them (`ExpiresIn`,
 * `TokenType`), or tokens the gateway mints itself for a factor cognito-local
 * cannot check (email code, passkey, confirmed sign-up), with a refresh token
 * the gateway keeps.
 */
import type { AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";
import type { Identity } from "./federation/identities.ts";
import type { RefreshTokens } from "./refresh-tokens.ts";
import { type MintOptions, TokenMinter } from "./token-minter.ts";
import type { TokenRegistry } from "./token-registry.ts";
import type { AppClient, Upstream, User } from "./upstream.ts";

export class TokenIssuer {
  private readonly minter: TokenMinter;

  constructor(
    private readonly o: {
      up: Upstream;
      registry: TokenRegistry;
      refreshTokens: RefreshTokens;
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

  /** Records tokens cognito-local issued, and adds what AWS answers with them (ExpiresIn, TokenType). */
  issued<T extends AuthenticationResultType | undefined>(client: AppClient, result: T, fromRefreshToken?: string): T {
    if (!result) return result;
    const issued = this.o.registry.record(client.ClientId, result, fromRefreshToken);
    return { ...result, ExpiresIn: issued?.expiresIn ?? 3600, TokenType: "Bearer" };
  }

  /**
   * Tokens for a user who proved a factor cognito-local cannot check (email
   * code, passkey, confirmed sign-up), or whom the Hosted UI's session signs
   * in again (`authTime`: when they really signed in; default now): minted by
   * the gateway in cognito-local's layout, with a refresh token the gateway
   * keeps, whose refreshes keep that `auth_time`.
   */
  async issue(
    client: AppClient,
    user: User,
    { authTime }: { authTime?: number } = {},
  ): Promise<AuthenticationResultType> {
    const signedInAt = authTime ?? Math.floor(Date.now() / 1000);
    const { refreshExpiresAt, ...tokens } = await this.mint(client, user, {
      authTime: signedInAt,
      refreshToken: true,
    });
    this.o.refreshTokens.recordMinted(tokens.RefreshToken!, {
      clientId: client.ClientId,
      poolId: client.UserPoolId,
      username: user.Username,
      authTime: signedInAt,
      expiresAt: refreshExpiresAt!,
    });
    return this.issued(client, tokens);
  }

  /** New tokens for the user, in cognito-local's layout (the caller records them). */
  async mint(client: AppClient, user: User, options: MintOptions) {
    const groups = await this.o.up.groups(client.UserPoolId, user.Username);
    const shown = this.o.presentation?.(client.UserPoolId, user.Username);
    return this.minter.mint(
      client,
      {
        username: shown?.username ?? user.Username,
        attributes: user.UserAttributes ?? [],
        groups,
        identities: shown?.identities ?? [],
      },
      options,
    );
  }
}
