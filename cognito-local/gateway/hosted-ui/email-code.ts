/**
 * Sign-in with an emailed code ("Email me a code"): choice-based sign-in
 * (USER_AUTH) with EMAIL_OTP preferred, then the page that asks for the
 * code, with "Send a new code".
 */
import type { ServerResponse } from "node:http";
import { toAwsError } from "../errors.ts";
import { type FormMessages, flowField, html, layout, messages } from "../html.ts";
import type { Output } from "../operations/operation.ts";
import type { HostedUiContext, Page } from "./context.ts";
import { resendCodeForm } from "./fields.ts";
import { type Flow, links, secretHashParam } from "./flows.ts";
import { respond } from "./steps.ts";

/** Sends a sign-in code to the user and shows the code page (or the sign-in page, saying why not). */
export async function sendEmailCode(ctx: HostedUiContext, res: ServerResponse, flow: Flow, username: string) {
  flow.step = "login";
  if (!flow.emailCodes) return ctx.show(res, flow, { error: "Sign-in codes are not available here." });
  if (!username) return ctx.show(res, flow, { error: `Enter your ${flow.usernameLabel.toLowerCase()}.` });
  let result: Output<"InitiateAuth">;
  try {
    result = await ctx.api.call(
      "InitiateAuth",
      {
        ClientId: flow.request.client.ClientId,
        AuthFlow: "USER_AUTH",
        AuthParameters: { USERNAME: username, PREFERRED_CHALLENGE: "EMAIL_OTP", ...secretHashParam(flow, username) },
      },
      { hostedUi: true },
    );
  } catch (error) {
    return ctx.show(res, flow, { error: toAwsError(error).message });
  }
  if (result.ChallengeName !== "EMAIL_OTP") {
    // This account cannot get a code (no verified email): AWS offers it the other ways.
    return ctx.show(res, flow, { error: "We can't send a sign-in code to this account. Sign in with your password." });
  }
  flow.step = "emailCode";
  flow.password = undefined;
  flow.destination = result.ChallengeParameters?.CODE_DELIVERY_DESTINATION;
  flow.challenge = { name: "EMAIL_OTP", session: result.Session ?? "", username };
  ctx.show(res, flow);
}

async function submit(ctx: HostedUiContext, res: ServerResponse, flow: Flow, form: URLSearchParams) {
  const challenge = flow.challenge!;
  if (form.get("action") === "resend") return sendEmailCode(ctx, res, flow, challenge.username);
  return respond(ctx, res, flow, { EMAIL_OTP_CODE: (form.get("code") ?? "").trim() });
}

function render(flow: Flow, m: FormMessages): string {
  const d = flow.destination;
  return layout(
    "Enter your sign-in code",
    html`${messages(m)}
<p id="code-hint">We emailed a sign-in code${d ? ` to ${d}` : ""}. It works once, for 3 minutes.</p>
<form method="post" action="/challenge">
${flowField(flow.id)}
<div class="field">
<label for="code">Sign-in code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6,8}" maxlength="8" required aria-describedby="code-hint${m.error ? " form-error" : ""}">
</div>
<button type="submit">Sign in</button>
</form>
${resendCodeForm("/challenge", flow)}
<nav aria-label="Account"><a href="${links(flow).loginHref}">Sign in another way</a></nav>`,
  );
}

export const emailCodePage: Page = { action: "/challenge", render, submit };
