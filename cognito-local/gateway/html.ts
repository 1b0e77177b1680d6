/**
 * The gateway's HTML: the layout every Hosted UI page and error page shares,
 * and the pieces forms share (each page's own markup is in its module under
 * hosted-ui/). Every interpolated value goes through `html`, which escapes
 * it, so nothing a request carries (state, redirect_uri, usernames, error
 * messages) can reach the page as markup.
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

/** Markup written by us (a stylesheet) or by a library we trust with it, passed through unescaped. */
export function trustedHtml(markup: string): SafeHtml {
  return new SafeHtml(markup);
}

/** Template tag: interpolations are escaped unless they are `html` themselves. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? "");
  });
  return new SafeHtml(out);
}

/** The pages' stylesheet (the local identity provider's pages use it too, with colours of their own). */
export const PAGE_STYLE = `
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
.providers { list-style: none; margin: 0 0 1rem; padding: 0; display: grid; gap: 0.5rem; }
a.button { display: block; text-align: center; padding: 0.6rem; border-radius: 8px; font-weight: 600; text-decoration: none; }
a.button.secondary { border: 1px solid var(--accent); }
.divider { text-align: center; color: var(--muted); margin: 0 0 1rem; }
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
<style>${new SafeHtml(PAGE_STYLE)}</style>
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

export function messages({ error, notice }: FormMessages): SafeHtml {
  return html`${error ? html`<div class="error" role="alert" id="form-error">${error}</div>` : ""}${
    notice ? html`<div class="notice" role="status">${notice}</div>` : ""
  }`;
}

/** `aria-describedby` pointing at the error, when there is one. */
export function describedBy(m: FormMessages): SafeHtml {
  return m.error ? html` aria-describedby="form-error" aria-invalid="true"` : html``;
}

/** The hidden field that ties a form to its page flow. */
export const flowField = (flow: string) => html`<input type="hidden" name="flow" value="${flow}">`;

export function errorPage(title: string, message: string): string {
  return layout(
    title,
    html`<div class="error" role="alert">${message}</div>
<p>Go back to the application and try again.</p>`,
  );
}
