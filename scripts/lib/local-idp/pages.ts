/**
 * The local identity provider's pages: sign-in, consent, sign-out and
 * errors. oidc-provider ships none fit for use (its devInteractions accept
 * any name and password), so these are ours: every value goes through the
 * gateway's escaping `html` tag, forms post back to the provider itself, and
 * no script runs (the provider sends a CSP without script-src).
 */
import { html, PAGE_STYLE, trustedHtml } from "../../../cognito-local/gateway/html.ts";

type Html = ReturnType<typeof html>;

/** The Hosted UI's stylesheet in another colour: plainly not the emulator's own pages. */
const STYLE = `${PAGE_STYLE}
:root { --accent: #0b6b3a; } body { background: #ecfdf5; } main { max-width: 26rem; }
.note { font-size: 0.875rem; color: var(--muted); margin: 1.25rem 0 0; }
@media (prefers-color-scheme: dark) { body { background: #052e16; } :root { --accent: #6ee7a8; } button { color: #052e16; } }
`;

function page(title: string, content: Html): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · local identity provider</title>
<style>${trustedHtml(STYLE)}</style>
</head>
<body>
<main aria-labelledby="page-title">
<p class="brand">Local identity provider (development only)</p>
<h1 id="page-title">${title}</h1>
${content}
</main>
</body>
</html>`.toString();
}

const STAND_IN_NOTE = html`<p class="note">This provider runs on your machine and stands in for Google and for a
company sign-in. Its people and passwords are printed by <code>npm run dev</code>.</p>`;

export interface SignInPageOptions {
  /** Where the form posts (the interaction's own URL). */
  action: string;
  /** Who is asking: "Google (cognito-local)". */
  clientName: string;
  email?: string;
  error?: string;
}

export function signInPage(p: SignInPageOptions): string {
  return page(
    "Sign in",
    html`<p>to continue to ${p.clientName}</p>
${p.error ? html`<p class="error" role="alert" id="form-error">${p.error}</p>` : ""}
<form method="post" action="${p.action}">
<div class="field"><label for="email">Email</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${p.email ?? ""}"
${p.error ? html`aria-describedby="form-error"` : ""}></div>
<div class="field"><label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required></div>
<button type="submit" name="action" value="sign-in">Sign in</button>
<button type="submit" name="action" value="cancel" class="secondary" formnovalidate>Cancel</button>
</form>
${STAND_IN_NOTE}`,
  );
}

export interface ConsentPageOptions {
  action: string;
  clientName: string;
  /** The signed-in person's email. */
  email: string;
  /** What the client asks to see, in words. */
  sharing: string[];
}

export function consentPage(p: ConsentPageOptions): string {
  return page(
    "Allow access?",
    html`<p>${p.clientName} wants to use your account <strong>${p.email}</strong> to:</p>
<ul>${p.sharing.map((s) => html`<li>${s}</li>`)}</ul>
<form method="post" action="${p.action}">
<button type="submit" name="action" value="allow">Allow</button>
<button type="submit" name="action" value="deny" class="secondary">Cancel</button>
</form>
${STAND_IN_NOTE}`,
  );
}

/** The sign-out confirmation: `form` is oidc-provider's own hidden form (id op.logoutForm, with its CSRF value). */
export function signOutPage(host: string, form: string): string {
  return page(
    "Sign out?",
    html`<p>Sign out of the local identity provider at ${host}?</p>
${trustedHtml(form)}
<button type="submit" form="op.logoutForm" name="logout" value="yes">Yes, sign me out</button>
<button type="submit" form="op.logoutForm" class="secondary">No, stay signed in</button>`,
  );
}

export function signedOutPage(): string {
  return page("Signed out", html`<p>You are signed out of the local identity provider.</p>`);
}

export function errorPage(error: string, description?: string): string {
  return page(
    "Something went wrong",
    html`<p class="error" role="alert">${description ?? error}</p>
<p class="note">Error code: <code>${error}</code>. Start the sign-in again from the app.</p>`,
  );
}
