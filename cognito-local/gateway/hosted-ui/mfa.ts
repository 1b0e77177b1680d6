/** The MFA page: the code from the user's authenticator app (SOFTWARE_TOKEN_MFA) or text message (SMS_MFA). */
import type { ServerResponse } from "node:http";
import { type FormMessages, flowField, html, layout, messages } from "../html.ts";
import type { HostedUiContext, Page } from "./context.ts";
import type { Flow } from "./flows.ts";
import { respond } from "./steps.ts";

async function submit(ctx: HostedUiContext, res: ServerResponse, flow: Flow, form: URLSearchParams) {
  const code = (form.get("code") ?? "").trim();
  const field = flow.challenge?.name === "SMS_MFA" ? "SMS_MFA_CODE" : "SOFTWARE_TOKEN_MFA_CODE";
  return respond(ctx, res, flow, { [field]: code });
}

function render(flow: Flow, m: FormMessages): string {
  const app = flow.challenge?.name === "SOFTWARE_TOKEN_MFA";
  const device = flow.challenge?.deviceName;
  return layout(
    "Enter your code",
    html`${messages(m)}
<p id="code-hint">${
      app
        ? `Enter the 6-digit code from your authenticator app${device ? ` (${device})` : ""}.`
        : "Enter the 6-digit code we sent you."
    }</p>
<form method="post" action="/challenge">
${flowField(flow.id)}
<div class="field">
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required aria-describedby="code-hint${m.error ? " form-error" : ""}">
</div>
<button type="submit">Sign in</button>
</form>`,
  );
}

export const mfaPage: Page = { action: "/challenge", render, submit };
