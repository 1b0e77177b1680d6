/**
 * Page flows: what a sign-in remembers from one page to the next (the
 * authorization request, the Cognito `Session`, a new account's password
 * until it is confirmed), in memory, keyed by a random `flow` id in each
 * form's hidden field. Every form submission is read here, in one place,
 * before any page sees it: a form that is not URL-encoded, that another site
 * sent, or whose flow is unknown, expired, at another page or another
 * browser's, is refused.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ChallengeNameType } from "@aws-sdk/client-cognito-identity-provider";
import { type AuthorizeRequest, type AuthorizeValidation, validateAuthorizeRequest } from "../authorize-request.ts";
import { errorPage } from "../html.ts";
import { isForm, parseCookies, readBody, redirect, sendHtml } from "../http.ts";
import { describePasswordPolicy } from "../password-policy.ts";
import { allowedFirstFactors } from "../pool-settings.ts";
import { secretHash } from "../secret-hash.ts";
import type { HostedUiContext, Pages } from "./context.ts";

/** How long a page may wait for its form to be submitted. */
export const FLOW_MS = 15 * 60_000;

/** The page a flow is at: each is one page module's (see index.ts). */
export type Step = "login" | "newPassword" | "mfa" | "emailCode" | "signup" | "confirm" | "forgot" | "confirmForgot";

export interface Flow {
  id: string;
  /** The browser that opened it (its BROWSER_COOKIE): only that browser's forms go on with it. */
  browser: string;
  request: AuthorizeRequest;
  step: Step;
  expiresAt: number;
  usernameLabel: string;
  passwordHint: string;
  /** The pool allows email sign-in codes: the sign-in page offers them. */
  emailCodes: boolean;
  /** Identity providers the client allows (and the pool has): a "Continue with …" button each. */
  providers: string[];
  /** The client allows the pool's own sign-in (COGNITO, or no list at all): the form is shown. */
  cognitoSignIn: boolean;
  username?: string;
  /** A new account's password: kept to sign it in once its sign-up is confirmed. */
  password?: string;
  challenge?: { name: ChallengeNameType; session: string; username: string; deviceName?: string };
  destination?: string;
}

export const randomId = () => randomBytes(24).toString("base64url");

/**
 * A random id for the browser, set with the first page of a flow: a form goes
 * on with a flow only from the browser that opened it, so nobody can start a
 * sign-in in their own browser and have someone else's finish it (login CSRF:
 * the victim would end up signed in to the attacker's account).
 */
export const BROWSER_COOKIE = "cognito_local_browser";

function browserOf(req: IncomingMessage): string | undefined {
  const id = parseCookies(req.headers.cookie)[BROWSER_COOKIE];
  return id && /^[A-Za-z0-9_-]{32}$/.test(id) ? id : undefined;
}

/** GET of a page that starts a flow (/login, /signup, /forgotPassword), with the authorization request's parameters. */
export async function openPage(
  ctx: HostedUiContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: URLSearchParams,
  step: "login" | "signup" | "forgot",
) {
  const validation = await validateAuthorizeRequest(ctx.upstream, params);
  if (!validation.ok) return rejectRequest(res, validation);
  const browser = browserOf(req) ?? randomId();
  const flow = await newFlow(ctx, validation.request, step, browser);
  // Until the browser closes: only ever compared with a flow's.
  res.setHeader(
    "Set-Cookie",
    `${BROWSER_COOKIE}=${browser}; Path=/; HttpOnly; SameSite=Lax${ctx.secureCookie ? "; Secure" : ""}`,
  );
  ctx.show(res, flow);
}

/** An authorization request that failed validation: an error page, or back to the app with the error. */
export function rejectRequest(res: ServerResponse, validation: Exclude<AuthorizeValidation, { ok: true }>) {
  if ("redirect" in validation) return redirect(res, validation.redirect);
  sendHtml(res, validation.page.status, errorPage(validation.page.title, validation.page.message));
}

