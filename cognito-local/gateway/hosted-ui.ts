/**
 * The Hosted UI: `/oauth2/authorize`, `/login` and its follow-up pages
 * (new password, MFA code), `/signup` + `/confirm`, `/forgotPassword` +
 * `/confirmForgotPassword`, and `/logout`.
 *
 * Sign-in goes through the gateway's own InitiateAuth (so the parity rules —
 * disabled users, challenges, password policy — apply to the pages as to the
 * API). What a page needs to remember between steps (the authorization
 * request, the Cognito `Session`, the password for the final token request)
 * stays in memory here, keyed by a random `flow` id in a hidden field; the
 * signed-in state is a random id in an HttpOnly cookie.
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import type {
  AuthenticationResultType,
  ChallengeNameType,
  InitiateAuthResponse,
} from "@aws-sdk/client-cognito-identity-provider";
import type { CognitoApi } from "./api.ts";
import type { AuthorizationCodes } from "./authorization-codes.ts";
import {
  type AuthorizeRequest,
  type AuthorizeValidation,
  codeRedirect,
  validateAuthorizeRequest,
} from "./authorize-request.ts";
import { toAwsError } from "./errors.ts";
import { ExpiringStore } from "./expiring-store.ts";
import * as pages from "./html.ts";
import { isForm, parseCookies, readBody, redirect, sendHtml } from "./http.ts";
import { claim, decodeJwt } from "./jwt.ts";
import type { Output } from "./operations/operation.ts";
import { hostedSessionTokens } from "./operations/sign-in.ts";
import { describePasswordPolicy } from "./password-policy.ts";
import { allowedFirstFactors } from "./pool-settings.ts";
import { secretHash } from "./secret-hash.ts";
import type { Upstream } from "./upstream.ts";

/** The gateway's signed-in cookie (AWS's managed login keeps one on its domain too). */
export const HOSTED_COOKIE = "cognito_local_hosted";
/** AWS's managed-login session lasts an hour. */
const HOSTED_SESSION_MS = 60 * 60_000;
/** How long a page may wait for its form to be submitted. */
const FLOW_MS = 15 * 60_000;

type Step = "login" | "challenge" | "signup" | "confirm" | "forgot" | "confirmForgot";

interface Flow {
  id: string;
  request: AuthorizeRequest;
  step: Step;
  expiresAt: number;
  usernameLabel: string;
  passwordHint: string;
  /** The pool allows email sign-in codes: the sign-in page offers them. */
  emailCodes: boolean;
  username?: string;
  /** Kept to sign in after a sign-up confirmation, and for the token request after a challenge. */
  password?: string;
  challenge?: { name: ChallengeNameType; session: string; username: string; deviceName?: string };
  destination?: string;
}

interface HostedSession {
  poolId: string;
  username: string;
  /** Absent after a sign-in with an email code: new tokens are then minted by the gateway. */
  password?: string;
  expiresAt: number;
}

export interface HostedUiOptions {
  upstream: Upstream;
  api: CognitoApi;
  codes: AuthorizationCodes;
  secureCookie: boolean;
  log: (line: string) => void;
  /** Most page flows and signed-in sessions held at once (see GatewayLimits). */
  limits: { flows: number; hostedSessions: number };
  now: () => number;
}

const randomId = () => randomBytes(24).toString("base64url");

export class HostedUi {
  // Anyone can open a sign-in page, so both are bounded: when full, new pages
  // (or sign-ins) are refused and the ones under way carry on (expiring-store.ts).
  private readonly flows: ExpiringStore<Flow>;
  private readonly sessions: ExpiringStore<HostedSession>;

  constructor(private readonly o: HostedUiOptions) {
    this.flows = new ExpiringStore("sign-in pages", o.limits.flows, o.now);
    this.sessions = new ExpiringStore("hosted sign-in sessions", o.limits.hostedSessions, o.now);
  }

