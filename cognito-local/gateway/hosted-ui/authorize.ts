/**
 * `/oauth2/authorize`: the authorization request is checked (authorize-request.ts);
 * a browser already signed in here (and not asked to sign in again with
 * `prompt=login`) goes straight back to the app with a code, like AWS;
 * anyone else goes to the sign-in page. (Sending a browser on to a
 * federated identity provider, `identity_provider=…`, starts here too.)
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { codeRedirect, validateAuthorizeRequest } from "../authorize-request.ts";
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

  // identity_provider= / idp_identifier=: straight to that provider, like AWS.
  const wanted = ctx.api.context.federation.flow.requestedProvider(params);
  if (wanted) return beginProviderSignIn(ctx, req, res, request, wanted, params.get("prompt") ?? undefined);

  // Signed in already (and not asked to sign in again): no form, like AWS.
  const current = currentSession(ctx, req);
  const forceLogin = (params.get("prompt") ?? "").split(" ").includes("login");
  if (current && current.session.poolId === request.client.UserPoolId && !forceLogin) {
    const { sid, session } = current;
    try {
      const tokens = await hostedSessionTokens(
        ctx.api.context,
        request.client.ClientId,
        session.username,
        session.password,
      );
      return redirect(res, codeRedirect(request, issueCode(ctx, request, tokens)));
    } catch (error) {
      ctx.log(
        `hosted session for ${session.username} no longer signs in (${toAwsError(error).message}): showing the form`,
      );
      ctx.sessions.delete(sid);
    }
  }
  redirect(res, `/login?${request.query}`);
}
