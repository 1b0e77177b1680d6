/**
 * `/logout?client_id=…&logout_uri=…`: ends the hosted session and goes to
 * `logout_uri`, which must be one of the client's sign-out URLs (AWS shows
 * an error page otherwise). With `redirect_uri` + `response_type` instead,
 * AWS signs out and shows the sign-in page again.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { validateAuthorizeRequest } from "../authorize-request.ts";
import { toAwsError } from "../errors.ts";
import { errorPage } from "../html.ts";
import { redirect, sendHtml } from "../http.ts";
import type { AppClient } from "../upstream.ts";
import type { HostedUiContext } from "./context.ts";
import { rejectRequest } from "./flows.ts";
import { endSession } from "./session.ts";

export async function logout(ctx: HostedUiContext, req: IncomingMessage, res: ServerResponse, params: URLSearchParams) {
  const clientId = params.get("client_id");
  if (!clientId) return sendHtml(res, 400, errorPage("client_id is missing", "The sign-out link has no client_id."));
  let client: AppClient;
  try {
    client = await ctx.upstream.client(clientId);
  } catch (error) {
    if (toAwsError(error).type !== "ResourceNotFoundException") throw error;
    return sendHtml(
      res,
      400,
      errorPage("Unknown app client", "The sign-out link names an app client that does not exist."),
    );
  }
  const logoutUri = params.get("logout_uri");
  if (logoutUri !== null) {
    if (!(client.LogoutURLs ?? []).includes(logoutUri)) {
      return sendHtml(
        res,
        400,
        errorPage(
          "Invalid logout_uri",
          "The logout_uri of the sign-out link is not one of the app client's sign-out URLs.",
        ),
      );
    }
    return redirect(res, logoutUri, { "Set-Cookie": endSession(ctx, req) });
  }
  if (params.get("redirect_uri") !== null) {
    const validation = await validateAuthorizeRequest(ctx.upstream, params);
    if (!validation.ok) return rejectRequest(res, validation);
    return redirect(res, `/login?${validation.request.query}`, { "Set-Cookie": endSession(ctx, req) });
  }
  sendHtml(res, 400, errorPage("logout_uri is missing", "The sign-out link has no logout_uri."));
}
