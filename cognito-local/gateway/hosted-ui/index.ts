/**
 * The Hosted UI: `/oauth2/authorize` (authorize.ts), the sign-in page and the
 * pages a sign-in may lead to — new password, MFA code, email code, sign-up
 * and its confirmation, forgotten password — one module each (or each
 * family), and `/logout` (logout.ts). This module is the router: a new page
 * is a module exporting a `Page`, a step for it in flows.ts, and its routes
 * below.
 *
 * Shared parts: page flows and the one place forms are read (flows.ts), the
 * signed-in cookie (session.ts), and the steps that call Cognito and choose
 * the next page (steps.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ExpiringStore } from "../expiring-store.ts";
import { errorPage, type FormMessages } from "../html.ts";
import { sendHtml } from "../http.ts";
import { authorize } from "./authorize.ts";
import type { HostedUiContext, HostedUiOptions, Pages } from "./context.ts";
import { emailCodePage } from "./email-code.ts";
import { idpResponse } from "./federation.ts";
import { FLOW_MS, type Flow, openPage, readFlowForm } from "./flows.ts";
import { confirmForgotPasswordPage, forgotPasswordPage } from "./forgot-password.ts";
import { logout } from "./logout.ts";
import { mfaPage } from "./mfa.ts";
import { newPasswordPage } from "./new-password.ts";
import type { HostedSession } from "./session.ts";
import { signInPage } from "./sign-in.ts";
import { confirmSignUpPage, signUpPage } from "./sign-up.ts";

/** Each step of a flow, and the page that shows it. */
const PAGES: Pages = {
  login: signInPage,
  newPassword: newPasswordPage,
  mfa: mfaPage,
  emailCode: emailCodePage,
  signup: signUpPage,
  confirm: confirmSignUpPage,
  forgot: forgotPasswordPage,
  confirmForgot: confirmForgotPasswordPage,
};

type Route = (ctx: HostedUiContext, req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void>;

/** A page's form, posted to its path, goes to the page its flow is at (flows.ts checks the two agree). */
const submitted: Route = async (ctx, req, res, url) => {
  const read = await readFlowForm(ctx, PAGES, req, res, url.pathname);
  if (read) await PAGES[read.flow.step].submit(ctx, res, read.flow, read.form);
};

const ROUTES: Record<string, Route> = {
  "GET /oauth2/authorize": (ctx, req, res, url) => authorize(ctx, req, res, url.searchParams),
  "GET /oauth2/idpresponse": idpResponse,
  "GET /login": (ctx, req, res, url) => openPage(ctx, req, res, url.searchParams, "login"),
  "GET /signup": (ctx, req, res, url) => openPage(ctx, req, res, url.searchParams, "signup"),
  "GET /forgotPassword": (ctx, req, res, url) => openPage(ctx, req, res, url.searchParams, "forgot"),
  "POST /login": submitted,
  "POST /challenge": submitted,
  "POST /signup": submitted,
  "POST /confirm": submitted,
  "POST /forgotPassword": submitted,
  "POST /confirmForgotPassword": submitted,
  "GET /logout": (ctx, req, res, url) => logout(ctx, req, res, url.searchParams),
};

export class HostedUi {
  private readonly ctx: HostedUiContext;

  constructor({ limits, ...options }: HostedUiOptions) {
    this.ctx = {
      ...options,
      flows: new ExpiringStore<Flow>("sign-in pages", limits.flows, options.now),
      sessions: new ExpiringStore<HostedSession>("hosted sign-in sessions", limits.hostedSessions, options.now),
      show: (res: ServerResponse, flow: Flow, messages: FormMessages = {}) => {
        // Each rendering of a form gets a fresh expiry.
        flow.expiresAt = options.now() + FLOW_MS;
        sendHtml(res, 200, PAGES[flow.step].render(flow, messages));
      },
    };
  }

  /** Handles the request when the path is a Hosted UI page; false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const key = `${req.method} ${url.pathname}`;
    const route = Object.hasOwn(ROUTES, key) ? ROUTES[key] : undefined;
    if (route) {
      await route(this.ctx, req, res, url);
      return true;
    }
    // Never let cognito-local's own sign-in form (POST /oauth2/authorize,
    // no checks, no escaping) answer behind the gateway's back.
    if (url.pathname === "/oauth2/authorize" || url.pathname === "/login" || url.pathname === "/logout") {
      sendHtml(res, 405, errorPage("Method not allowed", `${url.pathname} does not accept ${req.method}.`), {
        Allow: url.pathname === "/login" ? "GET, POST" : "GET",
      });
      return true;
    }
    return false;
  }

  sweep(): void {
    this.ctx.flows.sweep();
    this.ctx.sessions.sweep();
  }

  stateSizes(): { flows: number; hostedSessions: number } {
    return { flows: this.ctx.flows.size, hostedSessions: this.ctx.sessions.size };
  }
}
