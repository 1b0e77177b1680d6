import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getCognitoServices } from "~/auth/cognito-services.server";
import { setHostedRedirectCookie } from "~/auth/hosted.server";
import { logSignIn } from "~/auth/log.server";
import { safeRedirect } from "~/auth/redirect.server";
import { flowReason } from "~/auth/sign-in.server";
import { getHealth } from "~/http/health.server";

/** Starts the Hosted UI flow: state + PKCE cookie, then 302 to /oauth2/authorize. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { hosted } = getCognitoServices();
  if (!hosted) throw redirect("/login?flow=custom");
  const redirectTo = safeRedirect(new URL(request.url).searchParams.get("redirectTo"));
  if (!(await getHealth()).cognito.reachable) throw redirect("/login?error=unavailable");
  try {
    await hosted.authenticate(request);
  } catch (error) {
    if (error instanceof Response && error.status === 302) {
      logSignIn({ flow: "hosted", reason: flowReason(), outcome: "redirected-to-hosted-ui" });
      setHostedRedirectCookie(error.headers, redirectTo);
      throw error;
    }
    throw error;
  }
  // authenticate() only returns when the URL carries a state: that is the callback's job.
  throw redirect("/login");
}
