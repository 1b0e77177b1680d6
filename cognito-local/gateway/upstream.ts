/**
 * cognito-local as the gateway sees it: its public JSON API only. Calls it
 * forwards for a client go raw (`call`), so the answer is cognito-local's own;
 * so do the lookups on every request (the client, the user, the pool, the
 * user's groups) and the revocation of the refresh token cognito-local issues
 * at every sign-in: through the AWS SDK each cost 1.4–2.1 ms of the gateway's
 * CPU against 1.1 ms raw (measured here), spent on signing and middleware
 * cognito-local ignores. The rest goes through the SDK.
 */
import {
  type AdminGetUserCommandOutput,
  AdminInitiateAuthCommand,
  AdminUpdateUserAttributesCommand,
  type AuthenticationResultType,
  CognitoIdentityProviderClient,
  ListUserPoolClientsCommand,
  ListUserPoolsCommand,
  type UserPoolClientType,
  type UserPoolType,
} from "@aws-sdk/client-cognito-identity-provider";
import { AwsError, toAwsError } from "./errors.ts";
import type { Jwk } from "./jwt.ts";
import type { Input, Operation, Output } from "./operations/operation.ts";

export type AppClient = UserPoolClientType & { ClientId: string; UserPoolId: string };
export type User = AdminGetUserCommandOutput & { Username: string };

/** The value of one of the user's attributes. */
export function attribute(user: User, name: string): string | undefined {
  return user.UserAttributes?.find((a) => a.Name === name)?.Value;
}

export class Upstream {
  readonly url: URL;
  readonly sdk: CognitoIdentityProviderClient;
  /** Client ID → pool ID. App clients never move between pools. */
  private readonly poolOfClient = new Map<string, string>();
  private readonly jwksByPool = new Map<string, Jwk[]>();

  constructor(upstreamUrl: string) {
    this.url = new URL(upstreamUrl);
    this.sdk = new CognitoIdentityProviderClient({
      endpoint: upstreamUrl,
      region: "us-east-1",
      // cognito-local ignores credentials; the SDK insists on having some.
      credentials: { accessKeyId: "local", secretAccessKey: "local" },
      maxAttempts: 1,
    });
  }

  /**
   * A raw JSON API call, answered with cognito-local's JSON (taken as the
   * operation's response; its dates stay epoch seconds, as on the wire) or
   * thrown as an AwsError.
   */
  async call<Op extends Operation>(operation: Op, input: Input<Op>): Promise<Output<Op>> {
    let response: Response;
    try {
      response = await fetch(new URL("/", this.url), {
        method: "POST",
        headers: {
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
        },
        body: JSON.stringify(input ?? {}),
      });
    } catch {
      throw new AwsError("InternalErrorException", "cognito-local is not reachable behind the gateway", 502);
    }
    const text = await response.text();
    let json: Record<string, unknown> = {};
    try {
      json = text ? JSON.parse(text) : {};
    } catch {
      // fall through with an empty object
    }
    if (response.ok) return json as Output<Op>;
    const type = typeof json.__type === "string" ? json.__type : "InternalErrorException";
    const message = typeof json.message === "string" ? json.message : text;
    throw new AwsError(type, message, response.status);
  }

  /** The app client, with its pool; ResourceNotFoundException (AWS wording) when there is none. */
  async client(clientId: unknown): Promise<AppClient> {
    if (typeof clientId !== "string" || !clientId) {
      throw new AwsError("InvalidParameterException", "Missing required parameter ClientId");
    }
    for (let attempt = 0; attempt < 2; attempt++) {
      const poolId = this.poolOfClient.get(clientId) ?? (await this.findPoolOfClient(clientId));
      if (!poolId) break;
      try {
        const { UserPoolClient } = await this.call("DescribeUserPoolClient", {
          UserPoolId: poolId,
          ClientId: clientId,
        });
        if (UserPoolClient?.ClientId) return { ...UserPoolClient, ClientId: clientId, UserPoolId: poolId };
      } catch (error) {
        if ((error as AwsError).type !== "ResourceNotFoundException") throw error;
      }
      this.poolOfClient.delete(clientId); // deleted or moved: look again
    }
    throw new AwsError("ResourceNotFoundException", `User pool client ${clientId} does not exist.`);
  }

  private async findPoolOfClient(clientId: string): Promise<string | undefined> {
    const { UserPools = [] } = await this.sdk.send(new ListUserPoolsCommand({ MaxResults: 60 }));
    for (const pool of UserPools) {
      if (!pool.Id) continue;
      const { UserPoolClients = [] } = await this.sdk.send(
        new ListUserPoolClientsCommand({ UserPoolId: pool.Id, MaxResults: 60 }),
      );
      for (const c of UserPoolClients) if (c.ClientId) this.poolOfClient.set(c.ClientId, pool.Id);
    }
    return this.poolOfClient.get(clientId);
  }

