/**
 * The Hosted UI's pages. Every interpolated value goes through `html`, which
 * escapes it, so nothing a request carries (state, redirect_uri, usernames,
 * error messages) can reach the page as markup.
 */

class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function render(value: unknown): string {
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(render).join("");
  if (value === null || value === undefined || value === false) return "";
  return escapeHtml(String(value));
}

/** Template tag: interpolations are escaped unless they are `html` themselves. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

const STYLE = `
:root { color-scheme: light dark; --accent: #1a56db; --error: #b91c1c; --muted: #4b5563; }
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 1.5rem;
  font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; background: #f3f4f6; color: #111827; }
main { width: 100%; max-width: 24rem; background: #fff; border-radius: 12px; padding: 2rem;
  box-shadow: 0 1px 3px rgb(0 0 0 / 0.12), 0 8px 24px rgb(0 0 0 / 0.06); }
.brand { margin: 0 0 0.25rem; font-size: 0.8rem; letter-spacing: 0.04em; text-transform: uppercase; color: var(--muted); }
h1 { margin: 0 0 1.25rem; font-size: 1.5rem; }
.field { margin-bottom: 1rem; }
label { display: block; font-weight: 600; margin-bottom: 0.25rem; }
.hint { margin: 0.25rem 0 0; font-size: 0.875rem; color: var(--muted); }
input { width: 100%; padding: 0.6rem 0.75rem; font: inherit; border: 1px solid #9ca3af; border-radius: 8px; background: inherit; color: inherit; }
input:focus-visible, button:focus-visible, a:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
button { width: 100%; padding: 0.65rem; font: inherit; font-weight: 600; border: 0; border-radius: 8px; background: var(--accent); color: #fff; cursor: pointer; }
button.secondary { background: transparent; color: var(--accent); border: 1px solid var(--accent); margin-top: 0.75rem; }
.error { border-left: 4px solid var(--error); background: #fef2f2; color: var(--error); padding: 0.6rem 0.75rem; margin-bottom: 1rem; border-radius: 4px; }
.notice { border-left: 4px solid var(--accent); background: #eff6ff; padding: 0.6rem 0.75rem; margin-bottom: 1rem; border-radius: 4px; }
nav { margin-top: 1.25rem; display: flex; flex-wrap: wrap; gap: 0.5rem 1.25rem; }
a { color: var(--accent); }
@media (prefers-color-scheme: dark) {
  body { background: #111827; color: #f9fafb; } main { background: #1f2937; }
  .error { background: #450a0a; color: #fecaca; } .notice { background: #172554; }
  :root { --accent: #93b4ff; --muted: #d1d5db; } button { color: #111827; }
}
`;

export function layout(title: string, content: SafeHtml): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · cognito-local</title>
<style>${new SafeHtml(STYLE)}</style>
</head>
<body>
<main aria-labelledby="page-title">
<p class="brand">cognito-local · local Hosted UI</p>
<h1 id="page-title">${title}</h1>
${content}
</main>
</body>
</html>
`.value;
}

export interface FormMessages {
  error?: string;
  notice?: string;
}

function messages({ error, notice }: FormMessages): SafeHtml {
  return html`${error ? html`<div class="error" role="alert" id="form-error">${error}</div>` : ""}${
    notice ? html`<div class="notice" role="status">${notice}</div>` : ""
  }`;
}

/** `aria-describedby` pointing at the error, when there is one. */
function describedBy(m: FormMessages): SafeHtml {
  return m.error ? html` aria-describedby="form-error" aria-invalid="true"` : html``;
}

const flowField = (flow: string) => html`<input type="hidden" name="flow" value="${flow}">`;

export interface LoginPage extends FormMessages {
  flow: string;
  username?: string;
  usernameLabel: string;
  signUpHref: string;
  forgotPasswordHref: string;
  /** Offer "Email me a code" (the pool allows EMAIL_OTP), as managed login does. */
  emailCodes?: boolean;
}

export function loginPage(p: LoginPage): string {
  return layout(
    "Sign in",
    html`${messages(p)}
<form method="post" action="/login">
${flowField(p.flow)}
<div class="field">
<label for="username">${p.usernameLabel}</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${p.username ?? ""}"${describedBy(p)}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy(p)}>
</div>
<button type="submit">Sign in</button>
${
  p.emailCodes
    ? html`<p class="hint" id="email-code-hint">No password? We can email you a one-time sign-in code instead.</p>
<button type="submit" name="action" value="email-code" class="secondary" formnovalidate aria-describedby="email-code-hint">Email me a code</button>`
    : ""
}
</form>
<nav aria-label="Account">
<a href="${p.forgotPasswordHref}">Forgot your password?</a>
<a href="${p.signUpHref}">Create an account</a>
</nav>`,
  );
}

export interface NewPasswordPage extends FormMessages {
  flow: string;
  passwordHint: string;
}

export function newPasswordPage(p: NewPasswordPage): string {
  return layout(
    "Change your password",
    html`${messages(p)}
<p>You signed in with a temporary password. Choose a new one to continue.</p>
<form method="post" action="/challenge">
${flowField(p.flow)}
<div class="field">
<label for="new-password">New password</label>
<input id="new-password" name="newPassword" type="password" autocomplete="new-password" required aria-describedby="password-hint${p.error ? " form-error" : ""}">
<p class="hint" id="password-hint">${p.passwordHint}</p>
</div>
<div class="field">
<label for="confirm-password">Confirm new password</label>
<input id="confirm-password" name="confirmPassword" type="password" autocomplete="new-password" required${describedBy(p)}>
</div>
<button type="submit">Change password and sign in</button>
</form>`,
  );
}

