/**
 * Passwords: `ForgotPassword` and `ConfirmForgotPassword` (AWS's answers for
 * unknown users and wrong codes), `ChangePassword` (a verified access token)
 * and `AdminSetUserPassword`, each with the pool's password policy. A user
 * who signed up without a password has one from then on.
 */
import { AwsError, codeMismatch, incorrectCredentials, userNotFoundForClient } from "../errors.ts";
import { assertPasswordConforms } from "../password-policy.ts";
import { checkSecretHash, preventsUserExistenceErrors } from "./app-client.ts";
import { fakeDelivery, masked } from "./delivery.ts";
import { upstreamName, withUsername } from "./federated-users.ts";
import { forward } from "./forward.ts";
import { type Handler, type OperationTable, PASS_THROUGH } from "./operation.ts";

const forgotPassword: Handler<"ForgotPassword"> = async (input, ctx) => {
  const client = await ctx.up.client(input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash, "other");
  const user = await ctx.up.user(client.UserPoolId, upstreamName(ctx, client.UserPoolId, input.Username));
  if (user && ctx.federation.users.byUpstream(client.UserPoolId, user.Username)) {
    // AWS, for a user who signs in through an identity provider.
    throw new AwsError("NotAuthorizedException", "User password cannot be reset in the current state.");
  }
  try {
    const result = await ctx.up.call("ForgotPassword", input);
    return { ...result, CodeDeliveryDetails: masked(result.CodeDeliveryDetails) };
  } catch (error) {
    if ((error as AwsError).type === "UserNotFoundException") {
      if (preventsUserExistenceErrors(client)) return { CodeDeliveryDetails: fakeDelivery(input.Username ?? "") };
      throw userNotFoundForClient();
    }
    throw error;
  }
};

const confirmForgotPassword: Handler<"ConfirmForgotPassword"> = async (input, ctx) => {
  const client = await ctx.up.client(input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash, "other");
  const pool = await ctx.up.pool(client.UserPoolId);
  assertPasswordConforms(input.Password, pool.Policies?.PasswordPolicy);
  const result = await forward(ctx, "ConfirmForgotPassword", input, {
    CodeMismatchException: codeMismatch(),
    UserNotFoundException: preventsUserExistenceErrors(client) ? codeMismatch() : userNotFoundForClient(),
  });
  const user = await ctx.up.user(client.UserPoolId, input.Username ?? "");
  if (user) ctx.stores.passwordless.remove(client.UserPoolId, user.Username);
  return result;
};

const changePassword: Handler<"ChangePassword"> = async (input, ctx) => {
  const { poolId, username } = await ctx.accessTokens.verify(input.AccessToken);
  // A federated user has no password here to change (its access token names it Google_…).
  if (ctx.federation.users.byUsername(poolId, username)) throw incorrectCredentials();
  const pool = await ctx.up.pool(poolId);
  assertPasswordConforms(input.ProposedPassword, pool.Policies?.PasswordPolicy);
  // cognito-local: InvalidPasswordException for a wrong previous password.
  return forward(ctx, "ChangePassword", input, { InvalidPasswordException: incorrectCredentials() });
};

const adminSetUserPassword: Handler<"AdminSetUserPassword"> = async (input, ctx) => {
  if (typeof input.UserPoolId !== "string") return PASS_THROUGH;
  const pool = await ctx.up.pool(input.UserPoolId);
  assertPasswordConforms(input.Password, pool.Policies?.PasswordPolicy);
  const named = await withUsername(ctx, input);
  const result = await ctx.up.call("AdminSetUserPassword", named);
  const user = await ctx.up.user(input.UserPoolId, named.Username ?? "");
  if (user) ctx.stores.passwordless.remove(input.UserPoolId, user.Username);
  return result;
};

export const passwordOperations = {
  ForgotPassword: forgotPassword,
  ConfirmForgotPassword: confirmForgotPassword,
  ChangePassword: changePassword,
  AdminSetUserPassword: adminSetUserPassword,
} satisfies OperationTable;