  async pool(poolId: string): Promise<UserPoolType> {
    try {
      const { UserPool } = await this.call("DescribeUserPool", { UserPoolId: poolId });
      if (UserPool) return UserPool;
    } catch (error) {
      if ((error as AwsError).type !== "ResourceNotFoundException") throw error;
    }
    throw new AwsError("ResourceNotFoundException", `User pool ${poolId} does not exist.`);
  }

  /**
   * The user (by username, sub, or an alias the pool allows), or null when
   * there is none. cognito-local itself matches the username, the sub and
   * the pool's UsernameAttributes; the pool's AliasAttributes (a verified
   * email or phone number, a preferred_username), which it ignores, are
   * matched here, as AWS does for every call that takes a Username.
   */
  async user(poolId: string, username: string): Promise<User | null> {
    const direct = await this.userNamed(poolId, username);
    if (direct || !username) return direct;
    let aliases: string[];
    try {
      aliases = (await this.pool(poolId)).AliasAttributes ?? [];
    } catch {
      return null;
    }
    for (const alias of aliases) {
      const { Users = [] } = await this.call("ListUsers", {
        UserPoolId: poolId,
        Filter: `${alias} = ${JSON.stringify(username)}`,
      });
      // An email or phone number is an alias only once verified; and only one user can hold it.
      const holders = Users.filter(
        (u) =>
          alias === "preferred_username" ||
          u.Attributes?.some((a) => a.Name === `${alias}_verified` && a.Value === "true"),
      );
      if (holders.length === 1 && holders[0]!.Username) return this.userNamed(poolId, holders[0]!.Username);
    }
    return null;
  }

  private async userNamed(poolId: string, username: string): Promise<User | null> {
    try {
      const user = await this.call("AdminGetUser", { UserPoolId: poolId, Username: username });
      return user.Username ? (user as User) : null;
    } catch (error) {
      const type = (error as AwsError).type;
      if (type === "UserNotFoundException" || type === "ResourceNotFoundException") return null;
      throw error;
    }
  }

  /** Sets user attributes as an administrator would. */
  async setAttributes(poolId: string, username: string, attributes: Record<string, string>): Promise<void> {
    await this.sdk.send(
      new AdminUpdateUserAttributesCommand({
        UserPoolId: poolId,
        Username: username,
        UserAttributes: Object.entries(attributes).map(([Name, Value]) => ({ Name, Value })),
      }),
    );
  }

  /** The names of the user's groups (by canonical username: cognito-local matches no alias here). */
  async groups(poolId: string, username: string): Promise<string[]> {
    const names: string[] = [];
    let NextToken: string | undefined;
    do {
      const page = await this.call("AdminListGroupsForUser", {
        UserPoolId: poolId,
        Username: username,
        Limit: 60,
        NextToken,
      });
      for (const g of page.Groups ?? []) if (g.GroupName) names.push(g.GroupName);
      NextToken = page.NextToken;
    } while (NextToken);
    return names;
  }

  /**
   * Tokens for a user whose password the gateway has just checked or set
   * (ADMIN_USER_PASSWORD_AUTH). cognito-local stores the refresh token it
   * issues here, which it does not do after RespondToAuthChallenge.
   */
  async adminPasswordAuth(client: AppClient, username: string, password: string): Promise<AuthenticationResultType> {
    try {
      const result = await this.sdk.send(
        new AdminInitiateAuthCommand({
          UserPoolId: client.UserPoolId,
          ClientId: client.ClientId,
          AuthFlow: "ADMIN_USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: username, PASSWORD: password },
        }),
      );
      if (!result.AuthenticationResult?.AccessToken) throw new AwsError("NotAuthorizedException", "No tokens issued");
      return result.AuthenticationResult;
    } catch (error) {
      throw toAwsError(error);
    }
  }

  /** Revokes a refresh token; false when cognito-local did not know it. (Raw: one follows every sign-in.) */
  async revoke(clientId: string, token: string): Promise<boolean> {
    try {
      await this.call("RevokeToken", { ClientId: clientId, Token: token });
      return true;
    } catch {
      return false;
    }
  }

  /** Pools whose keys are cached. */
  get jwksPoolCount(): number {
    return this.jwksByPool.size;
  }

  /**
   * The pool's signing keys (cognito-local serves one static key; cached);
   * none for a pool that does not exist. The pool ID comes from tokens not
   * yet verified, so only real pools are cached: made-up IDs must not pile up.
   */
  async jwks(poolId: string, refresh = false): Promise<Jwk[]> {
    const cached = this.jwksByPool.get(poolId);
    if (cached && !refresh) return cached;
    if (!cached) {
      try {
        await this.pool(poolId);
      } catch (error) {
        if (toAwsError(error).type === "ResourceNotFoundException") return [];
        throw error;
      }
    }
    const response = await fetch(new URL(`/${encodeURIComponent(poolId)}/.well-known/jwks.json`, this.url));
    if (!response.ok) return [];
    const { keys } = (await response.json()) as { keys?: Jwk[] };
    this.jwksByPool.set(poolId, keys ?? []);
    return keys ?? [];
  }
}
