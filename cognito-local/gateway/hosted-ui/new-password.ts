/** The new-password page: a user who signed in with a temporary password chooses their own (NEW_PASSWORD_REQUIRED). */
import type { ServerResponse } from "node:http";
import { type FormMessages, flowField, html, layout, messages } from "../html.ts";
import type { HostedUiContext, Page } from "./context.ts";
import { confirmedNewPassword, newPasswordFields } from "./fields.ts";
import type { Flow } from "./flows.ts";
import { respond } from "./steps.ts";

async function submit(ctx: HostedUiContext, res: ServerResponse, flow: Flow, form: URLSearchParams) {
  const newPassword = confirmedNewPassword(form);
  if (newPassword === null) return ctx.show(res, flow, { error: "Passwords do not match." });
  return respond(ctx, res, flow, { NEW_PASSWORD: newPassword });
}

function render(flow: Flow, m: FormMessages): string {
  return layout(
    "Change your password",
    html`${messages(m)}
<p>You signed in with a temporary password. Choose a new one to continue.</p>
<form method="post" action="/challenge">
${flowField(flow.id)}
${newPasswordFields(flow, m, { errorAbout: "newPassword" })}
<button type="submit">Change password and sign in</button>
</form>`,
  );
}

export const newPasswordPage: Page = { action: "/challenge", render, submit };
