/**
 * Tokens after sign-in: refreshing (`REFRESH_TOKEN_AUTH`, the token
 * endpoint's refresh grant, `GetTokensFromRefreshToken` with rotation),
 * revoking (`RevokeToken`) and signing out everywhere (`GlobalSignOut`,
 * `AdminUserGlobalSignOut`). Every refresh token is the gateway's own
 * (token-issuer.ts): these answer from its token families, never
 * cognito-local.
 */
import { AwsError, invalidRefreshToken, userDisabled } from "../errors.ts";
import { safeEqual } from "../secret-hash.ts";
import type { Family } from "../token-families.ts";
import type { AppClient, User } from "../upstream.ts";
import { attribute } from "../upstream.ts";
import { checkSecretHash } from "./app-client.ts";
import type { OperationContext } from "./context.ts";
import { upstreamName } from "./federated-users.ts";
import type { Handler, Input, OperationTable, Output } from "./operation.ts";

/** REFRESH_TOKEN_AUTH (flows already checked). `checkSecretHash` is false where the client proved itself otherwise. */
export async function refreshTokenAuth(
  ctx: OperationContext,
  client: AppClient,
  input: Input<"InitiateAuth">,
  { checkSecretHash: checkHash = true } = {},
): Promise<Output<"InitiateAuth">> {
  const params = input.AuthParameters ?? {};
  const refreshToken = params.REFRESH_TOKEN;
  if (!refreshToken) throw new AwsError("InvalidParameterException", "Missing required parameter REFRESH_TOKEN");
  const { family } = ctx.issuer.familyOf(refreshToken, client.ClientId);
  const user = await familyUser(ctx, client, family);
  if (checkHash) {
    // AWS computes this SECRET_HASH with the user's username; the email
    // alias is accepted too, as clients often hash what the user typed.
    checkSecretHash(client, [user.Username, attribute(user, "email")], params.SECRET_HASH, "auth");
  }
  return { ChallengeParameters: {}, AuthenticationResult: await ctx.issuer.refresh(client, user, family) };
}

/** The family's user, as long as they may still sign in. */
async function familyUser(ctx: OperationContext, client: AppClient, family: Family): Promise<User> {
  const user = await ctx.up.user(client.UserPoolId, family.username);
  if (!user) throw invalidRefreshToken();
  if (user.Enabled === false) throw userDisabled();
  return user;
}

/**
 * The token endpoint's refresh_token grant: the client has authenticated
 * with its secret already, and AWS does not apply ExplicitAuthFlows there.
 * The tokens keep the scopes the sign-in was granted.
 */
export async function refreshForTokenEndpoint(
  ctx: OperationContext,
  client: AppClient,
  refreshToken: string,
  { tokenEndpoint = false } = {},
): Promise<Output<"InitiateAuth">> {
  const { family } = ctx.issuer.familyOf(refreshToken, client.ClientId);
  const user = await familyUser(ctx, client, family);
  const rotation = ctx.stores.settings.rotation(client.ClientId);
  const rotate = rotation.enabled ? { presented: refreshToken, graceSeconds: rotation.graceSeconds } : undefined;
  return {
    ChallengeParameters: {},
    AuthenticationResult: await ctx.issuer.refresh(client, user, family, { rotate, tokenEndpoint }),
  };
}

/**
 * GetTokensFromRefreshToken: new ID and access tokens, and — when the
 * client rotates refresh tokens — a new refresh token, the old one
 * working on for the client's grace period (then RefreshTokenReuseException).
 * Rotation renews the token, not the session: the new one keeps the
 * sign-in's auth_time and expiry. The client proves itself with its secret
 * (ClientSecret), not a SECRET_HASH; ALLOW_REFRESH_TOKEN_AUTH does not apply.
 */
const getTokensFromRefreshToken: Handler<"GetTokensFromRefreshToken"> = async (input, ctx) => {
  const client = await ctx.up.client(input.ClientId);
  checkClientSecret(client, input.ClientSecret);
  const refreshToken = input.RefreshToken;
  if (!refreshToken) throw new AwsError("InvalidParameterException", "Missing required parameter RefreshToken");
  return refreshForTokenEndpoint(ctx, client, refreshToken);
};

/** The client's secret, where it has one (RevokeToken, GetTokensFromRefreshToken: "required only if the client ID has a secret"). */
function checkClientSecret(client: AppClient, secret: string | undefined) {
  if (!client.ClientSecret) return;
  if (!secret) {
    throw new AwsError(
      "NotAuthorizedException",
      `Client ${client.ClientId} is configured with secret but ClientSecret was not received`,
    );
  }
  if (!safeEqual(secret, client.ClientSecret)) {
    throw new AwsError("NotAuthorizedException", `Unable to verify client secret for client ${client.ClientId}`);
  }
}

// --- sign-out and revocation ----------------------------------------------

const globalSignOut: Handler<"GlobalSignOut"> = async (input, ctx) => {
  const { poolId, username } = await ctx.accessTokens.verify(input.AccessToken);
  signOutEverywhere(ctx, poolId, upstreamName(ctx, poolId, username));
  return {};
};

const adminUserGlobalSignOut: Handler<"AdminUserGlobalSignOut"> = async (input, ctx) => {
  const poolId = input.UserPoolId ?? "";
  await ctx.up.pool(poolId);
  const user = await ctx.up.user(poolId, upstreamName(ctx, poolId, input.Username ?? ""));
  if (!user) throw new AwsError("UserNotFoundException", "User does not exist.");
  signOutEverywhere(ctx, poolId, user.Username);
  return {};
};

/** AWS: GlobalSignOut "invalidates the identity, access, and refresh tokens that Amazon Cognito issued to a user". */
function signOutEverywhere(ctx: OperationContext, poolId: string, username: string) {
  const count = ctx.stores.families.signOut(poolId, username);
  ctx.log(`GlobalSignOut: ${username} signed out (${count} refresh token(s) revoked)`);
}

/**
 * RevokeToken: the refresh token, and every access and ID token minted from
 * it, end. A token the client may not revoke (another client's, made up) is
 * refused as AWS refuses it; one already revoked is revoked again, quietly.
 */
const revokeToken: Handler<"RevokeToken"> = async (input, ctx) => {
  const client = await ctx.up.client(input.ClientId);
  checkClientSecret(client, input.ClientSecret);
  const found = input.Token ? ctx.stores.families.lookup(input.Token) : undefined;
  if (!found || found.family.clientId !== client.ClientId) throw invalidRefreshToken();
  ctx.stores.families.revoke(found.family.id);
  return {};
};

export const tokenOperations = {
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  RevokeToken: revokeToken,
  GlobalSignOut: globalSignOut,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
} satisfies OperationTable;
