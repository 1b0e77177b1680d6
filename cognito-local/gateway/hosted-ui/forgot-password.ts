/**
 * Forgotten password: the page that sends a reset code (`/forgotPassword`)
 * and the one that takes it with the new password (`/confirmForgotPassword`).
 */
import type { ServerResponse } from "node:http";
import { toAwsError } from "../errors.ts";
import { type FormMessages, flowField, html, layout, messages } from "../html.ts";
import type { HostedUiContext, Page } from "./context.ts";
import { confirmedNewPassword, newPasswordFields } from "./fields.ts";
import { type Flow, links, secretHashBody } from "./flows.ts";
import { startPasswordReset } from "./steps.ts";

async function submitForgot(ctx: HostedUiContext, res: ServerResponse, flow: Flow, form: URLSearchParams) {
  const username = (form.get("username") ?? "").trim();
  flow.username = username;
  if (!username) return ctx.show(res, flow, { error: "Enter your username." });
  await startPasswordReset(ctx, res, flow, username);
}

async function submitNewPassword(ctx: HostedUiContext, res: ServerResponse, flow: Flow, form: URLSearchParams) {
  const newPassword = confirmedNewPassword(form);
  if (newPassword === null) return ctx.show(res, flow, { error: "Passwords do not match." });
  const username = flow.username ?? "";
  try {
    await ctx.api.call("ConfirmForgotPassword", {
      ClientId: flow.request.client.ClientId,
      Username: username,
      ConfirmationCode: (form.get("code") ?? "").trim(),
      Password: newPassword,
      ...secretHashBody(flow, username),
    });
  } catch (error) {
    return ctx.show(res, flow, { error: toAwsError(error).message });
  }
  flow.step = "login";
  ctx.show(res, flow, { notice: "Your password has been reset. Sign in with your new password." });
}

function renderForgot(flow: Flow, m: FormMessages): string {
  return layout(
    "Reset your password",
    html`${messages(m)}
<p id="forgot-hint">Enter your ${flow.usernameLabel.toLowerCase()} and we will send you a code to reset your password.</p>
<form method="post" action="/forgotPassword">
${flowField(flow.id)}
<div class="field">
<label for="username">${flow.usernameLabel}</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${flow.username ?? ""}" aria-describedby="forgot-hint${m.error ? " form-error" : ""}">
</div>
<button type="submit">Send code</button>
</form>
<nav aria-label="Account"><a href="${links(flow).loginHref}">Back to sign in</a></nav>`,
  );
}

function renderNewPassword(flow: Flow, m: FormMessages): string {
  const d = flow.destination;
  return layout(
    "Choose a new password",
    html`${messages(m)}
<p id="code-hint">We sent a code${d ? ` to ${d}` : ""}. Enter it with your new password.</p>
<form method="post" action="/confirmForgotPassword">
${flowField(flow.id)}
<div class="field">
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required aria-describedby="code-hint${m.error ? " form-error" : ""}">
</div>
${newPasswordFields(flow, m)}
<button type="submit">Reset password</button>
</form>`,
  );
}

export const forgotPasswordPage: Page = { action: "/forgotPassword", render: renderForgot, submit: submitForgot };
export const confirmForgotPasswordPage: Page = {
  action: "/confirmForgotPassword",
  render: renderNewPassword,
  submit: submitNewPassword,
};