  /** Handles the request when the path is a Hosted UI page; false otherwise. */
  async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "GET /oauth2/authorize":
        await this.authorize(req, res, url.searchParams);
        return true;
      case "GET /login":
        await this.showPage(res, url.searchParams, "login");
        return true;
      case "GET /signup":
        await this.showPage(res, url.searchParams, "signup");
        return true;
      case "GET /forgotPassword":
        await this.showPage(res, url.searchParams, "forgot");
        return true;
      case "POST /login":
      case "POST /challenge":
      case "POST /signup":
      case "POST /confirm":
      case "POST /forgotPassword":
      case "POST /confirmForgotPassword":
        await this.submit(req, res, url.pathname);
        return true;
      case "GET /logout":
        await this.logout(req, res, url.searchParams);
        return true;
      default:
        // Never let cognito-local's own sign-in form (POST /oauth2/authorize,
        // no checks, no escaping) answer behind the gateway's back.
        if (url.pathname === "/oauth2/authorize" || url.pathname === "/login" || url.pathname === "/logout") {
          sendHtml(res, 405, pages.errorPage("Method not allowed", `${url.pathname} does not accept ${req.method}.`), {
            Allow: url.pathname === "/login" ? "GET, POST" : "GET",
          });
          return true;
        }
        return false;
    }
  }

  sweep(): void {
    this.flows.sweep();
    this.sessions.sweep();
  }

  stateSizes(): { flows: number; hostedSessions: number } {
    return { flows: this.flows.size, hostedSessions: this.sessions.size };
  }

  // --- GET pages ---------------------------------------------------------------

  private async authorize(req: IncomingMessage, res: ServerResponse, params: URLSearchParams) {
    const validation = await validateAuthorizeRequest(this.o.upstream, params);
    if (!validation.ok) return this.rejectRequest(res, validation);
    const { request } = validation;

    // Signed in already (and not asked to sign in again): no form, like AWS.
    const sid = parseCookies(req.headers.cookie)[HOSTED_COOKIE];
    const session = sid ? this.sessions.get(sid) : undefined;
    const forceLogin = (params.get("prompt") ?? "").split(" ").includes("login");
    if (
      sid &&
      session &&
      session.expiresAt > this.o.now() &&
      session.poolId === request.client.UserPoolId &&
      !forceLogin
    ) {
      try {
        const tokens = await hostedSessionTokens(
          this.o.api.context,
          request.client.ClientId,
          session.username,
          session.password,
        );
        return redirect(res, codeRedirect(request, this.issueCode(request, tokens)));
      } catch (error) {
        this.o.log(
          `hosted session for ${session.username} no longer signs in (${toAwsError(error).message}): showing the form`,
        );
        this.sessions.delete(sid);
      }
    }
    redirect(res, `/login?${request.query}`);
  }

  private async showPage(res: ServerResponse, params: URLSearchParams, step: "login" | "signup" | "forgot") {
    const validation = await validateAuthorizeRequest(this.o.upstream, params);
    if (!validation.ok) return this.rejectRequest(res, validation);
    this.render(res, await this.newFlow(validation.request, step));
  }

  private rejectRequest(res: ServerResponse, validation: Exclude<AuthorizeValidation, { ok: true }>) {
    if ("redirect" in validation) return redirect(res, validation.redirect);
    sendHtml(res, validation.page.status, pages.errorPage(validation.page.title, validation.page.message));
  }

  // --- form submissions ----------------------------------------------------------

  private async submit(req: IncomingMessage, res: ServerResponse, path: string) {
    if (!isForm(req)) return sendHtml(res, 415, pages.errorPage("Unsupported form", "Forms must be URL-encoded."));
    const form = new URLSearchParams((await readBody(req)).toString("utf8"));
    const expected: Record<string, Step> = {
      "/login": "login",
      "/challenge": "challenge",
      "/signup": "signup",
      "/confirm": "confirm",
      "/forgotPassword": "forgot",
      "/confirmForgotPassword": "confirmForgot",
    };
    const flow = this.flows.get(form.get("flow") ?? "");
    if (!flow || flow.expiresAt < this.o.now() || flow.step !== expected[path]) {
      return sendHtml(
        res,
        400,
        pages.errorPage("This page has expired", "The sign-in page you used is no longer valid."),
      );
    }
    switch (flow.step) {
      case "login":
        return this.submitLogin(res, flow, form);
      case "challenge":
        return this.submitChallenge(res, flow, form);
      case "signup":
        return this.submitSignUp(res, flow, form);
      case "confirm":
        return this.submitConfirm(res, flow, form);
      case "forgot":
        return this.submitForgot(res, flow, form);
      case "confirmForgot":
        return this.submitConfirmForgot(res, flow, form);
    }
  }

  private async submitLogin(res: ServerResponse, flow: Flow, form: URLSearchParams) {
    const username = (form.get("username") ?? "").trim();
    const password = form.get("password") ?? "";
    flow.username = username;
    if (form.get("action") === "email-code") return this.sendEmailCode(res, flow, username);
    if (!username || !password) return this.render(res, flow, { error: "Enter your username and password." });
    await this.signIn(res, flow, username, password);
  }

  private async signIn(res: ServerResponse, flow: Flow, username: string, password: string) {
    const { client } = flow.request;
    let result: InitiateAuthResponse;
    try {
      result = await this.o.api.call(
        "InitiateAuth",
        {
          ClientId: client.ClientId,
          AuthFlow: "USER_PASSWORD_AUTH",
          AuthParameters: { USERNAME: username, PASSWORD: password, ...this.secretHashParam(flow, username) },
        },
        { hostedUi: true },
      );
    } catch (error) {
      const e = toAwsError(error);
      if (e.type === "UserNotConfirmedException") {
        // AWS sends a new code and asks for it.
        flow.password = password;
        return this.startConfirmation(res, flow, username, "Your account is not confirmed yet.");
      }
      if (e.type === "PasswordResetRequiredException") {
        return this.startPasswordReset(res, flow, username, "You need to reset your password.");
      }
      flow.step = "login";
      return this.render(res, flow, { error: e.message });
    }
    await this.afterAuth(res, flow, result, password);
  }

  /**
   * "Email me a code", as managed login offers it: choice-based sign-in
   * (USER_AUTH) with EMAIL_OTP preferred, then the code page.
   */
  private async sendEmailCode(res: ServerResponse, flow: Flow, username: string) {
    flow.step = "login";
    if (!flow.emailCodes) return this.render(res, flow, { error: "Sign-in codes are not available here." });
    if (!username) return this.render(res, flow, { error: `Enter your ${flow.usernameLabel.toLowerCase()}.` });
    let result: InitiateAuthResponse;
    try {
      result = await this.o.api.call(
        "InitiateAuth",
        {
          ClientId: flow.request.client.ClientId,
          AuthFlow: "USER_AUTH",
          AuthParameters: {
            USERNAME: username,
            PREFERRED_CHALLENGE: "EMAIL_OTP",
            ...this.secretHashParam(flow, username),
          },
        },
        { hostedUi: true },
      );
    } catch (error) {
      return this.render(res, flow, { error: toAwsError(error).message });
    }
    if (result.ChallengeName !== "EMAIL_OTP") {
      // This account cannot get a code (no verified email): AWS offers it the other ways.
      return this.render(res, flow, {
        error: "We can't send a sign-in code to this account. Sign in with your password.",
      });
    }
    flow.step = "challenge";
    flow.password = undefined;
    flow.destination = result.ChallengeParameters?.CODE_DELIVERY_DESTINATION;
    flow.challenge = { name: "EMAIL_OTP", session: result.Session ?? "", username };
    this.render(res, flow);
  }

  private async afterAuth(res: ServerResponse, flow: Flow, result: InitiateAuthResponse, password: string | undefined) {
    if (result.AuthenticationResult) return this.complete(res, flow, result.AuthenticationResult, password);
    const name = result.ChallengeName ?? "";
    const params = result.ChallengeParameters ?? {};
    const challengeUser = params.USER_ID_FOR_SRP ?? flow.username ?? "";
    if (name === "SELECT_MFA_TYPE") {
      // One page for both kinds of code: pick the authenticator app when offered.
      const offered = JSON.parse(params.MFAS_CAN_CHOOSE ?? "[]") as string[];
      const answer = offered.includes("SOFTWARE_TOKEN_MFA") ? "SOFTWARE_TOKEN_MFA" : "SMS_MFA";
      flow.challenge = { name, session: result.Session ?? "", username: challengeUser };
      return this.respond(res, flow, { ANSWER: answer }, password);
    }
    if (name === "NEW_PASSWORD_REQUIRED" || name === "SOFTWARE_TOKEN_MFA" || name === "SMS_MFA") {
      flow.step = "challenge";
      flow.password = password;
      flow.challenge = {
        name,
        session: result.Session ?? "",
        username: challengeUser,
        deviceName: params.FRIENDLY_DEVICE_NAME,
      };
      return this.render(res, flow);
    }
    sendHtml(res, 501, pages.errorPage("Unsupported challenge", `The local Hosted UI cannot answer ${name}.`));
  }

  private async submitChallenge(res: ServerResponse, flow: Flow, form: URLSearchParams) {
    const challenge = flow.challenge!;
    if (challenge.name === "NEW_PASSWORD_REQUIRED") {
      const newPassword = form.get("newPassword") ?? "";
      if (newPassword !== (form.get("confirmPassword") ?? ""))
        return this.render(res, flow, { error: "Passwords do not match." });
      return this.respond(res, flow, { NEW_PASSWORD: newPassword }, newPassword);
    }
    if (challenge.name === "EMAIL_OTP") {
      if (form.get("action") === "resend") return this.sendEmailCode(res, flow, challenge.username);
      return this.respond(res, flow, { EMAIL_OTP_CODE: (form.get("code") ?? "").trim() }, undefined);
    }
    const code = (form.get("code") ?? "").trim();
    const field = challenge.name === "SMS_MFA" ? "SMS_MFA_CODE" : "SOFTWARE_TOKEN_MFA_CODE";
    return this.respond(res, flow, { [field]: code }, flow.password ?? "");
  }

  private async respond(
    res: ServerResponse,
    flow: Flow,
    answers: Record<string, string>,
    password: string | undefined,
  ) {
    const challenge = flow.challenge!;
    let result: InitiateAuthResponse;
    try {
      result = await this.o.api.call("RespondToAuthChallenge", {
        ClientId: flow.request.client.ClientId,
        ChallengeName: challenge.name,
        Session: challenge.session,
        ChallengeResponses: {
          USERNAME: challenge.username,
          ...answers,
          ...this.secretHashParam(flow, challenge.username),
        },
      });
    } catch (error) {
      const e = toAwsError(error);
      if (e.message.startsWith("Invalid session")) {
        const emailCode = challenge.name === "EMAIL_OTP";
        flow.step = "login";
        flow.challenge = undefined;
        return this.render(res, flow, {
          error: emailCode
            ? "That sign-in code can no longer be used (it expired, or was entered wrongly too often). Ask for a new one."
            : "Your sign-in took too long. Sign in again.",
        });
      }
      return this.render(res, flow, { error: e.message });
    }
    await this.afterAuth(res, flow, result, password);
  }

  private async submitSignUp(res: ServerResponse, flow: Flow, form: URLSearchParams) {
    const email = (form.get("email") ?? "").trim();
    const password = form.get("password") ?? "";
    flow.username = email;
    if (!email || !password) return this.render(res, flow, { error: "Enter your email and a password." });
    let result: Output<"SignUp">;
    try {
      result = await this.o.api.call("SignUp", {
        ClientId: flow.request.client.ClientId,
        Username: email,
        Password: password,
        UserAttributes: [{ Name: "email", Value: email }],
        ...this.secretHashBody(flow, email),
      });
    } catch (error) {
      return this.render(res, flow, { error: toAwsError(error).message });
    }
    flow.password = password;
    if (result.UserConfirmed) return this.signIn(res, flow, email, password);
    flow.step = "confirm";
    flow.destination = result.CodeDeliveryDetails?.Destination;
    this.render(res, flow);
  }

  private async startConfirmation(res: ServerResponse, flow: Flow, username: string, notice: string) {
    flow.step = "confirm";
    flow.username = username;
    try {
      const sent = await this.o.api.call("ResendConfirmationCode", {
        ClientId: flow.request.client.ClientId,
        Username: username,
        ...this.secretHashBody(flow, username),
      });
      flow.destination = sent.CodeDeliveryDetails?.Destination;
    } catch (error) {
      return this.render(res, flow, { error: toAwsError(error).message });
    }
    this.render(res, flow, { notice });
  }

  private async submitConfirm(res: ServerResponse, flow: Flow, form: URLSearchParams) {
    const username = flow.username ?? "";
    if (form.get("action") === "resend") {
      return this.startConfirmation(res, flow, username, "We sent you a new code.");
    }
    try {
      await this.o.api.call("ConfirmSignUp", {
        ClientId: flow.request.client.ClientId,
        Username: username,
        ConfirmationCode: (form.get("code") ?? "").trim(),
        ...this.secretHashBody(flow, username),
      });
    } catch (error) {
      return this.render(res, flow, { error: toAwsError(error).message });
    }
    // AWS signs the new user straight in after confirming.
    if (flow.password) return this.signIn(res, flow, username, flow.password);
    flow.step = "login";
    this.render(res, flow, { notice: "Your account is confirmed. Sign in." });
  }

  private async submitForgot(res: ServerResponse, flow: Flow, form: URLSearchParams) {
    const username = (form.get("username") ?? "").trim();
    flow.username = username;
    if (!username) return this.render(res, flow, { error: "Enter your username." });
    await this.startPasswordReset(res, flow, username);
  }

  private async startPasswordReset(res: ServerResponse, flow: Flow, username: string, notice?: string) {
    flow.username = username;
    try {
      const sent = await this.o.api.call("ForgotPassword", {
        ClientId: flow.request.client.ClientId,
        Username: username,
        ...this.secretHashBody(flow, username),
      });
      flow.destination = sent.CodeDeliveryDetails?.Destination;
    } catch (error) {
      flow.step = "forgot";
      return this.render(res, flow, { error: toAwsError(error).message });
    }
    flow.step = "confirmForgot";
    this.render(res, flow, { notice });
  }

  private async submitConfirmForgot(res: ServerResponse, flow: Flow, form: URLSearchParams) {
    const newPassword = form.get("newPassword") ?? "";
    if (newPassword !== (form.get("confirmPassword") ?? ""))
      return this.render(res, flow, { error: "Passwords do not match." });
    const username = flow.username ?? "";
    try {
      await this.o.api.call("ConfirmForgotPassword", {
        ClientId: flow.request.client.ClientId,
        Username: username,
        ConfirmationCode: (form.get("code") ?? "").trim(),
        Password: newPassword,
        ...this.secretHashBody(flow, username),
      });
    } catch (error) {
      return this.render(res, flow, { error: toAwsError(error).message });
    }
    flow.step = "login";
    this.render(res, flow, { notice: "Your password has been reset. Sign in with your new password." });
  }

  // --- sign-in done, sign-out -------------------------------------------------------

  private complete(res: ServerResponse, flow: Flow, tokens: AuthenticationResultType, password: string | undefined) {
    // Both or neither: a refusal (503) must not leave a session without its code.
    this.sessions.ensureRoom();
    this.o.codes.ensureRoom();
    this.flows.delete(flow.id);
    const username = claim(decodeJwt(tokens.AccessToken), "username") ?? flow.username ?? "";
    const sid = randomId();
    this.sessions.set(sid, {
      poolId: flow.request.client.UserPoolId,
      username,
      password,
      expiresAt: this.o.now() + HOSTED_SESSION_MS,
    });
    redirect(res, codeRedirect(flow.request, this.issueCode(flow.request, tokens)), {
      "Set-Cookie": this.cookie(sid, HOSTED_SESSION_MS / 1000),
    });
  }

  private issueCode(request: AuthorizeRequest, tokens: AuthenticationResultType): string {
    return this.o.codes.issue({
      clientId: request.client.ClientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      tokens,
    });
  }

  /**
   * `/logout?client_id=…&logout_uri=…`: ends the hosted session and goes to
   * `logout_uri`, which must be one of the client's sign-out URLs (AWS shows
   * an error page otherwise). With `redirect_uri` + `response_type` instead,
   * AWS signs out and shows the sign-in page again.
   */
  private async logout(req: IncomingMessage, res: ServerResponse, params: URLSearchParams) {
    const clientId = params.get("client_id");
    if (!clientId)
      return sendHtml(res, 400, pages.errorPage("client_id is missing", "The sign-out link has no client_id."));
    let client;
    try {
      client = await this.o.upstream.client(clientId);
    } catch (error) {
      if (toAwsError(error).type !== "ResourceNotFoundException") throw error;
      return sendHtml(
        res,
        400,
        pages.errorPage("Unknown app client", "The sign-out link names an app client that does not exist."),
      );
    }
    const end = () => {
      const sid = parseCookies(req.headers.cookie)[HOSTED_COOKIE];
      if (sid) this.sessions.delete(sid);
      return this.cookie("", 0);
    };
    const logoutUri = params.get("logout_uri");
    if (logoutUri !== null) {
      if (!(client.LogoutURLs ?? []).includes(logoutUri)) {
        return sendHtml(
          res,
          400,
          pages.errorPage(
            "Invalid logout_uri",
            "The logout_uri of the sign-out link is not one of the app client's sign-out URLs.",
          ),
        );
      }
      return redirect(res, logoutUri, { "Set-Cookie": end() });
    }
    if (params.get("redirect_uri") !== null) {
      const validation = await validateAuthorizeRequest(this.o.upstream, params);
      if (!validation.ok) return this.rejectRequest(res, validation);
      return redirect(res, `/login?${validation.request.query}`, { "Set-Cookie": end() });
    }
    sendHtml(res, 400, pages.errorPage("logout_uri is missing", "The sign-out link has no logout_uri."));
  }

  // --- helpers ---------------------------------------------------------------------

  private async newFlow(request: AuthorizeRequest, step: Step): Promise<Flow> {
    const pool = await this.o.upstream.pool(request.client.UserPoolId);
    const flow: Flow = {
      id: randomId(),
      request,
      step,
      expiresAt: this.o.now() + FLOW_MS,
      usernameLabel: pool.UsernameAttributes?.includes("email") ? "Email" : "Username",
      passwordHint: describePasswordPolicy(pool.Policies?.PasswordPolicy),
      emailCodes:
        allowedFirstFactors(pool).includes("EMAIL_OTP") &&
        this.o.api.context.stores.settings.tier(request.client.UserPoolId) !== "LITE",
    };
    this.flows.set(flow.id, flow);
    return flow;
  }

  private render(res: ServerResponse, flow: Flow, m: pages.FormMessages = {}) {
    // Each rendering of a form gets a fresh expiry.
    flow.expiresAt = this.o.now() + FLOW_MS;
    const q = flow.request.query;
    const links = { signUpHref: `/signup?${q}`, forgotPasswordHref: `/forgotPassword?${q}`, loginHref: `/login?${q}` };
    const common = { flow: flow.id, ...m };
    let html: string;
    switch (flow.step) {
      case "login":
        html = pages.loginPage({
          ...common,
          ...links,
          username: flow.username,
          usernameLabel: flow.usernameLabel,
          emailCodes: flow.emailCodes,
        });
        break;
      case "challenge":
        html =
          flow.challenge?.name === "NEW_PASSWORD_REQUIRED"
            ? pages.newPasswordPage({ ...common, passwordHint: flow.passwordHint })
            : flow.challenge?.name === "EMAIL_OTP"
              ? pages.emailCodePage({ ...common, destination: flow.destination, loginHref: links.loginHref })
              : pages.mfaPage({
                  ...common,
                  challengeName: flow.challenge?.name ?? "",
                  deviceName: flow.challenge?.deviceName,
                });
        break;
      case "signup":
        html = pages.signUpPage({
          ...common,
          email: flow.username,
          passwordHint: flow.passwordHint,
          loginHref: links.loginHref,
        });
        break;
      case "confirm":
        html = pages.confirmSignUpPage({ ...common, destination: flow.destination });
        break;
      case "forgot":
        html = pages.forgotPasswordPage({
          ...common,
          username: flow.username,
          usernameLabel: flow.usernameLabel,
          loginHref: links.loginHref,
        });
        break;
      case "confirmForgot":
        html = pages.confirmForgotPasswordPage({
          ...common,
          destination: flow.destination,
          passwordHint: flow.passwordHint,
        });
        break;
    }
    sendHtml(res, 200, html);
  }

  private cookie(value: string, maxAgeSeconds: number): string {
    return `${HOSTED_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${
      this.o.secureCookie ? "; Secure" : ""
    }`;
  }

  private secretHashParam(flow: Flow, username: string): { SECRET_HASH?: string } {
    const { ClientId, ClientSecret } = flow.request.client;
    return ClientSecret ? { SECRET_HASH: secretHash(username, ClientId, ClientSecret) } : {};
  }

  private secretHashBody(flow: Flow, username: string): { SecretHash?: string } {
    const { ClientId, ClientSecret } = flow.request.client;
    return ClientSecret ? { SecretHash: secretHash(username, ClientId, ClientSecret) } : {};
  }
}
