/**
 * Sign-up: the page that creates an account (`/signup`) and the one that
 * confirms it with the emailed code (`/confirm`, with "Send a new code");
 * AWS signs the new user straight in after confirming.
 */
import type { ServerResponse } from "node:http";
import { toAwsError } from "../errors.ts";
import { describedBy, type FormMessages, flowField, html, layout, messages } from "../html.ts";
import type { Output } from "../operations/operation.ts";
import type { HostedUiContext, Page } from "./context.ts";
import { resendCodeForm } from "./fields.ts";
import { type Flow, links, secretHashBody } from "./flows.ts";
import { signIn, startConfirmation } from "./steps.ts";

async function submitSignUp(ctx: HostedUiContext, res: ServerResponse, flow: Flow, form: URLSearchParams) {
  const email = (form.get("email") ?? "").trim();
  const password = form.get("password") ?? "";
  flow.username = email;
  if (!email || !password) return ctx.show(res, flow, { error: "Enter your email and a password." });
  let result: Output<"SignUp">;
  try {
    result = await ctx.api.call("SignUp", {
      ClientId: flow.request.client.ClientId,
      Username: email,
      Password: password,
      UserAttributes: [{ Name: "email", Value: email }],
      ...secretHashBody(flow, email),
    });
  } catch (error) {
    return ctx.show(res, flow, { error: toAwsError(error).message });
  }
  flow.password = password;
  if (result.UserConfirmed) return signIn(ctx, res, flow, email, password);
  flow.step = "confirm";
  flow.destination = result.CodeDeliveryDetails?.Destination;
  ctx.show(res, flow);
}

async function submitConfirmation(ctx: HostedUiContext, res: ServerResponse, flow: Flow, form: URLSearchParams) {
  const username = flow.username ?? "";
  if (form.get("action") === "resend") return startConfirmation(ctx, res, flow, username, "We sent you a new code.");
  try {
    await ctx.api.call("ConfirmSignUp", {
      ClientId: flow.request.client.ClientId,
      Username: username,
      ConfirmationCode: (form.get("code") ?? "").trim(),
      ...secretHashBody(flow, username),
    });
  } catch (error) {
    return ctx.show(res, flow, { error: toAwsError(error).message });
  }
  // AWS signs the new user straight in after confirming.
  if (flow.password) return signIn(ctx, res, flow, username, flow.password);
  flow.step = "login";
  ctx.show(res, flow, { notice: "Your account is confirmed. Sign in." });
}

function renderSignUp(flow: Flow, m: FormMessages): string {
  return layout(
    "Create an account",
    html`${messages(m)}
<form method="post" action="/signup">
${flowField(flow.id)}
<div class="field">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${flow.username ?? ""}"${describedBy(m)}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-hint${m.error ? " form-error" : ""}">
<p class="hint" id="password-hint">${flow.passwordHint}</p>
</div>
<button type="submit">Sign up</button>
</form>
<nav aria-label="Account"><a href="${links(flow).loginHref}">Already have an account? Sign in</a></nav>`,
  );
}

function renderConfirmation(flow: Flow, m: FormMessages): string {
  const d = flow.destination;
  return layout(
    "Confirm your account",
    html`${messages(m)}
<p id="code-hint">We sent a confirmation code${d ? ` to ${d}` : ""}. Enter it below.</p>
<form method="post" action="/confirm">
${flowField(flow.id)}
<div class="field">
<label for="code">Confirmation code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required aria-describedby="code-hint${m.error ? " form-error" : ""}">
</div>
<button type="submit">Confirm account</button>
</form>
${resendCodeForm("/confirm", flow)}`,
  );
}

export const signUpPage: Page = { action: "/signup", render: renderSignUp, submit: submitSignUp };
export const confirmSignUpPage: Page = { action: "/confirm", render: renderConfirmation, submit: submitConfirmation };
