/**
 * The Hosted UI's side of a sign-in through an identity provider:
 * `/oauth2/authorize?identity_provider=…` (or `idp_identifier=…`) goes
 * straight to the provider, and `/oauth2/idpresponse`, where the provider
 * sends the browser back, ends like a password sign-in: a signed-in session
 * here and an authorization code for the app. The checks are in
 * federation/flow.ts.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type AuthorizeRequest, codeRedirect } from "../authorize-request.ts";
import { errorPage } from "../html.ts";
import { redirect, sendHtml } from "../http.ts";
import type { HostedUiContext } from "./context.ts";
import { startSession } from "./session.ts";
import { issueCode } from "./steps.ts";

/** Sends the browser to the provider the request names, or shows why not. */
export async function beginProviderSignIn(
  ctx: HostedUiContext,
  req: IncomingMessage,
  res: ServerResponse,
  request: AuthorizeRequest,
  wanted: { name?: string; identifier?: string },
  prompt: string | undefined,
) {
  const outcome = await ctx.api.context.federation.flow.begin(request, wanted, {
    prompt,
    cookieHeader: req.headers.cookie,
  });
  if ("page" in outcome) return sendHtml(res, outcome.page.status, errorPage(outcome.page.title, outcome.page.message));
  redirect(res, outcome.redirect, outcome.setCookie ? { "Set-Cookie": outcome.setCookie } : {});
}

/** `/oauth2/idpresponse`: the provider's answer, checked; the app gets a code for the user it signs in as. */
export async function idpResponse(ctx: HostedUiContext, req: IncomingMessage, res: ServerResponse, url: URL) {
  const outcome = await ctx.api.context.federation.flow.finish(url.searchParams, req.headers.cookie);
  if ("page" in outcome) return sendHtml(res, outcome.page.status, errorPage(outcome.page.title, outcome.page.message));
  if ("redirect" in outcome) return redirect(res, outcome.redirect);
  const { request, signedIn } = outcome;
  // Both or neither: a refusal (503) must not leave a session without its code.
  ctx.sessions.ensureRoom();
  ctx.codes.ensureRoom();
  const api = ctx.api.context;
  const user = await api.up.user(request.client.UserPoolId, signedIn.upstreamUsername);
  if (!user) return redirect(res, outcome.request.redirectUri);
  // Signed in now, through the provider: the tokens and the hosted session say so.
  const authTime = Math.floor(ctx.now() / 1000);
  const tokens = await api.issuer.signIn(request.client, user, { authTime });
  const cookie = startSession(ctx, {
    poolId: request.client.UserPoolId,
    username: signedIn.upstreamUsername,
    authTime,
  });
  redirect(res, codeRedirect(request, issueCode(ctx, request, tokens)), { "Set-Cookie": cookie });
}
