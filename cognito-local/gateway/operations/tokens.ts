/**
 * Tokens after sign-in: refreshing (`REFRESH_TOKEN_AUTH`, the token
 * endpoint's refresh grant, `GetTokensFromRefreshToken` with rotation),
 * revoking (`RevokeToken`) and signing out everywhere (`GlobalSignOut`,
 * `AdminUserGlobalSignOut`), for cognito-local's refresh tokens and for the
 * ones the gateway mints alike.
 */
import { AwsError, invalidRefreshToken, refreshTokenRevoked, userDisabled } from "../errors.ts";
import { claim, decodeJwt, numericClaim } from "../jwt.ts";
import { safeEqual } from "../secret-hash.ts";
import type { AppClient } from "../upstream.ts";
import { checkSecretHash } from "./app-client.ts";
import type { OperationContext } from "./context.ts";
import { forward } from "./forward.ts";
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
  const claims = decodeJwt(refreshToken);
  if (checkHash) {
    // AWS computes this SECRET_HASH with the user's username (cognito:username);
    // the email alias is accepted too, as clients often hash what the user typed.
    const candidates = [claim(claims, "cognito:username"), claim(claims, "email")];
    checkSecretHash(client, candidates, params.SECRET_HASH, "auth");
  }
  checkRevocation(ctx, client, refreshToken);
  // A token the gateway minted (passwordless sign-in): cognito-local does not know it.
  const minted = ctx.stores.refreshTokens.check(refreshToken, client.ClientId);
  if (minted?.minted) {
    const user = await ctx.up.user(client.UserPoolId, minted.username);
    if (!user) throw invalidRefreshToken();
    if (user.Enabled === false) throw userDisabled();
    const { refreshExpiresAt: _, ...tokens } = await ctx.issuer.mint(client, user, { authTime: minted.authTime });
    return { ChallengeParameters: {}, AuthenticationResult: ctx.issuer.issued(client, tokens, refreshToken) };
  }

  const result = await forward(ctx, "InitiateAuth", input, { NotAuthorizedException: invalidRefreshToken() });
  const username = claim(claims, "cognito:username");
  const user = username ? await ctx.up.user(client.UserPoolId, username) : null;
  if (user?.Enabled === false) throw userDisabled();
  // cognito-local dates a refresh's tokens as a new sign-in; AWS keeps the sign-in's auth_time,
  // which is when cognito-local issued the refresh token.
  const authTime = numericClaim(claims, "iat");
  if (user && authTime !== undefined && result.AuthenticationResult) {
    const { refreshExpiresAt: _, ...tokens } = await ctx.issuer.mint(client, user, { authTime });
    return { ...result, AuthenticationResult: ctx.issuer.issued(client, tokens, refreshToken) };
  }
  return { ...result, AuthenticationResult: ctx.issuer.issued(client, result.AuthenticationResult, refreshToken) };
}

/** A refresh token revoked (RevokeToken, GlobalSignOut), or issued to another client, is refused. */
function checkRevocation(ctx: OperationContext, client: AppClient, refreshToken: string) {
  if (ctx.stores.registry.isRefreshTokenRevoked(refreshToken)) throw refreshTokenRevoked();
  const issuedTo = ctx.stores.registry.clientOf(refreshToken);
  if (issuedTo && issuedTo !== client.ClientId) throw invalidRefreshToken();
}

/**
 * The token endpoint's refresh_token grant: the client has authenticated
 * with its secret already, and AWS does not apply ExplicitAuthFlows there.
 */
export async function refreshForTokenEndpoint(
  ctx: OperationContext,
  client: AppClient,
  refreshToken: string,
): Promise<Output<"InitiateAuth">> {
  if (ctx.stores.settings.rotation(client.ClientId).enabled) return rotate(ctx, client, refreshToken);
  return refreshTokenAuth(ctx, client, refreshTokenInput(client, refreshToken), { checkSecretHash: false });
}

const refreshTokenInput = (client: AppClient, refreshToken: string): Input<"InitiateAuth"> => ({
  ClientId: client.ClientId,
  AuthFlow: "REFRESH_TOKEN_AUTH",
  AuthParameters: { REFRESH_TOKEN: refreshToken },
});

/**
 * GetTokensFromRefreshToken: new ID and access tokens, and — when the
 * client rotates refresh tokens — a new refresh token, the old one
 * working on for the client's grace period (then RefreshTokenReuseException).
 * The client proves itself with its secret (ClientSecret), not a SECRET_HASH;
 * ALLOW_REFRESH_TOKEN_AUTH does not apply.
 */
