/** The new-password page: a user who signed in with a temporary password chooses their own (NEW_PASSWORD_REQUIRED). */
import type { ServerResponse } from "node:http";
import { describedBy, type FormMessages, flowField, html, layout, messages } from "../html.ts";
import type { HostedUiContext, Page } from "./context.ts";
import type { Flow } from "./flows.ts";
import { respond } from "./steps.ts";

async function submit(ctx: HostedUiContext, res: ServerResponse, flow: Flow, form: URLSearchParams) {
  const newPassword = form.get("newPassword") ?? "";
  if (newPassword !== (form.get("confirmPassword") ?? ""))
    return ctx.show(res, flow, { error: "Passwords do not match." });
  return respond(ctx, res, flow, { NEW_PASSWORD: newPassword }, newPassword);
}

function render(flow: Flow, m: FormMessages): string {
  return layout(
    "Change your password",
    html`${messages(m)}
<p>You signed in with a temporary password. Choose a new one to continue.</p>
<form method="post" action="/challenge">
${flowField(flow.id)}
<div class="field">
<label for="new-password">New password</label>
<input id="new-password" name="newPassword" type="password" autocomplete="new-password" required aria-describedby="password-hint${m.error ? " form-error" : ""}">
<p class="hint" id="password-hint">${flow.passwordHint}</p>
</div>
<div class="field">
<label for="confirm-password">Confirm new password</label>
<input id="confirm-password" name="confirmPassword" type="password" autocomplete="new-password" required${describedBy(m)}>
</div>
<button type="submit">Change password and sign in</button>
</form>`,
  );
}

export const newPasswordPage: Page = { action: "/challenge", render, submit };
