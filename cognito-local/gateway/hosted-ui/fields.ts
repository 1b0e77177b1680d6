/** Form pieces more than one page shows: choosing a new password, and asking for a new code. */
import { describedBy, type FormMessages, flowField, html } from "../html.ts";
import type { Flow } from "./flows.ts";

/**
 * "New password" and "Confirm new password", with the pool's policy as the
 * hint. `errorAbout: "newPassword"` points the form's error at the first
 * field too (on a page with no other field the error can be about).
 */
export function newPasswordFields(flow: Flow, m: FormMessages, { errorAbout }: { errorAbout?: "newPassword" } = {}) {
  const hintedBy = errorAbout === "newPassword" && m.error ? "password-hint form-error" : "password-hint";
  return html`<div class="field">
<label for="new-password">New password</label>
<input id="new-password" name="newPassword" type="password" autocomplete="new-password" required aria-describedby="${hintedBy}">
<p class="hint" id="password-hint">${flow.passwordHint}</p>
</div>
<div class="field">
<label for="confirm-password">Confirm new password</label>
<input id="confirm-password" name="confirmPassword" type="password" autocomplete="new-password" required${describedBy(m)}>
</div>`;
}

/** The new password typed twice alike, or null when the two differ. */
export function confirmedNewPassword(form: URLSearchParams): string | null {
  const newPassword = form.get("newPassword") ?? "";
  return newPassword === (form.get("confirmPassword") ?? "") ? newPassword : null;
}

/** "Send a new code": a form of its own, posted to the page's own path. */
export function resendCodeForm(action: string, flow: Flow) {
  return html`<form method="post" action="${action}">
${flowField(flow.id)}
<input type="hidden" name="action" value="resend">
<button type="submit" class="secondary">Send a new code</button>
</form>`;
}
