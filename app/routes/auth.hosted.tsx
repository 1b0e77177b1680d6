import type { LoaderFunctionArgs } from "@remix-run/node";
import { startHostedSignIn } from "~/auth/auth.server";

/** Starts the Hosted UI sign-in: state + PKCE cookie, then 302 to Cognito's /oauth2/authorize. */
export async function loader({ request }: LoaderFunctionArgs) {
  return startHostedSignIn(request);
}
