/**
 * The sign-in page (`/login`): username and password, and "Email me a code"
 * where the pool allows email sign-in codes, as managed login offers it, and
 * a "Continue with …" button for each identity provider the client allows
 * (each one `/oauth2/authorize` with `identity_provider=`). A client that
 * does not allow the pool's own sign-in gets the buttons only.
 */
import type { ServerResponse } from "node:http";
import { describedBy, type FormMessages, flowField, html, layout, messages } from "../html.ts";
import type { HostedUiContext, Page } from "./context.ts";
import { sendEmailCode } from "./email-code.ts";
import { type Flow, links } from "./flows.ts";
import { signIn } from "./steps.ts";

async function submit(ctx: HostedUiContext, res: ServerResponse, flow: Flow, form: URLSearchParams) {
  if (!flow.cognitoSignIn) return ctx.show(res, flow, { error: "This app does not allow signing in with a password." });
  const username = (form.get("username") ?? "").trim();
  const password = form.get("password") ?? "";
  flow.username = username;
  if (form.get("action") === "email-code") return sendEmailCode(ctx, res, flow, username);
  if (!username || !password) return ctx.show(res, flow, { error: "Enter your username and password." });
  await signIn(ctx, res, flow, username, password);
}

/** One link per allowed identity provider: the same authorization request, sent straight to it. */
function providerButtons(flow: Flow) {
  if (flow.providers.length === 0) return html``;
  return html`<ul class="providers" aria-label="Sign in with another account">
${flow.providers.map(
  (name) =>
    html`<li><a class="button secondary" href="/oauth2/authorize?${flow.request.query}&amp;identity_provider=${encodeURIComponent(name)}">Continue with ${name}</a></li>`,
)}
</ul>${flow.cognitoSignIn ? html`<p class="divider"><span>or</span></p>` : ""}`;
}

function render(flow: Flow, m: FormMessages): string {
  const { signUpHref, forgotPasswordHref } = links(flow);
  if (!flow.cognitoSignIn) return layout("Sign in", html`${messages(m)}${providerButtons(flow)}`);
  return layout(
    "Sign in",
    html`${messages(m)}${providerButtons(flow)}
<form method="post" action="/login">
${flowField(flow.id)}
<div class="field">
<label for="username">${flow.usernameLabel}</label>
<input id="username" name="username" type="text" autocomplete="username" autocapitalize="none" spellcheck="false" required value="${flow.username ?? ""}"${describedBy(m)}>
</div>
<div class="field">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required${describedBy(m)}>
</div>
<button type="submit">Sign in</button>
${
  flow.emailCodes
    ? html`<p class="hint" id="email-code-hint">No password? We can email you a one-time sign-in code instead.</p>
<button type="submit" name="action" value="email-code" class="secondary" formnovalidate aria-describedby="email-code-hint">Email me a code</button>`
    : ""
}
</form>
<nav aria-label="Account">
<a href="${forgotPasswordHref}">Forgot your password?</a>
<a href="${signUpHref}">Create an account</a>
</nav>`,
  );
}

export const signInPage: Page = { action: "/login", render, submit };