export interface MfaPage extends FormMessages {
  flow: string;
  /** SOFTWARE_TOKEN_MFA or SMS_MFA */
  challengeName: string;
  deviceName?: string;
}

export function mfaPage(p: MfaPage): string {
  const app = p.challengeName === "SOFTWARE_TOKEN_MFA";
  return layout(
    "Enter your code",
    html`${messages(p)}
<p id="code-hint">${
      app
        ? `Enter the 6-digit code from your authenticator app${p.deviceName ? ` (${p.deviceName})` : ""}.`
        : "Enter the 6-digit code we sent you."
    }</p>
<form method="post" action="/challenge">
${flowField(p.flow)}
<div class="field">
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" maxlength="6" required aria-describedby="code-hint${p.error ? " form-error" : ""}">
</div>
<button type="submit">Sign in</button>
</form>`,
  );
}

export interface EmailCodePage extends FormMessages {
  flow: string;
  /** Where the code went, masked (d***@e***). */
  destination?: string;
  loginHref: string;
}

export function emailCodePage(p: EmailCodePage): string {
  return layout(
    "Enter your sign-in code",
    html`${messages(p)}
<p id="code-hint">We emailed a sign-in code${p.destination ? ` to ${p.destination}` : ""}. It works once, for 3 minutes.</p>
<form method="post" action="/challenge">
${flowField(p.flow)}
<div class="field">
<label for="code">Sign-in code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6,8}" maxlength="8" required aria-describedby="code-hint${p.error ? " form-error" : ""}">
</div>
<button type="submit">Sign in</button>
</form>
<form method="post" action="/challenge">
${flowField(p.flow)}
<input type="hidden" name="action" value="resend">
<button type="submit" class="secondary">Send a new code</button>
</form>
<nav aria-label="Account"><a href="${p.loginHref}">Sign in another way</a></nav>`,
  );
}

export interface SignUpPage extends FormMessages {
  flow: string;
  email?: string;
  passwordHint: string;
  loginHref: string;
}

export function signUpPage(p: SignUpPage): string {
  return layout(
    "Create an account",
    html`${messages(p)}
<form method="post" action="/signup">
${flowField(p.flow)}
<div class="field">
<label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="email" required value="${p.email ?? ""}"${describedBy(p)}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required aria-describedby="password-hint${p.error ? " form-error" : ""}">
<p class="hint" id="password-hint">${p.passwordHint}</p>
</div>
<button type="submit">Sign up</button>
</form>
<nav aria-label="Account"><a href="${p.loginHref}">Already have an account? Sign in</a></nav>`,
  );
}

export interface ConfirmSignUpPage extends FormMessages {
  flow: string;
  destination?: string;
}

export function confirmSignUpPage(p: ConfirmSignUpPage): string {
  return layout(
    "Confirm your account",
    html`${messages(p)}
<p id="code-hint">We sent a confirmation code${p.destination ? ` to ${p.destination}` : ""}. Enter it below.</p>
<form method="post" action="/confirm">
${flowField(p.flow)}
<div class="field">
<label for="code">Confirmation code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required aria-describedby="code-hint${p.error ? " form-error" : ""}">
</div>
<button type="submit">Confirm account</button>
</form>
<form method="post" action="/confirm">
${flowField(p.flow)}
<input type="hidden" name="action" value="resend">
<button type="submit" class="secondary">Send a new code</button>
</form>`,
  );
}

export interface ForgotPasswordPage extends FormMessages {
  flow: string;
  username?: string;
  usernameLabel: string;
  loginHref: string;
}

export function forgotPasswordPage(p: ForgotPasswordPage): string {
  return layout(
    "Reset your password",
    html`${messages(p)}
<p id="forgot-hint">Enter your ${p.usernameLabel.toLowerCase()} and we will send you a code to reset your password.</p>
<form method="post" action="/forgotPassword">
${flowField(p.flow)}
<div class="field">
<label for="username">${p.usernameLabel}</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${p.username ?? ""}" aria-describedby="forgot-hint${p.error ? " form-error" : ""}">
</div>
<button type="submit">Send code</button>
</form>
<nav aria-label="Account"><a href="${p.loginHref}">Back to sign in</a></nav>`,
  );
}

export interface ConfirmForgotPasswordPage extends FormMessages {
  flow: string;
  destination?: string;
  passwordHint: string;
}

export function confirmForgotPasswordPage(p: ConfirmForgotPasswordPage): string {
  return layout(
    "Choose a new password",
    html`${messages(p)}
<p id="code-hint">We sent a code${p.destination ? ` to ${p.destination}` : ""}. Enter it with your new password.</p>
<form method="post" action="/confirmForgotPassword">
${flowField(p.flow)}
<div class="field">
<label for="code">Code</label>
<input id="code" name="code" type="text" inputmode="numeric" autocomplete="one-time-code" required aria-describedby="code-hint${p.error ? " form-error" : ""}">
</div>
<div class="field">
<label for="new-password">New password</label>
<input id="new-password" name="newPassword" type="password" autocomplete="new-password" required aria-describedby="password-hint">
<p class="hint" id="password-hint">${p.passwordHint}</p>
</div>
<div class="field">
<label for="confirm-password">Confirm new password</label>
<input id="confirm-password" name="confirmPassword" type="password" autocomplete="new-password" required${describedBy(p)}>
</div>
<button type="submit">Reset password</button>
</form>`,
  );
}

export function errorPage(title: string, message: string): string {
  return layout(
    title,
    html`<div class="error" role="alert">${message}</div>
<p>Go back to the application and try again.</p>`,
  );
}
