/**
 * The steps of a Hosted UI sign-in that call Cognito — through the gateway's
 * own operations, so the parity rules (disabled users, challenges, password
 * policy) apply to the pages as to the API — and decide which page comes
 * next: a password sign-in, a challenge answer, the sign-up confirmation and
 * password reset it may lead to, and completion (the signed-in session and
 * the authorization code for the app). Pages call these; each ends by
 * showing the flow's next page (`ctx.show`) or redirecting to the app.
 */
import type { ServerResponse } from "node:http";
import type { AuthenticationResultType } from "@aws-sdk/client-cognito-identity-provider";
import { type AuthorizeRequest, codeRedirect } from "../authorize-request.ts";
import { toAwsError } from "../errors.ts";
import { errorPage } from "../html.ts";
import { redirect, sendHtml } from "../http.ts";
import { claim, decodeJwt } from "../jwt.ts";
import type { Output } from "../operations/operation.ts";
import type { HostedUiContext } from "./context.ts";
import { type Flow, secretHashBody, secretHashParam } from "./flows.ts";
import { startSession } from "./session.ts";

type AuthAnswer = Output<"InitiateAuth"> | Output<"RespondToAuthChallenge">;

/** Signs in with a password (the sign-in page, or straight after a confirmed sign-up). */
export async function signIn(
  ctx: HostedUiContext,
  res: ServerResponse,
  flow: Flow,
  username: string,
  password: string,
) {
  const { client } = flow.request;
  let result: Output<"InitiateAuth">;
  try {
    result = await ctx.api.call(
      "InitiateAuth",
      {
        ClientId: client.ClientId,
        AuthFlow: "USER_PASSWORD_AUTH",
        AuthParameters: { USERNAME: username, PASSWORD: password, ...secretHashParam(flow, username) },
      },
      { hostedUi: true },
    );
  } catch (error) {
    const e = toAwsError(error);
    if (e.type === "UserNotConfirmedException") {
      // AWS sends a new code and asks for it.
      flow.password = password;
      return startConfirmation(ctx, res, flow, username, "Your account is not confirmed yet.");
    }
    if (e.type === "PasswordResetRequiredException") {
      return startPasswordReset(ctx, res, flow, username, "You need to reset your password.");
    }
    flow.step = "login";
    return ctx.show(res, flow, { error: e.message });
  }
  await afterAuth(ctx, res, flow, result);
}

/** What follows Cognito's answer: the sign-in is complete, or a challenge page asks for more. */
export async function afterAuth(ctx: HostedUiContext, res: ServerResponse, flow: Flow, result: AuthAnswer) {
  if (result.AuthenticationResult) return complete(ctx, res, flow, result.AuthenticationResult);
  const name = result.ChallengeName ?? "";
  const params = result.ChallengeParameters ?? {};
  const challengeUser = params.USER_ID_FOR_SRP ?? flow.username ?? "";
  if (name === "SELECT_MFA_TYPE") {
    // One page for both kinds of code: pick the authenticator app when offered.
    const offered = JSON.parse(params.MFAS_CAN_CHOOSE ?? "[]") as string[];
    const answer = offered.includes("SOFTWARE_TOKEN_MFA") ? "SOFTWARE_TOKEN_MFA" : "SMS_MFA";
    flow.challenge = { name, session: result.Session ?? "", username: challengeUser };
    return respond(ctx, res, flow, { ANSWER: answer });
  }
  if (name === "NEW_PASSWORD_REQUIRED" || name === "SOFTWARE_TOKEN_MFA" || name === "SMS_MFA") {
    flow.step = name === "NEW_PASSWORD_REQUIRED" ? "newPassword" : "mfa";
    flow.challenge = {
      name,
      session: result.Session ?? "",
      username: challengeUser,
      deviceName: params.FRIENDLY_DEVICE_NAME,
    };
    return ctx.show(res, flow);
  }
  sendHtml(res, 501, errorPage("Unsupported challenge", `The local Hosted UI cannot answer ${name}.`));
}

