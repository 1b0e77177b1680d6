/**
 * `/oauth2/authorize`: the authorization request is checked (authorize-request.ts);
 * a browser already signed in here goes straight back to the app with a code,
 * like AWS, unless `prompt=login` asks for a real sign-in; anyone else goes to
 * the sign-in page — or, with `prompt=none`, back to the app with
 * `error=login_required`. (Sending a browser on to a federated identity
 * provider, `identity_provider=…`, starts here too.)
 *
 * AWS's managed login reads `prompt` (OIDC Core 3.1.2.1): `login` makes the
 * user authenticate again even with a valid session, `none` never shows a
 * page, and `select_account` and `consent` only matter to federated identity
 * providers (`login` goes on to the provider too: federation/flow.ts). It
 * takes no `max_age`.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { codeRedirect, errorRedirect, validateAuthorizeRequest } from "../authorize-request.ts";
import { toAwsError } from "../errors.ts";
import { redirect } from "../http.ts";
import { hostedSessionTokens } from "../operations/sign-in.ts";
import type { HostedUiContext } from "./context.ts";
import { beginProviderSignIn } from "./federation.ts";
import { rejectRequest } from "./flows.ts";
import { currentSession } from "./session.ts";
import { issueCode } from "./steps.ts";

export async function authorize(
  ctx: HostedUiContext,
  req: IncomingMessage,
  res: ServerResponse,
  params: URLSearchParams,
) {
  const validation = await validateAuthorizeRequest(ctx.upstream, params);
  if (!validation.ok) return rejectRequest(res, validation);
  const { request } = validation;
  const prompt = new Set((params.get("prompt") ?? "").split(" ").filter(Boolean));

  // identity_provider= / idp_identifier=: straight to that provider, like AWS.
  const wanted = ctx.api.context.federation.flow.requestedProvider(params);
  if (wanted) return beginProviderSignIn(ctx, req, res, request, wanted, params.get("prompt") ?? undefined);

  // Signed in already (and not asked to sign in again): no form, like AWS.
  const current = currentSession(ctx, req);
  if (current && current.session.poolId === request.client.UserPoolId && !prompt.has("login")) {
    const { sid, session } = current;
    try {
      // The tokens say when the person signed in: then, not now.
      const tokens = await hostedSessionTokens(
        ctx.api.context,
        request.client.ClientId,
        session.username,
        session.authTime,
      );
      return redirect(res, codeRedirect(request, issueCode(ctx, request, tokens)));
    } catch (error) {
      ctx.log(
        `hosted session for ${session.username} no longer signs in (${toAwsError(error).message}): showing the form`,
      );
      ctx.sessions.delete(sid);
    }
  }
  if (prompt.has("none")) {
    return redirect(
      res,
      errorRedirect(request.redirectUri, "login_required", "the user is not signed in", request.state),
    );
  }
  redirect(res, `/login?${request.query}`);
}