async function newFlow(ctx: HostedUiContext, request: AuthorizeRequest, step: Step, browser: string): Promise<Flow> {
  const pool = await ctx.upstream.pool(request.client.UserPoolId);
  const flow: Flow = {
    id: randomId(),
    browser,
    request,
    step,
    expiresAt: ctx.now() + FLOW_MS,
    usernameLabel: pool.UsernameAttributes?.includes("email") ? "Email" : "Username",
    passwordHint: describePasswordPolicy(pool.Policies?.PasswordPolicy),
    emailCodes:
      allowedFirstFactors(pool).includes("EMAIL_OTP") &&
      ctx.api.context.stores.settings.tier(request.client.UserPoolId) !== "LITE",
    ...allowedSignIns(ctx, request),
    // OIDC's login_hint: the sign-in name, filled in.
    username: request.loginHint,
  };
  ctx.flows.set(flow.id, flow);
  return flow;
}

/**
 * What the client lets people sign in with. A client with no
 * SupportedIdentityProviders at all keeps the form (AWS would offer nothing;
 * the emulator's older clients were made without the list).
 */
function allowedSignIns(ctx: HostedUiContext, request: AuthorizeRequest) {
  const supported = request.client.SupportedIdentityProviders;
  const providers = ctx.api.context.federation.providers;
  return {
    providers: (supported ?? []).filter(
      (name) => name !== "COGNITO" && providers.get(request.client.UserPoolId, name) !== undefined,
    ),
    cognitoSignIn: supported === undefined || supported.includes("COGNITO"),
  };
}

/**
 * Reads a form posted to `path` and the flow it belongs to, or answers the
 * refusal itself (undefined): only a form from the gateway's own pages, for a
 * live flow of this browser whose current page posts to this path, is accepted.
 */
export async function readFlowForm(
  ctx: HostedUiContext,
  pages: Pages,
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
): Promise<{ flow: Flow; form: URLSearchParams } | undefined> {
  if (sentFromAnotherSite(req)) {
    sendHtml(res, 403, errorPage("Forbidden", "This form was sent from another site."));
    return undefined;
  }
  if (!isForm(req)) {
    sendHtml(res, 415, errorPage("Unsupported form", "Forms must be URL-encoded."));
    return undefined;
  }
  const form = new URLSearchParams((await readBody(req)).toString("utf8"));
  const flow = ctx.flows.get(form.get("flow") ?? "");
  if (!flow || flow.expiresAt < ctx.now() || pages[flow.step].action !== path || flow.browser !== browserOf(req)) {
    sendHtml(res, 400, errorPage("This page has expired", "The sign-in page you used is no longer valid."));
    return undefined;
  }
  return { flow, form };
}

/**
 * A form another origin made the browser send: the Fetch metadata says so
 * (every current browser sends `Sec-Fetch-Site`), or else an `Origin` that is
 * not this host. Pages on other ports of `localhost` are other origins too,
 * though the same site: cookies alone would not tell them apart. (The pages'
 * `Referrer-Policy: no-referrer` makes the browser send `Origin: null` with
 * their own forms, so an opaque origin proves nothing either way.)
 */
function sentFromAnotherSite(req: IncomingMessage): boolean {
  const site = req.headers["sec-fetch-site"];
  if (site !== undefined) return site !== "same-origin";
  const origin = req.headers.origin;
  if (origin === undefined || origin === "null") return false;
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/** The links between a flow's pages, keeping the authorization request. */
export function links(flow: Flow) {
  const q = flow.request.query;
  return { signUpHref: `/signup?${q}`, forgotPasswordHref: `/forgotPassword?${q}`, loginHref: `/login?${q}` };
}

/** SECRET_HASH for InitiateAuth and RespondToAuthChallenge, when the client has a secret. */
export function secretHashParam(flow: Flow, username: string): { SECRET_HASH?: string } {
  const { ClientId, ClientSecret } = flow.request.client;
  return ClientSecret ? { SECRET_HASH: secretHash(username, ClientId, ClientSecret) } : {};
}

/** SecretHash for the other operations, when the client has a secret. */
export function secretHashBody(flow: Flow, username: string): { SecretHash?: string } {
  const { ClientId, ClientSecret } = flow.request.client;
  return ClientSecret ? { SecretHash: secretHash(username, ClientId, ClientSecret) } : {};
}