/** Answers the flow's challenge (a code, a new password, a choice). */
export async function respond(ctx: HostedUiContext, res: ServerResponse, flow: Flow, answers: Record<string, string>) {
  const challenge = flow.challenge!;
  let result: Output<"RespondToAuthChallenge">;
  try {
    result = await ctx.api.call("RespondToAuthChallenge", {
      ClientId: flow.request.client.ClientId,
      ChallengeName: challenge.name,
      Session: challenge.session,
      ChallengeResponses: {
        USERNAME: challenge.username,
        ...answers,
        ...secretHashParam(flow, challenge.username),
      },
    });
  } catch (error) {
    const e = toAwsError(error);
    if (e.message.startsWith("Invalid session")) {
      const emailCode = challenge.name === "EMAIL_OTP";
      flow.step = "login";
      flow.challenge = undefined;
      return ctx.show(res, flow, {
        error: emailCode
          ? "That sign-in code can no longer be used (it expired, or was entered wrongly too often). Ask for a new one."
          : "This sign-in can no longer be used (it took too long, or a wrong code was entered too often). Sign in again.",
      });
    }
    return ctx.show(res, flow, { error: e.message });
  }
  await afterAuth(ctx, res, flow, result);
}

/** Sends (again) the sign-up confirmation code and shows the page that asks for it. */
export async function startConfirmation(
  ctx: HostedUiContext,
  res: ServerResponse,
  flow: Flow,
  username: string,
  notice: string,
) {
  flow.step = "confirm";
  flow.username = username;
  try {
    const sent = await ctx.api.call("ResendConfirmationCode", {
      ClientId: flow.request.client.ClientId,
      Username: username,
      ...secretHashBody(flow, username),
    });
    flow.destination = sent.CodeDeliveryDetails?.Destination;
  } catch (error) {
    return ctx.show(res, flow, { error: toAwsError(error).message });
  }
  ctx.show(res, flow, { notice });
}

/** Sends a password-reset code and shows the page that asks for it with the new password. */
export async function startPasswordReset(
  ctx: HostedUiContext,
  res: ServerResponse,
  flow: Flow,
  username: string,
  notice?: string,
) {
  flow.username = username;
  try {
    const sent = await ctx.api.call("ForgotPassword", {
      ClientId: flow.request.client.ClientId,
      Username: username,
      ...secretHashBody(flow, username),
    });
    flow.destination = sent.CodeDeliveryDetails?.Destination;
  } catch (error) {
    flow.step = "forgot";
    return ctx.show(res, flow, { error: toAwsError(error).message });
  }
  flow.step = "confirmForgot";
  ctx.show(res, flow, { notice });
}

/** Signed in: the hosted session starts (now is when they signed in), and the app gets its code. */
function complete(ctx: HostedUiContext, res: ServerResponse, flow: Flow, tokens: AuthenticationResultType) {
  // Both or neither: a refusal (503) must not leave a session without its code.
  ctx.sessions.ensureRoom();
  ctx.codes.ensureRoom();
  ctx.flows.delete(flow.id);
  const username = claim(decodeJwt(tokens.AccessToken), "username") ?? flow.username ?? "";
  const authTime = Math.floor(ctx.now() / 1000);
  const cookie = startSession(ctx, { poolId: flow.request.client.UserPoolId, username, authTime });
  redirect(res, codeRedirect(flow.request, issueCode(ctx, flow.request, tokens)), { "Set-Cookie": cookie });
}

/**
 * An authorization code for the request, redeemable once for tokens of the
 * sign-in these tokens began (the exchange mints them, with the request's
 * scopes and nonce).
 */
export function issueCode(ctx: HostedUiContext, request: AuthorizeRequest, tokens: AuthenticationResultType): string {
  return ctx.codes.issue({
    clientId: request.client.ClientId,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    refreshToken: tokens.RefreshToken ?? "",
    scopes: request.scopes,
    nonce: request.nonce,
  });
}
