import type { LoaderFunctionArgs } from "@remix-run/node";
import { finishHostedSignIn } from "~/auth/auth.server";

/** Where Cognito sends the browser back after the Hosted UI: signed in, or the login page says why. */
export async function loader({ request }: LoaderFunctionArgs) {
  return finishHostedSignIn(request);
}
