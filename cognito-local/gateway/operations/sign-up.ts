/**
 * Sign-up: `SignUp` (with the pool's password policy, or no password where
 * the pool allows sign-in with one-time codes), `ConfirmSignUp` (the address
 * the code went to marked verified, as AWS does) and
 * `ResendConfirmationCode`, which cognito-local lacks.
 */
import { AwsError, codeMismatch, userNotFoundForClient } from "../errors.ts";
import { maskDestination } from "../mask.ts";
import { assertPasswordConforms } from "../password-policy.ts";
import { allowedFirstFactors } from "../pool-settings.ts";
import { type AppClient, attribute } from "../upstream.ts";
import { allowsFlow, checkSecretHash, preventsUserExistenceErrors } from "./app-client.ts";
import type { OperationContext } from "./context.ts";
import { fakeDelivery, masked } from "./delivery.ts";
import { forward } from "./forward.ts";
import type { Handler, OperationTable } from "./operation.ts";

/**
 * SignUp, with AWS's password rules: a password that meets the policy, or
 * none at all where the pool allows sign-in with one-time codes. Where the
 * client can sign in with USER_AUTH, the answer carries a `Session` for
 * ConfirmSignUp (AWS: sign in straight after confirming).
 */
const signUp: Handler<"SignUp"> = async (input, ctx) => {
  const client = await ctx.up.client(input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash, "other");
  const pool = await ctx.up.pool(client.UserPoolId);
  const passwordless = !input.Password;
  if (passwordless) {
    const allowed = allowedFirstFactors(pool);
    if (!allowed.includes("EMAIL_OTP") && !allowed.includes("SMS_OTP")) {
      throw new AwsError(
        "InvalidParameterException",
        "Password is required: the user pool does not allow passwordless sign-in (EMAIL_OTP or SMS_OTP)",
      );
    }
  } else {
    assertPasswordConforms(input.Password, pool.Policies?.PasswordPolicy);
  }
  const { Password: _, ...withoutPassword } = input;
  const result = await forward(ctx, "SignUp", passwordless ? withoutPassword : input, {
    UsernameExistsException: new AwsError(
      "UsernameExistsException",
      pool.UsernameAttributes?.includes("email")
        ? "An account with the given email already exists."
        : "User already exists",
    ),
  });
  const user = await ctx.up.user(client.UserPoolId, input.Username ?? "");
  if (passwordless && user) ctx.stores.passwordless.add(client.UserPoolId, user.Username);
  const session = user ? signUpSession(ctx, client, user.Username, "SIGN_UP") : undefined;
  return { ...result, CodeDeliveryDetails: masked(result.CodeDeliveryDetails), ...session };
};

const confirmSignUp: Handler<"ConfirmSignUp"> = async (input, ctx) => {
  const client = await ctx.up.client(input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash, "other");
  const user = input.Username ? await ctx.up.user(client.UserPoolId, input.Username) : null;
  if (!user) throw preventsUserExistenceErrors(client) ? codeMismatch() : userNotFoundForClient();
  if (user.UserStatus === "CONFIRMED") {
    throw new AwsError("NotAuthorizedException", "User cannot be confirmed. Current status is CONFIRMED");
  }
  const { Session: _, ...withoutSession } = input;
  const result = await forward(ctx, "ConfirmSignUp", withoutSession, { CodeMismatchException: codeMismatch() });
  // The code went to the email address, so AWS marks it verified;
  // cognito-local does not (and email codes need a verified address).
  const pool = await ctx.up.pool(client.UserPoolId);
  const email = attribute(user, "email");
  if (pool.AutoVerifiedAttributes?.includes("email") && email) {
    // (cognito-local wants the address with the flag it verifies)
    await ctx.up.setAttributes(client.UserPoolId, user.Username, { email, email_verified: "true" });
  }
  return { ...result, ...signUpSession(ctx, client, user.Username, "CONFIRMED") };
};

/**
 * The `Session` AWS returns from SignUp (for ConfirmSignUp) and from
 * ConfirmSignUp (for InitiateAuth USER_AUTH, which then signs the new
 * user in without asking again), when the client can use USER_AUTH.
 */
function signUpSession(ctx: OperationContext, client: AppClient, username: string, step: "SIGN_UP" | "CONFIRMED") {
  if (!allowsFlow(client, "USER_AUTH") || ctx.stores.settings.tier(client.UserPoolId) === "LITE") return undefined;
  const Session = ctx.stores.challenges.add({
    kind: "sign-up",
    clientId: client.ClientId,
    poolId: client.UserPoolId,
    username,
    challengeName: step,
  });
  return { Session };
}

/**
 * cognito-local has no ResendConfirmationCode. For an unconfirmed user the
 * gateway has it issue a fresh code through ForgotPassword, which (in
 * cognito-local 5.3.0) sets the same pending code ConfirmSignUp checks and
 * prints it in the same "Confirmation Code Delivery" box.
 */
const resendConfirmationCode: Handler<"ResendConfirmationCode"> = async (input, ctx) => {
  const client = await ctx.up.client(input.ClientId);
  checkSecretHash(client, [input.Username], input.SecretHash, "other");
  const username = input.Username ?? "";
  const user = username ? await ctx.up.user(client.UserPoolId, username) : null;
  if (!user) {
    if (preventsUserExistenceErrors(client)) return { CodeDeliveryDetails: fakeDelivery(username) };
    throw userNotFoundForClient();
  }
  if (user.UserStatus !== "UNCONFIRMED") throw new AwsError("InvalidParameterException", "User is already confirmed.");
  const email = attribute(user, "email");
  if (!email) throw new AwsError("InvalidParameterException", "User has no verified email to send a code to");
  try {
    await ctx.up.call("ForgotPassword", { ClientId: client.ClientId, Username: user.Username });
    ctx.log(
      `ResendConfirmationCode for ${username}: cognito-local cannot resend sign-up codes, so the gateway had it issue a new one through ForgotPassword (the code box above says ForgotPassword; the code confirms the sign-up; with CODE set it is the same code as before)`,
    );
  } catch (error) {
    ctx.log(
      `ResendConfirmationCode for ${username}: cognito-local could not issue a new code (${(error as Error).message}); the code sent at sign-up stays valid`,
    );
  }
  return {
    CodeDeliveryDetails: { Destination: maskDestination(email), DeliveryMedium: "EMAIL", AttributeName: "email" },
  };
};

export const signUpOperations = {
  SignUp: signUp,
  ConfirmSignUp: confirmSignUp,
  ResendConfirmationCode: resendConfirmationCode,
} satisfies OperationTable;
