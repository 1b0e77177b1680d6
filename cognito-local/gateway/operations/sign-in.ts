/**
 * Sign-in: `InitiateAuth` and `RespondToAuthChallenge`, with the client's
 * flows and SECRET_HASH checked, AWS's errors for wrong passwords, unknown and
 * disabled users, challenge sessions that must be the ones issued, and
 * choice-based sign-in (USER_AUTH, in user-auth.ts). Refreshes are in
 * tokens.ts.
 */
import type { AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";
import { AwsError, incorrectCredentials, invalidSession, userDisabled } from "../errors.ts";
import { assertPasswordConforms } from "../password-policy.ts";
import type { AppClient, User } from "../upstream.ts";
import { allowsFlow, checkSecretHash, unknownUser } from "./app-client.ts";
import type { OperationContext } from "./context.ts";
import { forward } from "./forward.ts";
import { type Handler, type Input, type OperationTable, type Output, PASS_THROUGH } from "./operation.ts";
import { refreshTokenAuth } from "./tokens.ts";

const initiateAuth: Handler<"InitiateAuth"> = async (input, ctx, options) => {
  const client = await ctx.up.client(input.ClientId);
  const params = input.AuthParameters ?? {};
  switch (input.AuthFlow) {
    case "USER_PASSWORD_AUTH":
      if (!options.hostedUi && !allowsFlow(client, "USER_PASSWORD_AUTH")) {
        throw new AwsError("InvalidParameterException", "USER_PASSWORD_AUTH flow not enabled for this client");
      }
      return passwordSignIn(ctx, client, input);
    case "USER_SRP_AUTH":
      return startSrp(ctx, client, params);
    case "REFRESH_TOKEN_AUTH":
    case "REFRESH_TOKEN":
      return refreshAuth(ctx, client, input);
    case "USER_AUTH":
      if (!options.hostedUi && !allowsFlow(client, "USER_AUTH")) {
        throw new AwsError("InvalidParameterException", "USER_AUTH flow not enabled for this client");
      }
      if (ctx.stores.settings.tier(client.UserPoolId) === "LITE") {
        throw new AwsError(
          "FeatureUnavailableInTierException",
          "USER_AUTH is not available in the LITE tier: the user pool must be in the ESSENTIALS tier or higher",
        );
      }
      if (params.USERNAME) checkSecretHash(client, [params.USERNAME], params.SECRET_HASH, "auth");
      return ctx.userAuth.initiate(client, params, input.Session);
    default:
      // cognito-local supports no other flow; it answers that itself.
      return PASS_THROUGH;
  }
};

/**
 * A password sign-in (USER_PASSWORD_AUTH, and PASSWORD in USER_AUTH, whose
 * caller has already checked SECRET_HASH against the name the app sent).
 */
export async function passwordSignIn(
  ctx: OperationContext,
  client: AppClient,
  input: Input<"InitiateAuth">,
  { checkSecretHash: checkHash = true } = {},
): Promise<Output<"InitiateAuth">> {
  const params = input.AuthParameters ?? {};
  const { USERNAME: username, PASSWORD: password } = params;
  if (!username) throw new AwsError("InvalidParameterException", "Missing required parameter USERNAME");
  if (!password) throw new AwsError("InvalidParameterException", "Missing required parameter PASSWORD");
  if (checkHash) checkSecretHash(client, [username], params.SECRET_HASH, "auth");

  // cognito-local: InvalidPasswordException for a wrong password,
  // NotAuthorizedException for a user it cannot find by that name.
  const wrongPassword = { InvalidPasswordException: incorrectCredentials() };
  // The user is looked up while cognito-local checks the password, not after:
  // a read beside a sign-in that changes nothing the gateway reads (it only
  // stores a refresh token), one round trip less to wait for.
  const found = settled(ctx.up.user(client.UserPoolId, username));
  let result: Output<"InitiateAuth">;
  try {
    result = await forward(ctx, "InitiateAuth", input, wrongPassword);
  } catch (error) {
    if ((error as AwsError).type !== "NotAuthorizedException") throw error;
    // An alias cognito-local does not match (the pool's AliasAttributes): sign in under the username.
    const aliased = await found();
    if (!aliased || aliased.Username === username) throw unknownUser(client);
    const asUsername = { ...input, AuthParameters: { ...params, USERNAME: aliased.Username } };
    result = await forward(ctx, "InitiateAuth", asUsername, {
      ...wrongPassword,
      NotAuthorizedException: unknownUser(client),
    });
  }

  const user = await found();
  if (!user) throw unknownUser(client);
  // AWS: "You can't sign in federated users with API operations like InitiateAuth."
  if (ctx.federation.users.byUpstream(client.UserPoolId, user.Username)) {
    if (result.AuthenticationResult?.RefreshToken) {
      await ctx.up.revoke(client.ClientId, result.AuthenticationResult.RefreshToken);
    }
    throw incorrectCredentials();
  }
  if (result.ChallengeName === "NEW_PASSWORD_REQUIRED") {
    // cognito-local asks for a new password without checking the temporary one.
    await checkPassword(ctx, client, user, password);
  }
  // cognito-local signs disabled users in. (Said only to someone who knows
  // the password, like AWS.)
  if (user.Enabled === false) {
    if (result.AuthenticationResult?.RefreshToken) {
      await ctx.up.revoke(client.ClientId, result.AuthenticationResult.RefreshToken);
    }
    throw userDisabled();
  }
  if (result.ChallengeName) {
    if (result.Session) {
      ctx.stores.challenges.add(
        {
          kind: "password",
          clientId: client.ClientId,
          poolId: client.UserPoolId,
          username: user.Username,
          challengeName: result.ChallengeName,
          password,
        },
        result.Session,
      );
    }
    return result;
  }
  return {
    ChallengeParameters: {},
    AuthenticationResult: await ctx.issuer.signedInUpstream(client, user, result.AuthenticationResult),
  };
}

/**
 * A promise started now and awaited later, perhaps never (a failure first):
 * its rejection is held for whoever awaits it, not reported as unhandled.
 */
function settled<T>(promise: Promise<T>): () => Promise<T> {
  promise.catch(() => {});
  return () => promise;
}

/**
 * Wrong MFA codes (authenticator app or text message) one sign-in takes; the
 * next answer on that session is refused as an expired session, and the
 * person starts again with the password. AWS: "After five unsuccessful
 * attempts to present an MFA code, Amazon Cognito begins the
 * exponential-timeout lockout process" (user-pool-settings-mfa).
 */
export const MAX_MFA_CODE_ATTEMPTS = 5;

const respondToAuthChallenge: Handler<"RespondToAuthChallenge"> = async (input, ctx) => {
  const client = await ctx.up.client(input.ClientId);
  const responses = input.ChallengeResponses ?? {};
  const username = responses.USERNAME;
  if (!username) throw new AwsError("InvalidParameterException", "Missing required parameter USERNAME");
  checkSecretHash(client, [username], responses.SECRET_HASH, "auth");
  // The SRP answer names its challenge by SECRET_BLOCK (USER_SRP_AUTH issues no Session).
  if (input.ChallengeName === "PASSWORD_VERIFIER") return ctx.srp.respond(client, input);

  // cognito-local accepts any Session; AWS only the one it issued, for 3 minutes.
  const sessionId = typeof input.Session === "string" ? input.Session : "";
  const session = ctx.stores.challenges.get(sessionId, client.ClientId);
  if (!session || session.kind === "sign-up" || session.kind === "srp") throw invalidSession();
  if (session.kind === "user-auth") return ctx.userAuth.respond(client, sessionId, session, input);
  if (input.ChallengeName !== session.challengeName) {
    throw new AwsError("InvalidParameterException", `Invalid challenge name: expected ${session.challengeName}`);
  }
  const user = await ctx.up.user(client.UserPoolId, username);
  if (!user || user.Username !== session.username) throw invalidSession();

  let password = session.password;
  if (input.ChallengeName === "NEW_PASSWORD_REQUIRED") {
    if (!responses.NEW_PASSWORD)
      throw new AwsError("InvalidParameterException", "Missing required parameter NEW_PASSWORD");
    const pool = await ctx.up.pool(client.UserPoolId);
    assertPasswordConforms(responses.NEW_PASSWORD, pool.Policies?.PasswordPolicy);
    password = responses.NEW_PASSWORD;
  }

  let result: Output<"RespondToAuthChallenge">;
  try {
    result = await forward(ctx, "RespondToAuthChallenge", input, {
      CodeMismatchException: new AwsError("CodeMismatchException", "Invalid code received for user"),
    });
  } catch (error) {
    // cognito-local takes wrong MFA codes on one session for ever; AWS does not.
    if ((error as AwsError).type === "CodeMismatchException") {
      session.wrongCodes = (session.wrongCodes ?? 0) + 1;
      if (session.wrongCodes >= MAX_MFA_CODE_ATTEMPTS) ctx.stores.challenges.delete(sessionId);
    }
    throw error;
  }
  ctx.stores.challenges.delete(sessionId);
  if (result.ChallengeName) {
    if (result.Session) {
      const { expiresAt: _, wrongCodes: __, ...next } = session;
      ctx.stores.challenges.add({ ...next, challengeName: result.ChallengeName, password }, result.Session);
    }
    return result;
  }
  // (cognito-local keeps no refresh token it issues after a challenge: nothing to revoke there.)
  const { RefreshToken: _, ...upstream } = result.AuthenticationResult ?? {};
  return {
    ChallengeParameters: {},
    AuthenticationResult: await ctx.issuer.signedInUpstream(client, user, upstream),
  };
};

/** Checks a temporary password the way cognito-local checks a permanent one. */
async function checkPassword(ctx: OperationContext, client: AppClient, user: User, password: string) {
  try {
    const result = await ctx.up.adminPasswordAuth(client, user.Username, password);
    if (result.RefreshToken) await ctx.up.revoke(client.ClientId, result.RefreshToken);
  } catch (error) {
    if ((error as AwsError).type === "InvalidPasswordException") throw incorrectCredentials();
    throw error;
  }
}

/**
 * Tokens for a user the gateway's Hosted UI already knows (its signed-in
 * cookie): AWS's managed login skips the form while the session lasts. They
 * are minted here, with the sign-in's `auth_time` (`authTime`, epoch seconds):
 * the person authenticated then, not now.
 */
export async function hostedSessionTokens(
  ctx: OperationContext,
  clientId: string,
  username: string,
  authTime: number,
): Promise<AuthenticationResultType> {
  const client = await ctx.up.client(clientId);
  const user = await ctx.up.user(client.UserPoolId, username);
  if (!user) throw incorrectCredentials();
  if (user.Enabled === false) throw userDisabled();
  return ctx.issuer.signIn(client, user, { authTime });
}

/** USER_SRP_AUTH's first step (SRP_A in, PASSWORD_VERIFIER out), for InitiateAuth and AdminInitiateAuth alike. */
function startSrp(ctx: OperationContext, client: AppClient, params: Record<string, string>) {
  if (!allowsFlow(client, "USER_SRP_AUTH")) {
    throw new AwsError("InvalidParameterException", "USER_SRP_AUTH flow not enabled for this client");
  }
  if (params.USERNAME) checkSecretHash(client, [params.USERNAME], params.SECRET_HASH, "auth");
  // DEVICE_KEY is ignored: the emulator has no remembered devices.
  return ctx.srp.initiate(client, { username: params.USERNAME ?? "", srpA: params.SRP_A });
}

/** REFRESH_TOKEN_AUTH, for InitiateAuth and AdminInitiateAuth alike. */
function refreshAuth(ctx: OperationContext, client: AppClient, input: Input<"InitiateAuth">) {
  if (!allowsFlow(client, "REFRESH_TOKEN_AUTH")) {
    throw new AwsError("InvalidParameterException", "REFRESH_TOKEN_AUTH flow not enabled for this client");
  }
  // AWS: "You can't authenticate with REFRESH_TOKEN_AUTH in app clients
  // with refresh token rotation enabled."
  if (ctx.stores.settings.rotation(client.ClientId).enabled) {
    throw new AwsError(
      "InvalidParameterException",
      "REFRESH_TOKEN_AUTH is not available for a client with refresh token rotation: use GetTokensFromRefreshToken",
    );
  }
  return refreshTokenAuth(ctx, client, input);
}

/**
 * AdminInitiateAuth: the server-side sign-in, with the client's
 * ExplicitAuthFlows (ALLOW_ADMIN_USER_PASSWORD_AUTH) and SECRET_HASH checked
 * as for InitiateAuth, and the same challenges after the password (TOTP MFA,
 * NEW_PASSWORD_REQUIRED) — cognito-local's own answers it without either.
 */
const adminInitiateAuth: Handler<"AdminInitiateAuth"> = async (input, ctx) => {
  const client = await adminClient(ctx, input.UserPoolId, input.ClientId);
  const params = input.AuthParameters ?? {};
  const asInitiateAuth = (AuthFlow: "USER_PASSWORD_AUTH" | "REFRESH_TOKEN_AUTH"): Input<"InitiateAuth"> => ({
    ClientId: client.ClientId,
    AuthFlow,
    AuthParameters: params,
  });
  switch (input.AuthFlow) {
    case "ADMIN_USER_PASSWORD_AUTH":
    case "ADMIN_NO_SRP_AUTH":
      if (!allowsFlow(client, "ADMIN_USER_PASSWORD_AUTH")) {
        throw new AwsError("InvalidParameterException", `${input.AuthFlow} flow not enabled for this client`);
      }
      return passwordSignIn(ctx, client, asInitiateAuth("USER_PASSWORD_AUTH"));
    case "USER_SRP_AUTH":
      return startSrp(ctx, client, params);
    case "REFRESH_TOKEN_AUTH":
    case "REFRESH_TOKEN":
      return refreshAuth(ctx, client, asInitiateAuth("REFRESH_TOKEN_AUTH"));
    default:
      return PASS_THROUGH;
  }
};

/** AdminRespondToAuthChallenge: RespondToAuthChallenge's checks and answers, for the pool named. */
const adminRespondToAuthChallenge: Handler<"AdminRespondToAuthChallenge"> = async (input, ctx, options) => {
  const client = await adminClient(ctx, input.UserPoolId, input.ClientId);
  const { UserPoolId: _, ContextData: __, ...rest } = input;
  const result = await respondToAuthChallenge({ ...rest, ClientId: client.ClientId }, ctx, options);
  if (result === PASS_THROUGH) throw invalidSession();
  return result;
};

/** The app client of an Admin* sign-in call, which must belong to the pool the call names. */
async function adminClient(ctx: OperationContext, poolId: unknown, clientId: unknown): Promise<AppClient> {
  if (typeof poolId !== "string" || !poolId) {
    throw new AwsError("InvalidParameterException", "Missing required parameter UserPoolId");
  }
  const client = await ctx.up.client(clientId);
  if (client.UserPoolId !== poolId) {
    throw new AwsError("ResourceNotFoundException", `User pool client ${client.ClientId} does not exist.`);
  }
  return client;
}

export const signInOperations = {
  InitiateAuth: initiateAuth,
  RespondToAuthChallenge: respondToAuthChallenge,
  AdminInitiateAuth: adminInitiateAuth,
  AdminRespondToAuthChallenge: adminRespondToAuthChallenge,
} satisfies OperationTable;