const getTokensFromRefreshToken: Handler<"GetTokensFromRefreshToken"> = async (input, ctx) => {
  const client = await ctx.up.client(input.ClientId);
  if (client.ClientSecret) {
    if (!input.ClientSecret) {
      throw new AwsError(
        "NotAuthorizedException",
        `Client ${client.ClientId} is configured with secret but ClientSecret was not received`,
      );
    }
    if (!safeEqual(input.ClientSecret, client.ClientSecret)) {
      throw new AwsError("NotAuthorizedException", `Unable to verify client secret for client ${client.ClientId}`);
    }
  }
  const refreshToken = input.RefreshToken;
  if (!refreshToken) throw new AwsError("InvalidParameterException", "Missing required parameter RefreshToken");
  return refreshForTokenEndpoint(ctx, client, refreshToken);
};

/**
 * Refresh-token rotation: everything minted anew (keeping the sign-in's
 * auth_time and the original refresh token's expiry: rotation renews the
 * token, not the session), the presented token rotated out.
 */
async function rotate(ctx: OperationContext, client: AppClient, refreshToken: string): Promise<Output<"InitiateAuth">> {
  const { refreshTokens } = ctx.stores;
  checkRevocation(ctx, client, refreshToken);
  const known = refreshTokens.check(refreshToken, client.ClientId);
  let entry: { username: string; authTime: number; expiresAt: number };
  if (known) {
    entry = known;
  } else {
    // One of cognito-local's: it must still know it (not revoked, not made up).
    await forward(ctx, "InitiateAuth", refreshTokenInput(client, refreshToken), {
      NotAuthorizedException: invalidRefreshToken(),
    });
    const claims = decodeJwt(refreshToken);
    entry = {
      username: claim(claims, "cognito:username") ?? "",
      authTime: numericClaim(claims, "iat") ?? Math.floor(Date.now() / 1000),
      expiresAt: numericClaim(claims, "exp") ?? 0,
    };
  }
  const user = await ctx.up.user(client.UserPoolId, entry.username);
  if (!user) throw invalidRefreshToken();
  if (user.Enabled === false) throw userDisabled();
  const { refreshExpiresAt: _, ...tokens } = await ctx.issuer.mint(client, user, {
    authTime: entry.authTime,
    refreshToken: true,
    refreshExpiresAt: entry.expiresAt,
  });
  const family = {
    clientId: client.ClientId,
    poolId: client.UserPoolId,
    username: user.Username,
    authTime: entry.authTime,
    expiresAt: entry.expiresAt,
  };
  // Checked again after the awaits, with no await until it is rotated out: of two
  // concurrent refreshes of one token, the second must meet the first's rotation
  // (refused at once without a grace period), not slip through between them.
  refreshTokens.check(refreshToken, client.ClientId);
  refreshTokens.recordMinted(tokens.RefreshToken!, family);
  refreshTokens.rotateOut(
    refreshToken,
    family,
    known?.minted ?? false,
    ctx.stores.settings.rotation(client.ClientId).graceSeconds,
  );
  return { ChallengeParameters: {}, AuthenticationResult: ctx.issuer.issued(client, tokens) };
}

// --- sign-out and revocation ----------------------------------------------

const globalSignOut: Handler<"GlobalSignOut"> = async (input, ctx) => {
  const { poolId, username } = await ctx.accessTokens.verify(input.AccessToken);
  await signOutEverywhere(ctx, poolId, username);
  return {};
};

const adminUserGlobalSignOut: Handler<"AdminUserGlobalSignOut"> = async (input, ctx) => {
  const poolId = input.UserPoolId ?? "";
  await ctx.up.pool(poolId);
  const user = await ctx.up.user(poolId, input.Username ?? "");
  if (!user) throw new AwsError("UserNotFoundException", "User does not exist.");
  await signOutEverywhere(ctx, poolId, user.Username);
  return {};
};

async function signOutEverywhere(ctx: OperationContext, poolId: string, username: string) {
  const tokens = ctx.stores.registry.signOut(poolId, username);
  for (const { clientId, token } of tokens) {
    if (!ctx.stores.refreshTokens.get(token)?.minted) await ctx.up.revoke(clientId, token);
  }
  const minted = ctx.stores.refreshTokens.revokeUser(poolId, username);
  ctx.log(`GlobalSignOut: ${username} signed out (${tokens.length + minted} refresh token(s) revoked)`);
}

const revokeToken: Handler<"RevokeToken"> = async (input, ctx) => {
  const token = input.Token;
  const entry = token ? ctx.stores.refreshTokens.get(token) : undefined;
  if (token && entry?.minted) {
    // A token the gateway minted: revoked here, as cognito-local never saw it.
    const client = await ctx.up.client(input.ClientId);
    if (entry.clientId !== client.ClientId) throw invalidRefreshToken();
    ctx.stores.refreshTokens.revoke(token);
    ctx.stores.registry.revokeRefreshToken(token);
    return {};
  }
  const result = await ctx.up.call("RevokeToken", input);
  if (token) ctx.stores.registry.revokeRefreshToken(token);
  return result;
};

export const tokenOperations = {
  GetTokensFromRefreshToken: getTokensFromRefreshToken,
  RevokeToken: revokeToken,
  GlobalSignOut: globalSignOut,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
} satisfies OperationTable;
